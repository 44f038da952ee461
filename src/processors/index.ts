import { removeEmpty } from './remove-empty.js';
import { separate } from './separate.js';

/** The built-in pre- and postprocessors. A new processor is one file plus one line here. */
export const builtinProcessors = [separate, removeEmpty];
