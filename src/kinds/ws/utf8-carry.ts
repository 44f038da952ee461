import { isUtf8 } from 'node:buffer';

/**
 * A gateway relays a byte stream as WebSocket frames, text when the bytes are UTF-8 (what a
 * browser wants from a service that writes text) and binary for the rest. A read from the upstream
 * ends where the kernel's buffer did, not where a character does: '€' (3 bytes) split across two
 * reads would make both reads invalid UTF-8, and the browser would get Blobs. So the 1 to 3 bytes of
 * a character that a read leaves incomplete wait for the next read (or the close) on that
 * connection, and the frame before them goes out as text. Byte for byte, nothing changes.
 */
export interface Utf8Carry {
  /** The start of a character the last read did not complete (1 to 3 bytes). */
  carry?: Buffer | undefined;
}

/** Bytes at the end of `bytes` that start a UTF-8 character they do not complete (0 to 3). */
function incompleteTail(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let i = 1; i <= 3 && i <= n; i++) {
    const b = bytes[n - i]!;
    if ((b & 0xc0) === 0x80) continue;
    const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return length > i ? i : 0;
  }
  return 0;
}

/**
 * Set by `nextFrame` (whether the frame it returned goes out binary): a module variable rather than
 * a returned pair, as this runs once per relayed read and a pair would be an allocation each time.
 */
export let frameIsBinary = false;

/**
 * The frame to send for `bytes`, read after what `state` carries, or undefined when all of it
 * waits for the rest of its character. Sets `frameIsBinary`.
 */
export function nextFrame(state: Utf8Carry, bytes: Buffer): Buffer | undefined {
  if (state.carry !== undefined) {
    bytes = Buffer.concat([state.carry, bytes]);
    state.carry = undefined;
  }
  if (isUtf8(bytes)) {
    frameIsBinary = false;
    return bytes;
  }
  const tail = incompleteTail(bytes);
  if (tail > 0 && isUtf8(bytes.subarray(0, bytes.length - tail))) {
    // Copied: a view would keep the whole read alive until the next one.
    state.carry = Buffer.from(bytes.subarray(bytes.length - tail));
    frameIsBinary = false;
    return tail === bytes.length ? undefined : bytes.subarray(0, bytes.length - tail);
  }
  frameIsBinary = true;
  return bytes;
}

/** What waits when the stream ends: an incomplete character, sent as the binary it is. */
export function takeCarry(state: Utf8Carry): Buffer | undefined {
  const rest = state.carry;
  state.carry = undefined;
  return rest;
}
