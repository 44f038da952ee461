"""A WebSocket server for the terminal client's tests, written with Python's websockets (a peer
nobody here wrote). Prints JSON lines: {"port": N} once listening, {"received": text} per message,
{"closed": code} when a connection ends. The mode says how it answers each message:
  echo   the message as it came
  lines  the message and a newline, as tremolo's echo flow does
  slow   the message, 300 ms later
  deaf   the message, then it stops reading: the client's close frame is never answered
"""
import asyncio
import json
import sys

import websockets

MODE = sys.argv[1]


def say(**fields):
    print(json.dumps(fields), flush=True)


async def handler(ws, _path=None):
    async def later(message):
        await asyncio.sleep(0.3)
        await ws.send(message)

    pending = []
    async for message in ws:
        say(received=message)
        if MODE == "slow":
            # Answered from a task, as a server handling requests concurrently does: a close
            # frame read meanwhile ends the connection before the answer is sent.
            pending.append(asyncio.ensure_future(later(message)))
            continue
        await ws.send(message + "\n" if MODE == "lines" else message)
        if MODE == "deaf":
            ws.transport.pause_reading()
    await asyncio.gather(*pending, return_exceptions=True)
    say(closed=ws.close_code)


async def main():
    async with websockets.serve(handler, "127.0.0.1", 0) as server:
        say(port=server.sockets[0].getsockname()[1])
        await asyncio.Future()


asyncio.run(main())
