import { flowJsonSchema } from '../flow/json-schema.js';
import { SCHEMA_HELP } from './help.js';
import { parse } from './options.js';

export function schema(argv: readonly string[]): number {
  const { values } = parse(argv, {});
  if (values.help) {
    process.stdout.write(SCHEMA_HELP);
    return 0;
  }
  process.stdout.write(`${JSON.stringify(flowJsonSchema(), null, 2)}\n`);
  return 0;
}
