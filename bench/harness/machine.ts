/** The machine a result was measured on, recorded with every result file and in BENCHMARKS.md. */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { loadAverage } from './proc-stats.js';

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly kernel: string;
  readonly openFiles: string;
}

export function machine(): Machine {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  const mhz = /^cpu MHz\s*:\s*([\d.]+)$/m.exec(cpuinfo)?.[1];
  const limits = readFileSync('/proc/self/limits', 'utf8');
  return {
    cpu: mhz === undefined ? model : `${model} @ ${Math.round(Number(mhz))} MHz`,
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    kernel: `${os.type()} ${os.release()}`,
    openFiles: /^Max open files\s+(\S+)/m.exec(limits)?.[1] ?? '?',
  };
}

export function describeMachine(m: Machine): string {
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.kernel}, Node.js ${m.node}, ulimit -n ${m.openFiles}, load average ${loadAverage().toFixed(2)}`;
}
