import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import { z } from 'zod';
import { defineConnector } from '../../sdk/connector-api.js';
import { errorData } from '../../sdk/error-data.js';
import { quote } from '../../sdk/errors.js';
import type { TremoloEvent } from '../../sdk/event.js';
import { ReplyStreams } from '../../sdk/io/reply-streams.js';
import { lookup, RECORD_TYPES, type RecordType } from './dns-records.js';
import { NO_HOSTS, readHosts, type Hosts } from './hosts-file.js';

const server = z.string().refine((s) => isIP(s.replace(/^\[(.*)\](:\d+)?$/, '$1').replace(/^([\d.]+):\d+$/, '$1')) !== 0, {
  error: (issue) => `expected an IP address, optionally with :port ([v6]:port), received ${JSON.stringify(issue.input)}`,
});

const Config = z.strictObject({
  servers: z.array(server).min(1).optional().describe("name servers to ask (`1.1.1.1`, `[::1]:5353`); default: the system's (/etc/resolv.conf)"),
  hosts_file: z.string().nullable().default('/etc/hosts').describe('names answered from this file before any server is asked (A, AAAA and lookups without a type), as Tremor’s resolver does; null: none'),
  timeout_ms: z.number().int().positive().default(5000).describe('how long one try waits for an answer'),
  tries: z.number().int().positive().default(2).describe('tries per server before a lookup fails'),
  max_in_flight: z.number().int().positive().default(128).describe('lookups under way at once; beyond, the streams sending them are paused'),
});

const describeLookup = 'a name, or { "name": name, "type": "A" | "AAAA" | ... }';

/**
 * Tremor's `dns_client`: an event whose `$dns.lookup` names a host (a string, or `{ name, type }`)
 * is answered on `out` with the list of records found, each as `{ "<TYPE>": value, "ttl": s }`,
 * carrying the request's `$correlation`. A failed lookup goes to `err` as `{ request, error }`.
 */
export const dnsClient = defineConnector({
  kind: 'dns_client',
  description:
    'Looks up the name in each event’s `$dns.lookup` (a name, or `{ name, type }`; no type: A and AAAA) and emits the records found, `[{ "A": "127.0.0.1", "ttl": 86400 }, ...]`, with the request’s `$correlation`; as Tremor’s dns_client. Names in the hosts file are answered from it.',
  config: Config,
  codec: 'structured',
  metadata:
    'On `in`: `meta.dns.lookup` = the name, or `{ name, type }` (A, AAAA, ANY, CAA, CNAME, MX, NAPTR, NS, PTR, SOA, SRV, TXT); `meta.correlation`, passed on. On `out` and `err`: `meta.correlation` and `meta.dns_client = { name, type }`. TTLs are known for A and AAAA records only.',
  create(config, ctx) {
    const resolver = new Resolver({ timeout: config.timeout_ms, tries: config.tries });
    if (config.servers !== undefined) resolver.setServers(config.servers);
    let hosts: Hosts = NO_HOSTS;
    const replies = new ReplyStreams(ctx, ctx.meta({}));
    let inFlight = 0;
    // Answers leave in the order of the requests, as Tremor's (which asks one at a time) do; the
    // lookups themselves run side by side.
    const answers: { ready?: () => void }[] = [];
    const drain = (): void => {
      while (answers.length > 0 && answers[0]!.ready !== undefined) answers.shift()!.ready!();
    };
    let holding = false;
    let inputOver = false;
    let stopped = false;

    const settleOne = (): void => {
      inFlight--;
      if (holding && inFlight < config.max_in_flight) {
        holding = false;
        ctx.release('lookups');
      }
      if (inputOver && inFlight === 0) ctx.finished();
    };

    const request = (event: TremoloEvent): { name: string; type: RecordType | undefined } | string => {
      const dns = (event.meta as { dns?: { lookup?: unknown } }).dns;
      const given = dns?.lookup;
      if (typeof given === 'string' && given !== '') return { name: given, type: undefined };
      if (given !== null && typeof given === 'object') {
        const { name, type } = given as { name?: unknown; type?: unknown };
        if (typeof name === 'string' && name !== '') {
          if (type === undefined) return { name, type: undefined };
          if (RECORD_TYPES.includes(type as RecordType)) return { name, type: type as RecordType };
          return `unsupported record type ${quote(type)} in $dns.lookup.type; supported: ${RECORD_TYPES.join(', ')}`;
        }
      }
      return `expected $dns.lookup to be ${describeLookup}, received ${quote(given)}`;
    };

    return {
      start() {
        if (config.hosts_file !== null) hosts = readHosts(config.hosts_file);
      },
      write(event) {
        const asked = request(event);
        if (typeof asked === 'string') {
          ctx.fail(event, 'ERR_WRITE_FAILED', `${ctx.alias}: ${asked}`);
          return;
        }
        const correlation = (event.meta as { correlation?: unknown }).correlation;
        const meta = { ...ctx.meta({ name: asked.name, type: asked.type ?? null }), ...(correlation === undefined ? {} : { correlation }) };
        const stream = replies.for(event.origins);
        inFlight++;
        if (inFlight >= config.max_in_flight && !holding) {
          holding = true;
          ctx.hold('lookups', event.origins);
        }
        const slot: { ready?: () => void } = {};
        answers.push(slot);
        const answer = (emit: () => void): void => {
          slot.ready = () => {
            if (!stopped) emit();
            settleOne();
          };
          drain();
        };
        lookup(resolver, hosts, asked.name, asked.type).then(
          (records) => answer(() => stream.pushValue(records, meta)),
          (err: NodeJS.ErrnoException) =>
            answer(() => {
              const text = `${ctx.alias}: ${asked.type ?? 'A/AAAA'} lookup of ${JSON.stringify(asked.name)} failed: ${err.code ?? err.message}`;
              stream.pushValue({ ...errorData('ERR_REMOTE', text, ctx.alias), request: (event.meta as { dns?: unknown }).dns }, meta, 'err');
            }),
        );
      },
      originEnded: (origin) => replies.originEnded(origin),
      inputEnded() {
        inputOver = true;
        if (inFlight === 0) ctx.finished();
      },
      status: () => ({ in_flight: inFlight }),
      stop() {
        stopped = true;
        resolver.cancel();
      },
    };
  },
});
