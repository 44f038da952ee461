import { isRuntimeError } from '../../sdk/errors.js';
import { didYouMean } from '../../sdk/suggest.js';
import { COMMANDS } from './commands.js';
import { version } from './version.js';

/** `tremolo --help`: the usage and one line per command, from the command table. */
export function mainHelp(): string {
  const names = Object.keys(COMMANDS);
  const width = Math.max(...names.map((n) => n.length)) + 2;
  const usage = names.map((n) => `  tremolo ${COMMANDS[n]!.synopsis.replaceAll('\n', `\n${' '.repeat(11 + n.length)}`)}\n`);
  return `tremolo: run stream-processing flows of WebSocket, socket, file and timer connectors

Usage
${usage.join('')}  tremolo help COMMAND | COMMAND --help
  tremolo --help | -h
  tremolo --version | -v

Commands
${names.map((n) => `  ${n.padEnd(width)}${COMMANDS[n]!.summary}\n`).join('')}
Run "tremolo COMMAND --help" for a command's options.
`;
}

/** Whether the words ask for help (before a `--` that ends the options). */
const asksHelp = (argv: readonly string[]): boolean => {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
};

/**
 * The `tremolo` command. Sets `process.exitCode` rather than exiting, so callers can embed it.
 * Only this file, the command table and the help texts load before a command is chosen (so
 * `--version` and `--help` cost little more than starting Node.js); the command then imports what
 * it needs.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  // `tremolo help run` is `tremolo run --help`.
  if (command === 'help' && rest[0] !== undefined) return main([rest[0], '--help']);
  let code: number;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      process.stdout.write(mainHelp());
      code = command === undefined ? 2 : 0;
    } else if (command === '--version' || command === '-v') {
      process.stdout.write(`tremolo ${version()}\n`);
      code = 0;
    } else if (Object.hasOwn(COMMANDS, command)) {
      const spec = COMMANDS[command]!;
      if (spec.help !== undefined && asksHelp(rest)) {
        process.stdout.write(spec.help);
        code = 0;
      } else code = await (await spec.load())(rest);
    } else {
      const names = Object.keys(COMMANDS);
      process.stderr.write(`tremolo: unknown command ${JSON.stringify(command)}; ${didYouMean(command, names)}commands: ${names.join(', ')}\n`);
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
