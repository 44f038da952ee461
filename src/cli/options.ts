import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseAddressMap, type AddressMap } from '../flow/address-map.js';
import { parseArgOption } from '../flow/args.js';
import { RuntimeError } from '../runtime/errors.js';
import { LOG_LEVELS, type LogLevel } from '../runtime/logger.js';

/** `parseArgs` with tremolo's usage errors instead of Node's TypeErrors. */
export interface Parsed {
  readonly values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;
  readonly positionals: string[];
}

export function parse(argv: readonly string[], options: NonNullable<ParseArgsConfig['options']>): Parsed {
  try {
    return parseArgs({ args: [...argv], options: { help: { type: 'boolean', short: 'h' }, ...options }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new RuntimeError('ERR_USAGE', (err as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
}

export function argsOf(values: readonly string[] | undefined): Record<string, unknown> {
  return Object.fromEntries((values ?? []).map(parseArgOption));
}

export function logLevelOf(value: string | undefined): LogLevel {
  if (value === undefined) return 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(value)) {
    throw new RuntimeError('ERR_USAGE', `--log-level expects one of ${LOG_LEVELS.join(', ')}, received ${JSON.stringify(value)}`);
  }
  return value as LogLevel;
}

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
