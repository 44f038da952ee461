import { checkFlow } from '../load.js';
import { formatProblem } from '../../loader/problems.js';
import { COMMANDS } from './commands.js';
import { VALIDATE_HELP } from './help.js';
import { argsOf, parse, portResolver } from './options.js';

export async function validate(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse(argv, COMMANDS.validate!.options);
  if (values.help) {
    process.stdout.write(VALIDATE_HELP);
    return 0;
  }
  if (positionals.length === 0) {
    process.stderr.write(`tremolo validate: no flow file given\n\n${VALIDATE_HELP}`);
    return 2;
  }
  let bad = 0;
  for (const file of positionals) {
    const { problems } = await checkFlow(file, { args: argsOf(values.arg as string[] | undefined), resolvers: { port: portResolver() }, undeclaredArgs: positionals.length > 1 ? 'ignore' : 'error' });
    if (problems.length === 0) process.stdout.write(`${file}: ok\n`);
    else {
      bad++;
      for (const p of problems) process.stderr.write(`${formatProblem(p)}\n`);
    }
  }
  if (bad > 0) process.stderr.write(`${bad} of ${positionals.length} flow${positionals.length > 1 ? 's' : ''} invalid\n`);
  return bad > 0 ? 1 : 0;
}
