import type { Subscription } from 'rxjs';
import { merge } from 'rxjs';
import type { Logger } from 'pino';

import { componentLogger } from '../logging/component-logger.js';
import type { RelearnSystem } from './relearn-system.js';

/**
 * What an operator reads in the service's log: every decision with its reason and
 * figures (decider), every finished training with its job id (trainer), every sheet
 * analysis (analyst). Subscribes to what the system already emits, so the roles stay
 * free of logging concerns.
 */
export function logServiceActivity(system: RelearnSystem, root: Logger): Subscription {
  const decider = componentLogger(root, 'decider');
  const trainer = componentLogger(root, 'trainer');
  const analyst = componentLogger(root, 'analyst');
  return merge(system.events$, system.finished$).subscribe((entry) => {
    if ('status' in entry) {
      const context = { scope: entry.scope, kind: entry.kind, jobId: entry.requestId };
      if (entry.status === 'succeeded') trainer.info({ ...context, version: entry.version, promoted: entry.promoted, trainMs: entry.trainMs }, 'training finished');
      else trainer.warn({ ...context, status: entry.status, errorCode: entry.errorCode, error: entry.error }, 'training did not succeed');
      return;
    }
    switch (entry.type) {
      case 'decided': {
        const { decision } = entry;
        decider.info({ scope: decision.scope, kind: decision.kind, jobId: decision.decisionId, reason: decision.reason, mode: decision.mode, counts: decision.counts, metric: decision.metric }, 'training decided');
        return;
      }
      case 'not-due':
        decider.debug({ scope: entry.trigger.scope, kind: entry.trigger.kind, source: entry.trigger.source }, 'not due');
        return;
      case 'evaluation-failed':
        decider.warn({ scope: entry.trigger.scope, kind: entry.trigger.kind, source: entry.trigger.source, err: entry.error }, 'evaluation failed; the next re-check tries again');
        return;
      case 'component-failed':
        root.warn({ component: entry.component, err: entry.error }, 'a step failed and will be retried');
        return;
      case 'analysed':
        analyst.debug({ sheetId: entry.sheetId, trainedBeforeAnalysis: entry.trainedBeforeAnalysis }, 'sheet analysed');
        return;
    }
  });
}
