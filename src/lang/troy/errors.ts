import type { ErrorCode } from '../../sdk/errors.js';

/** Where something is written in a .troy file. */
export interface Place {
  /** The file as shown in messages. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/**
 * A problem in .troy text: a syntax error, something outside the supported subset, or a name that
 * does not resolve. It is placed in the .troy file itself, so it can point into a module file too.
 */
export class TroyError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly at: Place,
    message: string,
  ) {
    super(message);
  }
}

/** The refusal of a construct outside the subset tremolo compiles: `what` is named as written. */
export const unsupported = (at: Place, what: string, hint?: string): TroyError =>
  new TroyError('ERR_FLOW_INVALID', at, `\`${what}\` is not supported yet${hint === undefined ? '' : `: ${hint}`}`);

export const describePlace = (p: Place): string => `${p.file}:${p.line}:${p.column}`;
