"""Runs a command in a pseudo-terminal, as a person at a terminal would: waits for WAIT_FOR in
what it writes, types LINE, waits for EXPECT, presses Ctrl-D, and waits for it to exit. The
terminal does not echo, so what is read is the command's own output. Prints one JSON line:
{"status": the exit status or null if it had to be killed, "output": all it wrote, "step": the
step that timed out, if one did}.
Usage: pty_run.py WAIT_FOR LINE EXPECT COMMAND...
"""
import json
import os
import pty
import select
import signal
import sys
import termios
import time

wait_for, line, expect = sys.argv[1:4]
command = sys.argv[4:]

pid, fd = pty.fork()
if pid == 0:
    attrs = termios.tcgetattr(0)
    attrs[3] &= ~termios.ECHO
    termios.tcsetattr(0, termios.TCSANOW, attrs)
    os.execvp(command[0], command)

output = b""


def read_until(text, seconds):
    """Reads until `text` has been written (True), the terminal closed or time ran out (False)."""
    global output
    deadline = time.monotonic() + seconds
    while text is None or text.encode() not in output:
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the command has exited and closed the terminal
            return text is None
        if not chunk:
            return text is None
        output += chunk
    return True


def finish(status, step=None):
    result = {"status": status, "output": output.decode(errors="replace")}
    if step is not None:
        result["step"] = step
    print(json.dumps(result), flush=True)
    sys.exit(0)


for step, text, then in [("wait", wait_for, line.encode() + b"\n"), ("reply", expect, b"\x04")]:
    if not read_until(text, 60):
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        finish(None, step)
    os.write(fd, then)

if not read_until(None, 30):
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    finish(None, "exit")
_, status = os.waitpid(pid, 0)
finish(os.waitstatus_to_exitcode(status))
