import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { deepEqual } from '../../lang/expr/values.js';
import { defineConnector } from '../../sdk/connector-api.js';
import { quote, reason, RuntimeError } from '../../sdk/errors.js';
import type { TremoloEvent } from '../../sdk/event.js';
import { errorData } from '../../sdk/error-data.js';
import { readCommand, type KvCommand, type KvOp } from './kv-command.js';
import { KvLog, type KvWrite } from './kv-log.js';
import { mergePatch } from '../../sdk/merge-patch.js';
import type { Change } from './kv-record.js';
import { ReplyStreams } from '../../sdk/io/reply-streams.js';
import { KvStore } from './kv-store.js';

/** Commands waiting for the disk above which the sources sending them are paused. */
const MAX_PENDING = 1024;

/** The store's file in a `dir`. */
export const DIR_FILE = 'tremolo-kv.log';

const Config = z.strictObject({
  path: z
    .string()
    .min(1)
    .optional()
    .describe('the file the store is kept in, relative to the working directory (its folder is created): loaded at start, appended to as commands change it, rewritten when mostly stale; without it (and without `dir`) the store lives in memory only'),
  dir: z
    .string()
    .min(1)
    .optional()
    .describe(`a folder to keep the store in (created when absent), as Tremor's \`path\` names sled's database folder: the store is the file \`${DIR_FILE}\` in it; not with \`path\``),
  replies: z
    .enum(['tremolo', 'tremor'])
    .default('tremolo')
    .describe("tremor: as Tremor's kv (the default in `.troy` flows): the key in `meta.kv` as bytes, and an `err` event null with the reason in `meta.error` (`CAS error: expected NEW but found CURRENT.` for a failed cas); tremolo: string keys, and `err` events as every connector's"),
  fsync: z
    .boolean()
    .default(true)
    .describe('with path: answer a command that changes the store only once its change is on disk (fdatasync, shared by the commands of a batch); false leaves flushing to the OS, so a crash of the machine (not of the process) may lose the last changes'),
  compact_min_bytes: z
    .number()
    .int()
    .positive()
    .default(1_048_576)
    .describe('with path: rewrite the file (write a snapshot, then rename it over the log) once it is larger than this and more than twice the size of the live data'),
}).refine((c) => c.path === undefined || c.dir === undefined, { message: 'give either path (a file) or dir (a folder), not both', path: ['dir'] });

/** Tremor writes a value in its CAS message as its Display does: a string bare, anything else as JSON. */
const tremorText = (v: unknown): string => (typeof v === 'string' ? v : v === undefined ? 'null' : quote(v));

export const kv = defineConnector({
  kind: 'kv',
  description:
    'An embedded key-value store, as Tremor’s kv connector: each event on `in` is a command (get, put, swap, merge, delete, cas, scan) and its result leaves `out` with the origins of the command, so a reply routes back to the connection that asked. String keys; scans go in key order (UTF-8 byte order). In memory, or kept in a file (`path`): an append-only log of checksummed records, rewritten when mostly stale; a record torn by a crash is dropped when the store loads. A command that is not one, or a failed cas, goes to `err`.',
  config: Config,
  codec: 'structured',
  metadata:
    'On `in`, a command: in the event, `{"get": {"key": k}}`, `{"put": {"key": k, "value": v}}`, `{"swap": {"key": k, "value": v}}`, `{"merge": {"key": k, "value": patch}}` (RFC 7396), `{"delete": {"key": k}}`, `{"cas": {"key": k, "old": v, "value": v}}` (no `old`: the key must be absent), `{"scan": {"start": k, "end": k}}` (both optional, end excluded); or, as in Tremor, in `meta.kv` (`{"get": k}`, `{"put": k}`, `{"cas": k, "old": v}`, `{"scan": k, "end": k}`...) with the value, patch or new value as the event. On `out`: the result as the event (get: the value or null; put, merge: the new value; swap, delete: the old value or null; cas: null; scan: one event per entry), with the command’s metadata (its `correlation` and the rest) and `meta.kv = { op, ok: key }`. On `err`: `{ error, code, connector, event }` with the command’s metadata and `meta.kv = { op, key }` when they are known.',
  create(config, ctx) {
    const store = new KvStore();
    const replies = new ReplyStreams(ctx, ctx.meta({}));
    let log: KvLog | undefined;
    let holding = false;
    let stopped = false;
    const tremor = config.replies === 'tremor';
    const file = config.dir !== undefined ? join(config.dir, DIR_FILE) : config.path;
    // Tremor's keys are bytes; a key is kept as a string and given back as its UTF-8 bytes.
    const keyOut = (key: string): unknown => (tremor ? Buffer.from(key, 'utf8') : key);

    // Tremor's replies carry the command's `correlation` and nothing else of its metadata.
    const carried = (event: TremoloEvent): TremoloEvent['meta'] =>
      !tremor ? event.meta : event.meta.correlation === undefined ? {} : { correlation: event.meta.correlation };
    const reply = (event: TremoloEvent, op: KvOp, results: readonly (readonly [string, unknown])[]): void => {
      const stream = replies.for(event.origins);
      const meta = carried(event);
      for (const [key, value] of results) stream.pushValue(value, { ...meta, kv: { op, ok: keyOut(key) } });
      event.settle?.ack();
    };

    /** A command not carried out: on `err`, where a failed write goes (tremolo has no code of its own for a refused command). */
    const refuse = (event: TremoloEvent, message: string, op?: KvOp, key?: string, tremorMessage = message): void => {
      const text = `${ctx.alias}: ${message}`;
      event.settle?.fail(text);
      const kvMeta = op === undefined ? undefined : { op, key: key === undefined ? null : keyOut(key) };
      const stream = replies.for(event.origins);
      // Tremor's err event is null, its reason in `$error`, and its `$kv` null when there was no command.
      if (tremor) stream.pushValue(null, { ...carried(event), error: tremorMessage, kv: kvMeta ?? null }, 'err');
      else stream.pushValue({ ...errorData('ERR_WRITE_FAILED', text, ctx.alias), event: event.data }, kvMeta === undefined ? event.meta : { ...event.meta, kv: kvMeta }, 'err');
    };

    /**
     * Runs `outcome` now, or, with a file, once `write` and everything submitted before it are on
     * disk: answers, refusals included, leave in the order of the commands.
     */
    const settle = (event: TremoloEvent, command: KvCommand | undefined, write: KvWrite | undefined, outcome: () => void): void => {
      if (log === undefined) return outcome();
      log.submit(write, (error) => {
        if (error === undefined || command === undefined) outcome();
        else refuse(event, `${error.message}; the command was not carried out`, command.op, 'key' in command ? command.key : undefined);
      });
      if (log.pending > MAX_PENDING) {
        holding = true;
        ctx.hold('file', event.origins);
      }
    };

    /** Applies a change to memory, after encoding it for the file: a value that cannot be stored fails first. */
    const change = (event: TremoloEvent, command: KvCommand, next: Change, result: unknown): void => {
      let write: KvWrite | undefined;
      if (log !== undefined) {
        try {
          write = KvLog.encode(next);
        } catch (err) {
          refuse(event, `${command.op} on ${JSON.stringify(next.key)}: the value cannot be stored: ${reason(err)}`, command.op, next.key);
          return;
        }
      }
      if ('deleted' in next) store.delete(next.key);
      else store.set(next.key, next.value);
      settle(event, command, write, () => reply(event, command.op, [[next.key, result]]));
    };

    const execute = (event: TremoloEvent, command: KvCommand): void => {
      switch (command.op) {
        case 'get': {
          // The value as of this command, not as of its answer: later commands may change it meanwhile.
          const value = store.get(command.key) ?? null;
          return settle(event, command, undefined, () => reply(event, 'get', [[command.key, value]]));
        }
        case 'scan': {
          const entries = store.scan(command.start, command.end);
          return settle(event, command, undefined, () => reply(event, 'scan', entries));
        }
        case 'put':
          return change(event, command, { key: command.key, value: command.value }, command.value);
        case 'swap':
          return change(event, command, { key: command.key, value: command.value }, store.get(command.key) ?? null);
        case 'merge': {
          const merged = mergePatch(store.get(command.key), command.value);
          return change(event, command, { key: command.key, value: merged }, merged);
        }
        case 'delete': {
          if (!store.has(command.key)) return settle(event, command, undefined, () => reply(event, 'delete', [[command.key, null]]));
          return change(event, command, { key: command.key, deleted: true }, store.get(command.key));
        }
        case 'cas': {
          const present = store.has(command.key);
          const current = store.get(command.key);
          const expected = command.old;
          if (expected === undefined ? present : !present || !deepEqual(current, expected)) {
            const found = present ? quote(current) : 'no value';
            const wanted = expected === undefined ? 'no value' : quote(expected);
            return settle(event, command, undefined, () =>
              refuse(
                event,
                `cas on ${JSON.stringify(command.key)} failed: expected ${wanted}, found ${found}`,
                'cas',
                command.key,
                // Tremor's words, which name the proposed value where the expected one is meant (sled's error holds both).
                `CAS error: expected ${tremorText(command.value)} but found ${tremorText(current)}.`,
              ),
            );
          }
          return change(event, command, { key: command.key, value: command.value }, null);
        }
      }
    };

    return {
      // Each command's event is settled by kv itself: with a file, once its change is on disk.
      confirmsDelivery: true,
      async start() {
        if (file === undefined) return;
        if (config.path !== undefined && (await stat(config.path).catch(() => undefined))?.isDirectory()) {
          throw new RuntimeError('ERR_CONFIG_INVALID', `${ctx.alias}: path ${JSON.stringify(config.path)} is a folder; expected a file, or the folder as dir (Tremor's path)`);
        }
        log = await KvLog.open(
          {
            path: file,
            fsync: config.fsync,
            compactMinBytes: config.compact_min_bytes,
            log: ctx.log,
            snapshot: () => store.entries(),
            drained: () => {
              if (!holding) return;
              holding = false;
              ctx.release('file');
            },
          },
          (loaded) => {
            if ('deleted' in loaded) store.delete(loaded.key);
            else store.set(loaded.key, loaded.value);
          },
        );
        ctx.log.debug(`loaded ${store.size} keys from ${file}`);
      },
      write(event) {
        if (stopped || (file !== undefined && log === undefined)) {
          ctx.fail(event, 'ERR_STOPPED', `${ctx.alias}: the store is not open; command not carried out`);
          return;
        }
        const command = readCommand(event.data, event.meta);
        if ('problem' in command) settle(event, undefined, undefined, () => refuse(event, command.problem, command.op, command.key));
        else execute(event, command);
      },
      originEnded(origin) {
        replies.originEnded(origin);
      },
      async flush() {
        await log?.idle();
      },
      async stop() {
        stopped = true;
        await log?.close();
      },
    };
  },
});

export type KvConfig = z.output<typeof Config>;
