/** Exits 1 with the reason when no ThingsDB node can be started here: the suite needs a real one. */
import { missingNode } from './node.js';

const missing = missingNode();
if (missing !== undefined) {
  process.stderr.write(`test:thingsdb: ${missing}. This suite compares tremolo with a real ThingsDB node and cannot run without one.\n`);
  process.exitCode = 1;
}
