import { StatusTable } from '../ops/status-table.js';
import { colorEnabled } from '../../sdk/colors.js';
import { RuntimeError } from '../../sdk/errors.js';
import { createLogger } from '../../sdk/logger.js';
import { DEFAULT_MAX_BUFFERED_BYTES, outbound } from '../../sdk/io/outbound-budget.js';
import { EXIT_STATUS, exitEnd, loadAll, Runtime, type RunEnd, type RunOptions } from '../runtime.js';
import { COMMANDS } from './commands.js';
import { RUN_HELP } from './help.js';
import { addressMapOf, argsOf, logFormatOf, logLevelOf, parse, portResolver, positiveInt } from './options.js';
import { version } from './version.js';
import { isWorker, reportExit, reportReady, supervise, workerCount } from './workers.js';

/** `--api PORT` or `--api HOST:PORT` (loopback unless a host is given). */
function apiAddress(value: string): { host: string; port: number } {
  const m = /^(?:(\[[^\]]+\]|[^:]+):)?(\d+)$/.exec(value);
  if (m === null) throw new RuntimeError('ERR_USAGE', `--api expects PORT or HOST:PORT, received ${JSON.stringify(value)}`);
  return { host: (m[1] ?? '127.0.0.1').replace(/^\[(.*)\]$/, '$1'), port: Number(m[2]) };
}

/** `--max-buffered-bytes N`: the process-wide cap on bytes waiting to be sent. */
function maxBufferedBytes(value: string | undefined): number {
  if (value === undefined) return DEFAULT_MAX_BUFFERED_BYTES;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new RuntimeError('ERR_USAGE', `--max-buffered-bytes expects a whole number of bytes above 0, received ${JSON.stringify(value)}`);
  return n;
}

export async function run(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse(argv, COMMANDS.run!.options);
  if (values.help) {
    process.stdout.write(RUN_HELP);
    return 0;
  }
  if (positionals.length === 0) {
    process.stderr.write(`tremolo run: no flow file given\n\n${RUN_HELP}`);
    return 2;
  }
  const format = logFormatOf(values['log-format'] as string | undefined);
  const color = format === 'text' && colorEnabled(process.stderr);
  let table: StatusTable | undefined;
  // While the status table is on screen, log lines go above it rather than over it.
  const sink = (line: string): void => void (table === undefined ? process.stderr.write(`${line}\n`) : table.above(line));
  const log = createLogger(logLevelOf(values['log-level'] as string | undefined), { format, color, sink });
  outbound.limit = maxBufferedBytes(values['max-buffered-bytes'] as string | undefined);
  const api = typeof values.api === 'string' ? apiAddress(values.api) : undefined;
  const options: RunOptions = {
    args: argsOf(values.arg as string[] | undefined),
    resolvers: { port: portResolver() },
    addressMap: addressMapOf(values['map-address'] as string[] | undefined),
    log,
    drainTimeoutMs: positiveInt('--drain-timeout', values['drain-timeout'] as string | undefined, 5000),
    // Under --watch a run waits for changes when its sources have finished, and what it keeps
    // across a reload must still take events.
    endDownstream: values.watch !== true,
  };
  const workers = workerCount(values.workers as string | undefined);
  if (workers > 1 && !isWorker()) {
    // Checked once here, so a flow with problems is reported once and no worker is started.
    await loadAll(positionals, options);
    return supervise({ count: workers, log, stopTimeoutMs: options.drainTimeoutMs! + 5000 });
  }
  // Listening for signals before the flows start: a SIGTERM that comes while they start (a
  // supervisor, a test that stops a run as soon as it logs) stops them gracefully too.
  let signals = 0;
  const stopped = new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      signals++;
      if (signals > 1) {
        log.warn(`${signal} again: exiting without draining`);
        process.exit(130);
      }
      log.info(`${signal}: stopping (send it again to exit at once)`);
      resolve();
    };
    if (isWorker()) {
      // The primary decides when a worker stops: a terminal's Ctrl-C reaches the whole process
      // group, and the primary's SIGTERM that follows would otherwise count as a second signal.
      process.on('SIGINT', () => {});
      process.on('disconnect', () => onSignal('SIGTERM'));
    } else process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  const runtime = await Runtime.start(positionals, options);
  reportReady();
  const allowedHosts = (values['api-allow-host'] as string[] | undefined) ?? [];
  // Imported only when asked for: the API brings prom-client, which a plain run need not load.
  const server = api === undefined ? undefined : new (await import('../ops/api.js')).ApiServer(() => runtime.flows, { ...api, version: version(), log, allowedHosts });
  await server?.start();
  // JSON logs stay JSON off a terminal: the table goes into them as a line of its own.
  const report = format === 'json' ? (rows: readonly object[]): void => log.info('status', { connectors: rows }) : undefined;
  table = values.status === true ? new StatusTable(() => runtime.flows, process.stderr, { color, report }) : undefined;
  const stopTable = table?.start();
  const watcher = values.watch === true ? new (await import('../ops/watch.js')).Watcher(runtime, positionals, options, log) : undefined;
  watcher?.start();

  const ended = watcher === undefined ? runtime.ended : runtime.exited.then(exitEnd);
  // The last resort, for a connector that finishes without saying so (`ctx.finished`): once the
  // event loop is empty nothing can happen any more, and Node would exit with 13 for the
  // unsettled await below.
  const idleEnd: RunEnd = { status: EXIT_STATUS.ok, reason: 'nothing is left to run (no source reads, no connection or timer is open)', exit: false };
  let onIdle = (): void => {};
  const idle = new Promise<RunEnd>((resolve) => {
    onIdle = () => resolve(idleEnd);
    process.once('beforeExit', onIdle);
  });
  const end = await Promise.race([ended, idle, stopped.then(() => undefined)]);
  process.off('beforeExit', onIdle);
  if (end !== undefined && signals === 0) {
    // In a worker the whole run ends, not just this worker: every worker runs the same flows.
    reportExit(end.status);
    // A finish and an exit are logged by their flow already; a failure is said again, last.
    if (end.status !== EXIT_STATUS.ok && !end.exit) log.error(`${end.reason}; stopping with exit status ${end.status}`);
    else if (end === idleEnd) log.info(`${end.reason}; stopping`);
  }
  const code = end?.status ?? 0;
  watcher?.stop();
  stopTable?.();
  await runtime.stop();
  await server?.stop();
  // Whatever a connector forgot to close must not keep a stopped runtime alive.
  setTimeout(() => process.exit(code), 1000).unref();
  return code;
}
