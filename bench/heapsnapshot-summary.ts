/**
 * What a connection costs on the V8 heap: two heap snapshots of the same server (a baseline, then
 * with N more idle connections) compared by constructor, as count and self size per connection.
 * Only the JavaScript heap: socket buffers, the HTTP parser's native state and malloc'd memory are
 * in RSS but not here, so the sum is a lower bound of RSS per connection, and the rows say where in
 * JavaScript it goes.
 *
 *   node --import tsx bench/heapsnapshot-summary.ts BASE.heapsnapshot LOADED.heapsnapshot CONNECTIONS [--top 20]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface HeapSnapshot {
  readonly snapshot: {
    readonly meta: {
      readonly node_fields: string[];
      readonly node_types: [string[], ...unknown[]];
      readonly edge_fields: string[];
      readonly edge_types: [string[], ...unknown[]];
    };
  };
  readonly nodes: number[];
  readonly edges: number[];
  readonly strings: string[];
}

export interface Tally {
  count: number;
  bytes: number;
}

/**
 * Count and self size of every kind of heap object: objects by constructor, closures by function
 * name. With `shapes`, plain objects (`Object`) are told apart by their property names, which is
 * what says where each comes from.
 */
export function tally(file: string, shapes = false): Map<string, Tally> {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as HeapSnapshot;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const stride = fields.length;
  const [typeAt, nameAt, sizeAt, edgeCountAt] = [fields.indexOf('type'), fields.indexOf('name'), fields.indexOf('self_size'), fields.indexOf('edge_count')];
  const edgeFields = snap.snapshot.meta.edge_fields;
  const edgeStride = edgeFields.length;
  const [edgeTypeAt, edgeNameAt] = [edgeFields.indexOf('type'), edgeFields.indexOf('name_or_index')];
  const propertyType = snap.snapshot.meta.edge_types[0].indexOf('property');
  const out = new Map<string, Tally>();
  let edge = 0;
  for (let i = 0; i < snap.nodes.length; i += stride) {
    const type = types[snap.nodes[i + typeAt]!]!;
    const name = snap.strings[snap.nodes[i + nameAt]!]!;
    const edges = snap.nodes[i + edgeCountAt]!;
    let key: string;
    if (type === 'object' && shapes && name === 'Object') {
      const props: string[] = [];
      for (let e = edge; e < edge + edges * edgeStride; e += edgeStride) {
        if (snap.edges[e + edgeTypeAt] === propertyType) props.push(snap.strings[snap.edges[e + edgeNameAt]!]!);
      }
      key = `Object {${props.slice(0, 8).join(', ')}${props.length > 8 ? ', …' : ''}}`;
    } else if (type === 'object') key = name;
    else if (type === 'closure') key = `closure ${name || '(anonymous)'}`;
    else if (type === 'native') key = `native ${name}`;
    else if (type.includes('string')) key = '(strings)';
    else if (type === 'number' || type === 'bigint' || type === 'symbol') key = `(${type})`;
    else key = `(${type}) ${name.length > 40 ? `${name.slice(0, 40)}…` : name}`;
    edge += edges * edgeStride;
    const t = out.get(key) ?? { count: 0, bytes: 0 };
    t.count++;
    t.bytes += snap.nodes[i + sizeAt]!;
    out.set(key, t);
  }
  return out;
}

export interface Growth {
  readonly key: string;
  readonly perConnection: number;
  readonly bytesPerConnection: number;
}

export function growth(base: Map<string, Tally>, loaded: Map<string, Tally>, connections: number): { rows: Growth[]; totalBytes: number } {
  const rows: Growth[] = [];
  let totalBytes = 0;
  for (const [key, t] of loaded) {
    const b = base.get(key) ?? { count: 0, bytes: 0 };
    const bytes = (t.bytes - b.bytes) / connections;
    totalBytes += bytes;
    rows.push({ key, perConnection: (t.count - b.count) / connections, bytesPerConnection: bytes });
  }
  rows.sort((x, y) => y.bytesPerConnection - x.bytesPerConnection);
  return { rows, totalBytes };
}

export function formatGrowth(g: { rows: Growth[]; totalBytes: number }, top: number): string {
  return [
    `V8 heap growth per connection: ${g.totalBytes.toFixed(0)} B (self sizes; top ${top} kinds)`,
    ...g.rows.slice(0, top).map((r) => `${r.bytesPerConnection.toFixed(0).padStart(7)} B  ${r.perConnection.toFixed(2).padStart(6)} ×  ${r.key}`),
  ].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === `file://${path.resolve(process.argv[1])}`) {
  const [base, loaded, n] = process.argv.slice(2);
  if (base === undefined || loaded === undefined || n === undefined) {
    process.stderr.write('usage: node --import tsx bench/heapsnapshot-summary.ts BASE.heapsnapshot LOADED.heapsnapshot CONNECTIONS [--top 20]\n');
    process.exit(2);
  }
  const topAt = process.argv.indexOf('--top');
  process.stdout.write(`${formatGrowth(growth(tally(base), tally(loaded), Number(n)), topAt > 0 ? Number(process.argv[topAt + 1]) : 20)}\n`);
}
