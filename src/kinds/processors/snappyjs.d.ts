// snappyjs ships no types; these are the two functions tremolo calls.
declare module 'snappyjs' {
  /** Raw (unframed) Snappy block compression. */
  export function compress<T extends Uint8Array>(data: T): T;
  /** Raw Snappy block decompression; throws when the declared length exceeds `maxLength`. */
  export function uncompress<T extends Uint8Array>(data: T, maxLength?: number): T;
}
