import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The command that runs tremolo itself, for flows and for `cmd: tremolo` in before-processes:
 * the compiled CLI when this is the compiled library, the sources through tsx otherwise.
 */
export function tremoloCommand(): [string, string[]] {
  const here = fileURLToPath(import.meta.url);
  const fromSources = here.endsWith('.ts');
  const bin = path.resolve(path.dirname(here), '../../cli', fromSources ? 'bin.ts' : 'bin.js');
  return fromSources ? [process.execPath, ['--import', import.meta.resolve('tsx'), bin]] : [process.execPath, [bin]];
}

/** `cmd` as written in a before or after file: `tremolo` (and Tremor's `tremor server run`) mean us. */
export function resolveCommand(cmd: string, args: readonly string[]): [string, string[]] {
  if (cmd === 'tremolo' || cmd === 'tremor') {
    const [exe, pre] = tremoloCommand();
    const rest = cmd === 'tremor' && args[0] === 'server' && args[1] === 'run' ? ['run', ...args.slice(2)] : [...args];
    return [exe, [...pre, ...rest]];
  }
  return [cmd, [...args]];
}
