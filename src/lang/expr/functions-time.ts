import { nowNs } from '../../sdk/event.js';
import { callFailed, num, type FixedImpl, type FunctionSpec } from './call-site.js';

/**
 * Time. Nanosecond values are plain numbers, which hold wall-clock nanoseconds to within a fraction
 * of a microsecond; a bigint argument gives an exact bigint back.
 */

const scale =
  (factor: number): FixedImpl =>
  (site, v) => {
    const n = num(site, 0, v);
    return typeof n === 'bigint' ? n * BigInt(factor) : n * factor;
  };

export const TIME_FUNCTIONS: readonly FunctionSpec[] = [
  // The same clock as event ingestion times, so `now() - ingest` style arithmetic is meaningful.
  { name: 'now', params: [], pure: false, call: () => Number(nowNs()) },
  { name: 'now_ms', params: [], pure: false, call: () => Date.now() },
  { name: 'nanos::from_millis', params: ['ms'], call: scale(1e6) },
  { name: 'nanos::from_seconds', params: ['s'], call: scale(1e9) },
  { name: 'nanos::from_minutes', params: ['min'], call: scale(60e9) },
  { name: 'nanos::from_hours', params: ['h'], call: scale(3600e9) },
  {
    name: 'iso8601',
    params: ['ms'],
    call: (site, v) => {
      const ms = Number(num(site, 0, v));
      const date = new Date(ms);
      if (Number.isNaN(date.getTime())) throw callFailed(site, `${ms} is outside the range of dates`);
      return date.toISOString();
    },
  },
];
