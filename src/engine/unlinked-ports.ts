import type { Subscription } from 'rxjs';
import type { Logger } from '../sdk/logger.js';
import { ErrorDigest } from './error-digest.js';
import type { Pipeline } from './pipeline.js';

/** Why a transactional event sent out of a port that leads nowhere is failed (by a pipeline or a connector). */
export const unlinkedPortFailure = (alias: string, port: string): string => `${alias}: event sent out of port ${JSON.stringify(port)}, which nothing is linked to`;

/**
 * What leaves a pipeline by a port that leads nowhere. A transactional event is lost there, so its
 * source must know: it is failed. An error is logged (a flood as one line per code every few
 * seconds), as a connector's are: nothing is lost silently.
 */
export function watchUnlinkedPorts(
  pipelines: ReadonlyMap<string, Pipeline>,
  linked: (alias: string, port: string) => boolean,
  log: Logger,
): { readonly subscriptions: Subscription[]; readonly digests: ErrorDigest[] } {
  const subscriptions: Subscription[] = [];
  const digests: ErrorDigest[] = [];
  for (const [alias, pipeline] of pipelines) {
    for (const [port, subject] of pipeline.outputs) {
      if (linked(alias, port)) continue;
      if (port === 'err') {
        const digest = new ErrorDigest(log.child(alias), alias);
        digests.push(digest);
        subscriptions.push(subject.subscribe((e) => digest.reportData(e.data, 'ERR_OPERATOR_FAILED')));
      } else {
        subscriptions.push(subject.subscribe((e) => e.settle?.fail(unlinkedPortFailure(alias, port))));
      }
    }
  }
  return { subscriptions, digests };
}
