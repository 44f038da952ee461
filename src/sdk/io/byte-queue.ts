/** Reads this small are copied into a shared tail, so a trickle of tiny reads costs no object per byte. */
const SMALL = 4096;
const TAIL = 65536;

/**
 * Bytes received but not yet framed, for the framing preprocessors. A frame split over many reads
 * is copied once, when it is complete (not once per read), and a frame inside one read is a view.
 */
export class ByteQueue {
  #chunks: Buffer[] = [];
  /** Offset of the first unread byte in #chunks[0]. */
  #offset = 0;
  #length = 0;
  /** Shared storage for small reads; while it exists, the last chunk is its view up to #tailUsed. */
  #tail: Buffer | undefined;
  #tailUsed = 0;

  get length(): number {
    return this.#length;
  }

  push(data: Buffer): void {
    if (data.length === 0) return;
    const empty = this.#length === 0;
    this.#length += data.length;
    // An empty queue keeps the read itself: frames inside it are then views, copied never.
    if (data.length < SMALL && !empty) {
      if (this.#tail === undefined || this.#tailUsed + data.length > TAIL) this.#newTail();
      const tail = this.#tail!;
      data.copy(tail, this.#tailUsed);
      this.#tailUsed += data.length;
      this.#chunks[this.#chunks.length - 1] = tail.subarray(0, this.#tailUsed);
      return;
    }
    this.#tail = undefined;
    this.#chunks.push(data);
  }

  /** The first `n` bytes (n <= length) without consuming them. */
  peek(n: number): Buffer {
    const first = this.#chunks[0];
    if (first !== undefined && first.length - this.#offset >= n) return first.subarray(this.#offset, this.#offset + n);
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    let offset = this.#offset;
    for (const chunk of this.#chunks) {
      if (filled === n) break;
      filled += chunk.copy(out, filled, offset, Math.min(chunk.length, offset + n - filled));
      offset = 0;
    }
    return out;
  }

  /** Removes and returns the first `n` bytes (n <= length). */
  take(n: number): Buffer {
    const out = this.peek(n);
    this.skip(n);
    return out;
  }

  skip(n: number): void {
    this.#length -= n;
    while (n > 0) {
      const first = this.#chunks[0]!;
      const left = first.length - this.#offset;
      if (left > n) {
        this.#offset += n;
        return;
      }
      n -= left;
      this.#chunks.shift();
      this.#offset = 0;
    }
    if (this.#chunks.length === 0) this.clear();
  }

  /** Position of `byte` among the first `limit` bytes, or -1. */
  indexOf(byte: number, limit: number): number {
    let seen = 0;
    let offset = this.#offset;
    for (const chunk of this.#chunks) {
      const end = Math.min(chunk.length, offset + limit - seen);
      const at = chunk.subarray(offset, end).indexOf(byte);
      if (at >= 0) return seen + at;
      seen += end - offset;
      if (seen >= limit) break;
      offset = 0;
    }
    return -1;
  }

  clear(): void {
    this.#chunks = [];
    this.#offset = 0;
    this.#length = 0;
    this.#tail = undefined;
    this.#tailUsed = 0;
  }

  #newTail(): void {
    this.#tail = Buffer.allocUnsafe(TAIL);
    this.#tailUsed = 0;
    this.#chunks.push(this.#tail.subarray(0, 0));
  }
}
