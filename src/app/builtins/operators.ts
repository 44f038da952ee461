import { backpressure } from '../../kinds/operators/backpressure.js';
import { batch } from '../../kinds/operators/batch.js';
import { bucket } from '../../kinds/operators/bucket.js';
import { dedupe } from '../../kinds/operators/dedupe.js';
import { drop } from '../../kinds/operators/drop.js';
import { filter } from '../../kinds/operators/filter.js';
import { map } from '../../kinds/operators/map.js';
import { rateLimit } from '../../kinds/operators/rate-limit.js';
import { remove } from '../../kinds/operators/remove.js';
import { rename } from '../../kinds/operators/rename.js';
import { roundrobin } from '../../kinds/operators/roundrobin.js';
import { route } from '../../kinds/operators/route.js';
import { set } from '../../kinds/operators/set.js';
import { throttle } from '../../kinds/operators/throttle.js';
import { window } from '../../kinds/operators/window.js';

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
