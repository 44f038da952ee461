import { isUtf8 } from 'node:buffer';

const MAX = 64;

/**
 * A short, printable excerpt of bytes for an error message: text when it is UTF-8, hex otherwise,
 * cut at 64 bytes. Error events carry this, never the whole payload.
 */
export function excerpt(data: Uint8Array | string | undefined): string | undefined {
  if (data === undefined) return undefined;
  if (typeof data === 'string') return data.length > MAX ? `${data.slice(0, MAX)}…` : data;
  const cut = data.length > MAX;
  const head = Buffer.from(data.buffer, data.byteOffset, Math.min(data.length, MAX));
  // A cut can split a multi-byte character; accept up to three trailing bytes of it.
  for (let trim = 0; trim < 4 && trim < head.length; trim++) {
    const part = head.subarray(0, head.length - trim);
    if (isUtf8(part) && !/[\u0000-\u0008\u000e-\u001f]/.test(part.toString('utf8'))) {
      return part.toString('utf8') + (cut || trim > 0 ? '…' : '');
    }
    if (!cut) break;
  }
  return `0x${head.toString('hex')}${cut ? '…' : ''}`;
}
