/**
 * Terminal colours, as people have come to expect them to be switched: on for a terminal, off for
 * a pipe or a file; `NO_COLOR` (any non-empty value, no-color.org) turns them off, `FORCE_COLOR`
 * turns them on even into a pipe (and `FORCE_COLOR=0` or `false` off), as Node.js and most tools read it.
 */
export type Style = 'red' | 'yellow' | 'green' | 'blue' | 'cyan' | 'dim' | 'bold';

const CODES: Record<Style, [number, number]> = {
  red: [31, 39],
  yellow: [33, 39],
  green: [32, 39],
  blue: [34, 39],
  cyan: [36, 39],
  dim: [2, 22],
  bold: [1, 22],
};

export const paint = (style: Style, text: string): string => `\u001b[${CODES[style][0]}m${text}\u001b[${CODES[style][1]}m`;

export function colorEnabled(stream: { readonly isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.NODE_DISABLE_COLORS !== undefined && env.NODE_DISABLE_COLORS !== '') return false;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

/** Text without colour codes: for widths on a terminal and for tests. */
export const stripColors = (text: string): string => text.replace(/\u001b\[[0-9;]*m/g, '');
