import { z } from 'zod';
import { defineOperator } from '../../sdk/operator-api.js';
import { expression } from '../../lang/fields.js';
import { pathRecord, rewrite } from './shared/paths.js';
import { evalContext, perEvent } from './shared/per-event.js';

export const set = defineOperator({
  name: 'set',
  description: 'Sets fields of the event or its metadata: `{ "event.user.id": "event.uid", "$.ws_server.binary": "true" }`. Values are computed from the event as it arrived; missing records along a path are created.',
  config: z.strictObject({
    values: pathRecord(expression('the value'), 'path → value expression, applied in order'),
  }),
  create({ values }, ctx) {
    const scope = evalContext(ctx);
    return perEvent(ctx, (event, emit) => {
      scope.load(event);
      let out = event;
      for (const [path, value] of values) {
        const v = value.evaluate(scope);
        out = rewrite(out, path, (root) => path.set(root, v));
      }
      emit(out);
    });
  },
});
