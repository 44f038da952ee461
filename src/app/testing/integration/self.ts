import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromTremor } from './tremor-cli.js';

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

/**
 * `cmd` as written in a before or after file: `tremolo` (and Tremor's `tremor server run`, with
 * its options) mean us. The third element is the pid file Tremor's `-p` names, if any.
 */
export function resolveCommand(cmd: string, args: readonly string[]): [string, string[], string?] {
  if (cmd === 'tremolo' || cmd === 'tremor') {
    const [exe, pre] = tremoloCommand();
    if (cmd === 'tremolo') return [exe, [...pre, ...args]];
    const tremor = fromTremor(args);
    return tremor.pidFile === undefined ? [exe, [...pre, ...tremor.args]] : [exe, [...pre, ...tremor.args], tremor.pidFile];
  }
  return [cmd, [...args]];
}
