import { catchError, EMPTY, from, mergeMap, type Observable } from 'rxjs';
import type { ModelKind } from '../domain/model-kind.js';
import type { Scope } from '../domain/scope.js';
import type { Trigger } from '../domain/trigger.js';

/** A moment at which time-based rules are re-checked: a periodic timer tick or a cron schedule firing. */
export interface TimeTick {
  at: number;
  source: 'timer' | 'schedule';
  lookbackDays?: number | null;
}

/**
 * Turns ticks into triggers for every (scope, kind) whose re-check time has come (the
 * time rule, a cool-down, a failure's back-off, a follow-up). `candidates` picks them with
 * one indexed query, so a tick never reads every counter document. A tick whose query
 * fails yields nothing, and `onError` hears of it; the next tick asks again.
 */
export function timeTriggers(
  ticks$: Observable<TimeTick>,
  candidates: (tick: TimeTick) => Promise<readonly { scope: Scope; kind: ModelKind }[]>,
  onError: (error: unknown) => void = () => undefined,
): Observable<Trigger> {
  return ticks$.pipe(
    mergeMap(
      (tick) =>
        from(candidates(tick)).pipe(
          mergeMap((found) => found.map((entry): Trigger => ({ scope: entry.scope, kind: entry.kind, source: tick.source, at: tick.at, lookbackDays: tick.lookbackDays ?? null }))),
          catchError((error: unknown) => {
            onError(error);
            return EMPTY;
          }),
        ),
      1,
    ),
  );
}
