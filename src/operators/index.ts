import { drop } from './drop.js';
import { filter } from './filter.js';
import { map } from './map.js';
import { route } from './route.js';

/** The built-in pipeline operators. A new operator is one file plus one line here. */
export const builtinOperators = [filter, map, route, drop];
