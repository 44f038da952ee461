import { z } from 'zod';
import { defineConnector } from '../../sdk/connector-api.js';

export const nullConnector = defineConnector({
  kind: 'null',
  description: 'Drops every event sent to it and produces none.',
  config: z.strictObject({}),
  codec: 'structured',
  ports: { in: ['in'], out: ['err'] },
  create: () => ({ write() {} }),
});
