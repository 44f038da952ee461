/** RFC 7230 tchar: what a subprotocol name is made of (RFC 6455 §4.1). */
export const SUBPROTOCOL_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * The subprotocols a handshake asks for (none without the header), or undefined when the header
 * is not a list of distinct tokens: `ws` answers such a handshake with 400 too.
 */
export function parseSubprotocols(header: string | undefined): string[] | undefined {
  if (header === undefined) return [];
  const list = header.split(',').map((p) => p.trim());
  if (!list.every((p) => SUBPROTOCOL_TOKEN.test(p)) || new Set(list).size !== list.length) return undefined;
  return list;
}
