import { backpressure } from './backpressure.js';
import { batch } from './batch.js';
import { bucket } from './bucket.js';
import { dedupe } from './dedupe.js';
import { drop } from './drop.js';
import { filter } from './filter.js';
import { map } from './map.js';
import { rateLimit } from './rate-limit.js';
import { remove } from './remove.js';
import { rename } from './rename.js';
import { roundrobin } from './roundrobin.js';
import { route } from './route.js';
import { set } from './set.js';
import { throttle } from './throttle.js';
import { window } from './window.js';

/** The built-in pipeline operators. A new operator is one file plus one line here. */
export const builtinOperators = [
  filter,
  map,
  set,
  remove,
  rename,
  route,
  drop,
  batch,
  window,
  throttle,
  rateLimit,
  dedupe,
  backpressure,
  roundrobin,
  bucket,
];
