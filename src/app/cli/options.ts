import { parseArgs } from 'node:util';
import { parseAddressMap, type AddressMap } from '../../loader/address-map.js';
import { parseArgOption } from '../../loader/args.js';
import { RuntimeError } from '../../sdk/errors.js';
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from '../../sdk/logger.js';
import { didYouMean, nearest } from '../../sdk/suggest.js';
import type { Options } from './commands.js';

/** `parseArgs` with tremolo's usage errors instead of Node's TypeErrors. */
export interface Parsed {
  readonly values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;
  readonly positionals: string[];
}

export function parse(argv: readonly string[], options: Options): Parsed {
  const all: Options = { ...options, help: { type: 'boolean', short: 'h' } };
  try {
    return parseArgs({ args: [...argv], options: all, allowPositionals: true, strict: true });
  } catch (err) {
    const message = (err as Error).message;
    const unknown = /^Unknown option '(-{1,2}[^']*)'/.exec(message)?.[1];
    if (unknown !== undefined) throw new RuntimeError('ERR_USAGE', unknownOption(unknown, all));
    throw new RuntimeError('ERR_USAGE', message.replace(/\. To specify a positional argument.*$/s, ''));
  }
}

/** `unknown option "--stauts"; did you mean "--status"? options: --arg, ...` */
function unknownOption(typed: string, options: Options): string {
  const long = Object.keys(options);
  // A mistyped letter (`-x`) is too short to be near anything in particular.
  const near = typed.startsWith('--') ? didYouMean(typed.slice(2), long, (n) => `"--${n}"`) : '';
  return `unknown option ${JSON.stringify(typed)}; ${near}options: ${long.map((n) => `--${n}`).join(', ')}`;
}

export function argsOf(values: readonly string[] | undefined): Record<string, unknown> {
  return Object.fromEntries((values ?? []).map(parseArgOption));
}

/** The value of an option that takes one of a few words, or a usage error that lists them. */
function oneOf<T extends string>(option: string, choices: readonly T[], value: string | undefined, fallback: T): T {
  if (value === undefined) return fallback;
  if ((choices as readonly string[]).includes(value)) return value as T;
  const near = nearest(value, choices);
  throw new RuntimeError('ERR_USAGE', `${option} expects one of ${choices.join(', ')}, received ${JSON.stringify(value)}${near === undefined ? '' : `; did you mean ${JSON.stringify(near)}?`}`);
}

export const logLevelOf = (value: string | undefined): LogLevel => oneOf('--log-level', LOG_LEVELS, value, 'info');

export const logFormatOf = (value: string | undefined): LogFormat => oneOf('--log-format', LOG_FORMATS, value, 'text');

export function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new RuntimeError('ERR_USAGE', `${name} expects a whole number of milliseconds, received ${JSON.stringify(value)}`);
  return n;
}

/**
 * `${port:NAME}` in flows: the ports \`tremolo test\` handed out (TREMOLO_PORTS, a JSON record).
 */
export function portResolver(env: NodeJS.ProcessEnv = process.env): (name: string) => unknown {
  let ports: Record<string, number> = {};
  try {
    ports = JSON.parse(env.TREMOLO_PORTS ?? '{}') as Record<string, number>;
  } catch {
    throw new RuntimeError('ERR_USAGE', `TREMOLO_PORTS must be a JSON record of ports, received ${JSON.stringify(env.TREMOLO_PORTS)}`);
  }
  return (name) => ports[name];
}

/** `--map-address FROM=TO` (repeatable) and the TREMOLO_ADDRESS_MAP environment variable, together. */
export function addressMapOf(values: readonly string[] | undefined, env: NodeJS.ProcessEnv = process.env): AddressMap {
  return {
    ...parseAddressMap(env.TREMOLO_ADDRESS_MAP, 'TREMOLO_ADDRESS_MAP'),
    ...parseAddressMap((values ?? []).join(','), '--map-address'),
  };
}
