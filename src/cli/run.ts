import { StatusTable } from '../ops/status-table.js';
import { colorEnabled } from '../runtime/colors.js';
import { RuntimeError } from '../runtime/errors.js';
import { createLogger } from '../runtime/logger.js';
import { loadAll, Runtime, type RunOptions } from '../runtime/runtime.js';
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
  const api = typeof values.api === 'string' ? apiAddress(values.api) : undefined;
  const options: RunOptions = {
    args: argsOf(values.arg as string[] | undefined),
    resolvers: { port: portResolver() },
    addressMap: addressMapOf(values['map-address'] as string[] | undefined),
    log,
    drainTimeoutMs: positiveInt('--drain-timeout', values['drain-timeout'] as string | undefined, 5000),
  };
  const workers = workerCount(values.workers as string | undefined);
  if (workers > 1 && !isWorker()) {
    // Checked once here, so a flow with problems is reported once and no worker is started.
    await loadAll(positionals, options);
    return supervise({ count: workers, log, stopTimeoutMs: options.drainTimeoutMs! + 5000 });
  }
  const runtime = await Runtime.start(positionals, options);
  reportReady();
  // Imported only when asked for: the API brings prom-client, which a plain run need not load.
  const server = api === undefined ? undefined : new (await import('../ops/api.js')).ApiServer(() => runtime.flows, { ...api, version: version(), log });
  await server?.start();
  // JSON logs stay JSON off a terminal: the table goes into them as a line of its own.
  const report = format === 'json' ? (rows: readonly object[]): void => log.info('status', { connectors: rows }) : undefined;
  table = values.status === true ? new StatusTable(() => runtime.flows, process.stderr, { color, report }) : undefined;
  const stopTable = table?.start();
  const watcher = values.watch === true ? new (await import('../ops/watch.js')).Watcher(runtime, positionals, options, log) : undefined;
  watcher?.start();

  let signals = 0;
  const stopped = new Promise<number>((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      signals++;
      if (signals > 1) {
        log.warn(`${signal} again: exiting without draining`);
        process.exit(130);
      }
      log.info(`${signal}: stopping (send it again to exit at once)`);
      resolve(0);
    };
    if (isWorker()) {
      // The primary decides when a worker stops: a terminal's Ctrl-C reaches the whole process
      // group, and the primary's SIGTERM that follows would otherwise count as a second signal.
      process.on('SIGINT', () => {});
      process.on('disconnect', () => onSignal('SIGTERM'));
    } else process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  const exited = runtime.exited.then((c) => {
    if (signals === 0) reportExit(c);
    return c;
  });
  const code = await Promise.race([exited, stopped]);
  watcher?.stop();
  stopTable?.();
  await runtime.stop();
  await server?.stop();
  // Whatever a connector forgot to close must not keep a stopped runtime alive.
  setTimeout(() => process.exit(code), 1000).unref();
  return code;
}
