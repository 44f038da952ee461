import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../../../loader/package-root.js';
import { fromTremor } from './tremor-cli.js';

/**
 * The command that runs tremolo itself, for flows and for `cmd: tremolo` in before-processes:
 * the built command when this is the built library (bundled into dist/), the sources through tsx
 * otherwise.
 */
export function tremoloCommand(): [string, string[]] {
  if (fileURLToPath(import.meta.url).endsWith('.ts')) {
    return [process.execPath, ['--import', import.meta.resolve('tsx'), path.join(packageRoot, 'src/app/cli/bin.ts')]];
  }
  return [process.execPath, [path.join(packageRoot, 'bin/tremolo.js')]];
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
