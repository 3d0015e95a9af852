import { from, mergeMap, type Observable } from 'rxjs';
import type { ModelKind } from '../domain/model-kind.js';
import type { Scope } from '../domain/scope.js';
import type { GroupWork } from './group-work.js';

/** A moment at which time-based rules are re-checked: a periodic timer tick or a cron schedule firing. */
export interface TimeTick {
  at: number;
  source: 'timer' | 'schedule';
  lookbackDays?: number | null;
}

/**
 * Turns ticks into triggers for every (scope, kind) that waits on time: it has enough
 * new data but its interval had not elapsed when the data arrived. `candidates` picks
 * them (a query on the counters), so a tick costs one read, not one per scope.
 */
export function timeTriggers(
  ticks$: Observable<TimeTick>,
  candidates: (tick: TimeTick) => Promise<readonly { scope: Scope; kind: ModelKind }[]>,
): Observable<GroupWork> {
  return ticks$.pipe(
    mergeMap(
      (tick) =>
        from(candidates(tick)).pipe(
          mergeMap((found) =>
            found.map(
              (entry): GroupWork => ({
                type: 'trigger',
                trigger: { scope: entry.scope, kind: entry.kind, source: tick.source, at: tick.at, lookbackDays: tick.lookbackDays ?? null },
              }),
            ),
          ),
        ),
      1,
    ),
  );
}
