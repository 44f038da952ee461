import { RuntimeError } from '../sdk/errors.js';

/**
 * Addresses written in a flow, moved elsewhere without editing it: `0.0.0.0:65535=127.0.0.1:4100`
 * makes every connector config string that names the first name the second instead. It lets a
 * flow with fixed addresses (a Tremor example, say) run where those are not allowed, such as a test
 * that must bind loopback ports handed out to it (`TREMOLO_ADDRESS_MAP` in the test's env file).
 */
export type AddressMap = Readonly<Record<string, string>>;

const HOST_PORT = /^(\[[^\]]+\]|[^:/\s]+):\d+$/;

export function parseAddressMap(text: string | undefined, source: string): AddressMap {
  const map: Record<string, string> = {};
  for (const entry of (text ?? '').split(',').map((e) => e.trim()).filter(Boolean)) {
    const [from, to, ...rest] = entry.split('=');
    if (from === undefined || to === undefined || rest.length > 0 || !HOST_PORT.test(from) || !HOST_PORT.test(to)) {
      throw new RuntimeError('ERR_USAGE', `${source} expects FROM=TO pairs of host:port, comma-separated, received ${JSON.stringify(entry)}`);
    }
    map[from] = to;
  }
  return map;
}

/** The value with every mapped address replaced in its strings (the input is not changed). */
export function applyAddressMap(value: unknown, map: AddressMap): unknown {
  if (Object.keys(map).length === 0) return value;
  if (typeof value === 'string') {
    let out = value;
    for (const [from, to] of Object.entries(map)) out = out.split(from).join(to);
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => applyAddressMap(v, map));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, applyAddressMap(v, map)]));
  }
  return value;
}
