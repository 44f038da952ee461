import { z } from 'zod';
import { defineOperator } from '../../sdk/operator-api.js';
import { pathList, rewrite } from './shared/paths.js';
import { perEvent } from './shared/per-event.js';

export const remove = defineOperator({
  name: 'remove',
  description: 'Removes fields from the event or its metadata: `["event.password", "$.ws_server.headers"]`. An absent field is not an error.',
  config: z.strictObject({ paths: pathList('the paths to remove') }),
  create({ paths }, ctx) {
    return perEvent(ctx, (event, emit) => {
      let out = event;
      for (const path of paths) out = rewrite(out, path, (root) => path.remove(root));
      emit(out);
    });
  },
});
