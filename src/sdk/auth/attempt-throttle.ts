import { isIPv6 } from 'node:net';

export interface ThrottleConfig {
  /** Password checks an address may have at once (its bucket). */
  readonly burst: number;
  /** Then one more every refill_ms. */
  readonly refill_ms: number;
  /** Addresses remembered at most; the longest unseen are forgotten first. */
  readonly max_addresses: number;
}

/**
 * Password guessing, slowed per client address: a token bucket each. A check takes a token when it
 * starts (so a hundred concurrent guesses cannot all pass before the first fails) and a success
 * gives it back, so only failures and checks in flight count. Without a token the answer is 429
 * with the seconds to wait, and no hash is computed: a guesser no longer takes the hashing threads
 * from everyone else.
 */
export class AttemptThrottle {
  /** address → tokens and when they were counted; kept in order of last use (a Map keeps insertion order). */
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly config: ThrottleConfig) {}

  /** Takes a token for `address`: undefined when it may try, else the whole seconds until it may. */
  take(address: string, now = performance.now()): number | undefined {
    const key = addressKey(address);
    const bucket = this.#refilled(key, now);
    if (bucket.tokens < 1) return Math.max(1, Math.ceil(((1 - bucket.tokens) * this.config.refill_ms) / 1000));
    bucket.tokens -= 1;
    return undefined;
  }

  /** A check that succeeded gives its token back. */
  refund(address: string, now = performance.now()): void {
    const bucket = this.#refilled(addressKey(address), now);
    bucket.tokens = Math.min(this.config.burst, bucket.tokens + 1);
  }

  get size(): number {
    return this.#buckets.size;
  }

  #refilled(key: string, now: number): { tokens: number; at: number } {
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      bucket = { tokens: this.config.burst, at: now };
      // Bounded memory: the address seen longest ago goes. A full bucket is the same as none.
      if (this.#buckets.size >= this.config.max_addresses) this.#buckets.delete(this.#buckets.keys().next().value!);
    } else {
      this.#buckets.delete(key);
      bucket.tokens = Math.min(this.config.burst, bucket.tokens + (now - bucket.at) / this.config.refill_ms);
      bucket.at = now;
    }
    this.#buckets.set(key, bucket);
    return bucket;
  }
}

/**
 * Whose bucket an address uses: an IPv4 address its own (also written as ::ffff:a.b.c.d), an IPv6
 * address its /64, the smallest network a host is given: one host can pick among 2^64 addresses.
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped !== null) return mapped[1]!;
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.replace(/%.*$/, '').toLowerCase().split('::') as [string, string?];
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  // An embedded IPv4 tail is two groups, and is never within the first four.
  const groups = [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length - (right.at(-1)?.includes('.') ? 1 : 0))).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
