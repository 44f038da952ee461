import type { Resolver } from 'node:dns/promises';
import { hostKey, type Hosts } from './hosts-file.js';

/** The record types a lookup may ask for: what Node's resolver can query. */
export const RECORD_TYPES = ['A', 'AAAA', 'ANY', 'CAA', 'CNAME', 'MX', 'NAPTR', 'NS', 'PTR', 'SOA', 'SRV', 'TXT'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

/** One answer, as Tremor gives it: `{ "A": "127.0.0.1", "ttl": 86400 }`. */
export type DnsRecord = Record<string, string | number>;

/**
 * Tremor's resolver answers names in the hosts file itself, with the longest TTL it knows (a day),
 * before asking a server; so does this one, for A and AAAA, and for lookups without a type.
 */
const HOSTS_TTL = 86_400;

// Tremor writes domain names fully qualified, with their final dot.
const fqdn = (name: string): string => (name === '' || name.endsWith('.') ? name || '.' : `${name}.`);

type AnyRecord = Awaited<ReturnType<Resolver['resolveAny']>>[number];

function anyRecord(r: AnyRecord): DnsRecord | undefined {
  const ttl: DnsRecord = 'ttl' in r && typeof r.ttl === 'number' ? { ttl: r.ttl } : {};
  switch (r.type) {
    case 'A':
    case 'AAAA':
      return { [r.type]: r.address, ...ttl };
    case 'CNAME':
    case 'NS':
    case 'PTR':
      return { [r.type]: fqdn(r.value) };
    case 'MX':
      return { MX: `${r.priority} ${fqdn(r.exchange)}` };
    case 'TXT':
      return { TXT: r.entries.join('') };
    case 'SRV':
      return { SRV: `${r.priority} ${r.weight} ${r.port} ${fqdn(r.name)}` };
    case 'SOA':
      return { SOA: `${fqdn(r.nsname)} ${fqdn(r.hostmaster)} ${r.serial} ${r.refresh} ${r.retry} ${r.expire} ${r.minttl}` };
    case 'NAPTR':
      return { NAPTR: `${r.order} ${r.preference} "${r.flags}" "${r.service}" "${r.regexp}" ${fqdn(r.replacement)}` };
    case 'CAA':
      return { CAA: caa(r as unknown as Record<string, unknown>) };
    default:
      return undefined;
  }
}

function caa(r: Record<string, unknown>): string {
  const tag = ['issue', 'issuewild', 'iodef', 'contactemail', 'contactphone'].find((t) => typeof r[t] === 'string') ?? 'unknown';
  return `${r.critical ? 128 : 0} ${tag} "${String(r[tag] ?? '')}"`;
}

/**
 * The records for `name`: of `type`, or, without one, its addresses (A and AAAA) as Tremor's
 * `lookup_ip`. The hosts file answers first for addresses; TTLs are known for addresses only
 * (Node's resolver gives no others).
 */
export async function lookup(resolver: Resolver, hosts: Hosts, name: string, type: RecordType | undefined): Promise<DnsRecord[]> {
  const key = hostKey(name);
  const fromHosts = (t: 'A' | 'AAAA'): DnsRecord[] | undefined => (t === 'A' ? hosts.v4 : hosts.v6).get(key)?.map((address) => ({ [t]: address, ttl: HOSTS_TTL }));
  const addresses = async (t: 'A' | 'AAAA'): Promise<DnsRecord[]> =>
    fromHosts(t) ?? (await (t === 'A' ? resolver.resolve4(name, { ttl: true }) : resolver.resolve6(name, { ttl: true }))).map((r) => ({ [t]: r.address, ttl: r.ttl }));
  if (type === undefined) {
    const known = [...(fromHosts('A') ?? []), ...(fromHosts('AAAA') ?? [])];
    if (known.length > 0) return known;
    const [v4, v6] = await Promise.allSettled([addresses('A'), addresses('AAAA')]);
    if (v4.status === 'rejected' && v6.status === 'rejected') throw v4.reason;
    return [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
  }
  switch (type) {
    case 'A':
    case 'AAAA':
      return addresses(type);
    case 'ANY':
      return (await resolver.resolveAny(name)).flatMap((r): DnsRecord[] => {
        const record = anyRecord(r);
        return record === undefined ? [] : [record];
      });
    case 'CNAME':
      return (await resolver.resolveCname(name)).map((v) => ({ CNAME: fqdn(v) }));
    case 'NS':
      return (await resolver.resolveNs(name)).map((v) => ({ NS: fqdn(v) }));
    case 'PTR':
      return (await resolver.resolvePtr(name)).map((v) => ({ PTR: fqdn(v) }));
    case 'MX':
      return (await resolver.resolveMx(name)).map((r) => anyRecord({ type: 'MX', ...r })!);
    case 'TXT':
      return (await resolver.resolveTxt(name)).map((entries) => ({ TXT: entries.join('') }));
    case 'SRV':
      return (await resolver.resolveSrv(name)).map((r) => anyRecord({ type: 'SRV', ...r })!);
    case 'SOA':
      return [anyRecord({ type: 'SOA', ...(await resolver.resolveSoa(name)) })!];
    case 'NAPTR':
      return (await resolver.resolveNaptr(name)).map((r) => anyRecord({ type: 'NAPTR', ...r })!);
    case 'CAA':
      return (await resolver.resolveCaa(name)).map((r) => ({ CAA: caa(r as unknown as Record<string, unknown>) }));
  }
}
