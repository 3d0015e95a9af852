import { Observable, catchError, defer, finalize, from, groupBy, map, mergeMap, of, switchMap } from 'rxjs';
import type { Decision } from '../domain/decision.js';
import { strongerTrigger, triggerKey, type Trigger } from '../domain/trigger.js';
import { coalesceWhileBusy } from './coalesce-while-busy.js';

export interface TriggerPipelineDeps {
  /** Records a decision if the policy says so (single flight is the store's); null when nothing is due. */
  evaluate: (trigger: Trigger) => Promise<Decision | null>;
  /** Called when `items` triggers are fully handled (for idleness tracking). */
  onSettled?: (items: number) => void;
  /** A group with no trigger for this long is closed, so memory does not grow with every scope ever seen. */
  idleGroupMs?: number;
}

export type PipelineEvent =
  | { type: 'decided'; decision: Decision }
  | { type: 'not-due'; trigger: Trigger }
  | { type: 'evaluation-failed'; trigger: Trigger; error: unknown };

/**
 * Triggers that do not come with data (timer and schedule re-checks, manual requests):
 * grouped by (scope, model kind), one evaluation in flight per group, and what arrives
 * meanwhile folded into one follow-up evaluation of the strongest trigger. A failed
 * evaluation (the database is away) is reported as an event and the stream goes on: the
 * (scope, kind) keeps its re-check time, so the next tick tries again.
 */
export function triggerPipeline(trigger$: Observable<Trigger>, deps: TriggerPipelineDeps): Observable<PipelineEvent> {
  const idleGroupMs = deps.idleGroupMs ?? 60_000;
  return trigger$.pipe(
    groupBy((trigger: Trigger) => triggerKey(trigger), { duration: (group$) => group$.pipe(switchMap(() => idleTimer(idleGroupMs))) }),
    mergeMap((group$) =>
      group$.pipe(
        coalesceWhileBusy((items: Trigger[]) => {
          const trigger = items.reduce((strongest, item) => strongerTrigger(strongest, item));
          return defer(() => from(deps.evaluate(trigger))).pipe(
            map((decision): PipelineEvent => (decision === null ? { type: 'not-due', trigger } : { type: 'decided', decision })),
            catchError((error: unknown) => of<PipelineEvent>({ type: 'evaluation-failed', trigger, error })),
            finalize(() => deps.onSettled?.(items.length)),
          );
        }),
      ),
    ),
  );
}

/** Emits once after `ms`; its timer does not keep the process alive (an idle group's close is housekeeping). */
function idleTimer(ms: number): Observable<0> {
  return new Observable<0>((subscriber) => {
    const timeout = setTimeout(() => {
      subscriber.next(0);
      subscriber.complete();
    }, ms);
    timeout.unref();
    return () => clearTimeout(timeout);
  });
}
