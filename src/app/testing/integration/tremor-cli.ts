/**
 * Tremor's command line, as before- and after-files write it, read as tremolo's:
 * `tremor [-l LOGGER] server run [-p PIDFILE] [--debug-connectors] [-n] FILES...` is `tremolo run
 * FILES...`. Options that have no meaning here are dropped (see `IGNORED`); the pid file is
 * written by whoever spawns the process, so the after-scripts that `kill $(cat before.pid)` find it.
 */
export interface TremorCommand {
  /** tremolo's arguments. */
  readonly args: string[];
  /** Where Tremor would write its pid (`-p`, `--pid`), relative to the process's folder. */
  readonly pidFile: string | undefined;
}

/**
 * Tremor's options that tremolo has no use for, with whether they take a value. `-l` is a log4rs
 * configuration (tremolo logs to stderr, at --log-level), `--debug-connectors` logs connector
 * internals, `-n` turns off an API tremolo only serves when asked (--api), `--recursion-limit`
 * bounds Tremor's script interpreter, `--instance` names the process in Tremor's metrics.
 */
const IGNORED: Readonly<Record<string, boolean>> = {
  '-l': true,
  '--logger-config': true,
  '--debug-connectors': false,
  '-n': false,
  '--no-api': false,
  '-r': true,
  '--recursion-limit': true,
  '-i': true,
  '--instance': true,
};

export function fromTremor(args: readonly string[]): TremorCommand {
  const out: string[] = [];
  let pidFile: string | undefined;
  let sawServerRun = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string | undefined => inline ?? args[++i];
    if (!sawServerRun && name === 'server' && args[i + 1] === 'run') {
      sawServerRun = true;
      out.push('run');
      i++;
    } else if (name in IGNORED) {
      if (IGNORED[name] && inline === undefined) i++;
    } else if (name === '-p' || name === '--pid') pidFile = value();
    else if (name === '--api-host') out.push('--api', value() ?? '');
    else out.push(arg);
  }
  return { args: out, pidFile };
}
