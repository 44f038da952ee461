import { isRuntimeError } from '../runtime/errors.js';
import { MAIN_HELP } from './help.js';
import { convert } from './convert.js';
import { doc } from './doc.js';
import { graph } from './graph.js';
import { hashPasswordCommand } from './hash-password.js';
import { newCommand } from './new.js';
import { run } from './run.js';
import { schema } from './schema.js';
import { test } from './test.js';
import { validate } from './validate.js';
import { version } from './version.js';

const COMMANDS: Record<string, (argv: readonly string[]) => number | Promise<number>> = { run, validate, convert, schema, doc, test, 'hash-password': hashPasswordCommand, new: newCommand, graph };

/** The `tremolo` command. Sets `process.exitCode` rather than exiting, so callers can embed it. */
export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  let code: number;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      process.stdout.write(MAIN_HELP);
      code = command === undefined ? 2 : 0;
    } else if (command === '--version' || command === '-v') {
      process.stdout.write(`tremolo ${version()}\n`);
      code = 0;
    } else if (COMMANDS[command] !== undefined) {
      code = await COMMANDS[command](rest);
    } else {
      process.stderr.write(`tremolo: unknown command ${JSON.stringify(command)}; commands: ${Object.keys(COMMANDS).join(', ')}\n`);
      code = 2;
    }
  } catch (err) {
    const usage = isRuntimeError(err) && err.code === 'ERR_USAGE';
    process.stderr.write(`tremolo${command ? ` ${command}` : ''}: ${isRuntimeError(err) ? err.message : (err as Error).stack}\n`);
    code = usage ? 2 : 1;
  }
  process.exitCode = code;
  return code;
}
