import type { ErrorCode } from './errors.js';
import { excerpt } from './excerpt.js';
import { redactUrls } from './redact.js';

/** The body of an `err` event: what went wrong, where, and a short excerpt of the bytes. */
export interface ErrorData {
  readonly error: string;
  readonly code: ErrorCode;
  readonly connector: string;
  readonly stream?: number;
  readonly excerpt?: string;
}

export function errorData(code: ErrorCode, message: string, connector: string, stream?: number, data?: Uint8Array | string): ErrorData {
  // A url's credentials never reach an err event, whoever wrote the message (see redact.ts).
  const out: { -readonly [K in keyof ErrorData]: ErrorData[K] } = { error: redactUrls(message), code, connector };
  if (stream !== undefined) out.stream = stream;
  const ex = excerpt(data);
  if (ex !== undefined) out.excerpt = ex;
  return out;
}
