import { createLogger } from '../runtime/logger.js';
import { Runtime } from '../runtime/runtime.js';
import { RUN_HELP } from './help.js';
import { addressMapOf, argsOf, logLevelOf, parse, portResolver, positiveInt } from './options.js';

export async function run(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    arg: { type: 'string', multiple: true },
    'map-address': { type: 'string', multiple: true },
    'log-level': { type: 'string' },
    'drain-timeout': { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(RUN_HELP);
    return 0;
  }
  if (positionals.length === 0) {
    process.stderr.write(`tremolo run: no flow file given\n\n${RUN_HELP}`);
    return 2;
  }
  const log = createLogger(logLevelOf(values['log-level'] as string | undefined));
  const runtime = await Runtime.start(positionals, {
    args: argsOf(values.arg as string[] | undefined),
    resolvers: { port: portResolver() },
    addressMap: addressMapOf(values['map-address'] as string[] | undefined),
    log,
    drainTimeoutMs: positiveInt('--drain-timeout', values['drain-timeout'] as string | undefined, 5000),
  });

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
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  const code = await Promise.race([runtime.exited, stopped]);
  await runtime.stop();
  // Whatever a connector forgot to close must not keep a stopped runtime alive.
  setTimeout(() => process.exit(code), 1000).unref();
  return code;
}
