import { readFileSync } from 'node:fs';

/** VmRSS (now) and VmHWM (the peak so far) of a process, in bytes. */
export function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)![1]) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

export const mib = (bytes: number): string => `${(bytes / 1048576).toFixed(1)} MiB`;
