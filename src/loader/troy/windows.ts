import type { DefineWindow } from '../../lang/troy/ast.js';
import { TroyError, unsupported } from '../../lang/troy/errors.js';
import { evaluate, wholeNumberSetting, type EvalScope } from './evaluate.js';

/** A tumbling window's settings, as the `window` operator takes them (timed as Tremor times them: from the first event). */
export interface WindowSettings {
  readonly size?: number;
  readonly interval_ms?: number;
  readonly aligned: false;
  readonly max_groups?: number;
  readonly emit_empty_windows?: boolean;
}

const KNOWN = ['size', 'interval', 'max_groups', 'emit_empty_windows'];

/** `define window w from tumbling with size = 2 end` (or `interval`, in nanoseconds, as Tremor counts time). */
export function windowSettings(def: DefineWindow, scope: EvalScope): WindowSettings {
  if (def.windowKind.name !== 'tumbling') {
    throw unsupported(def.windowKind.at, `define window ${def.name} from ${def.windowKind.name}`, 'only tumbling windows (by size or interval) have a counterpart in tremolo');
  }
  if (def.script !== undefined) throw unsupported(def.script, 'script', 'a window\'s embedded script has no counterpart in tremolo');
  const out: { -readonly [K in keyof WindowSettings]: WindowSettings[K] } = { aligned: false };
  let sizeAt: DefineWindow['at'] | undefined;
  for (const entry of def.with) {
    const value = evaluate(entry.value, scope);
    const number = (what: string, min: number): number => wholeNumberSetting(entry.name, value, entry.value.at, what, min);
    switch (entry.name) {
      case 'size':
        out.size = number('a whole number of events, at least 1', 1);
        sizeAt = entry.at;
        break;
      case 'interval':
        // Tremor counts in nanoseconds; the operator in milliseconds.
        out.interval_ms = number('a duration in nanoseconds, e.g. nanos::from_seconds(1)', 1) / 1e6;
        break;
      case 'max_groups':
        out.max_groups = number('a whole number, at least 1', 1);
        break;
      case 'emit_empty_windows':
        if (typeof value !== 'boolean') throw new TroyError('ERR_CONFIG_INVALID', entry.value.at, `emit_empty_windows is true or false, received ${JSON.stringify(value)}`);
        out.emit_empty_windows = value;
        break;
      default:
        throw new TroyError('ERR_CONFIG_INVALID', entry.at, `unknown window setting ${JSON.stringify(entry.name)}; known: ${KNOWN.join(', ')}`);
    }
  }
  if (out.size !== undefined && out.interval_ms !== undefined) {
    throw unsupported(sizeAt ?? def.at, 'size and interval together', 'a tumbling window closes by size or by interval in tremolo, not both');
  }
  if (out.size === undefined && out.interval_ms === undefined) {
    throw new TroyError('ERR_CONFIG_INVALID', def.at, `window ${def.name} needs size (events) or interval (nanoseconds)`);
  }
  return out;
}
