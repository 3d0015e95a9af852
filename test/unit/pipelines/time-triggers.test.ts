import { throwError } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { ModelKind } from '../../../src/domain/model-kind.js';
import type { Scope } from '../../../src/domain/scope.js';
import type { Trigger } from '../../../src/domain/trigger.js';
import { timeTriggers, type TimeTick } from '../../../src/pipelines/time-triggers.js';
import { settledNow, settledWhen } from './settled-now.js';

describe('timeTriggers', () => {
  it('emits one trigger per candidate per tick, carrying the tick source, time and lookback', () => {
    const candidatesByTick = new Map<number, { scope: Scope; kind: ModelKind }[]>([
      [
        100,
        [
          { scope: 'user:u1', kind: 'categorizer' },
          { scope: 'org:o1', kind: 'anomaly' },
        ],
      ],
      [200, []],
      [300, [{ scope: 'user:u2', kind: 'forecaster' }]],
    ]);
    const asked: number[] = [];
    const ticks: Record<string, TimeTick> = {
      t: { at: 100, source: 'timer' },
      e: { at: 200, source: 'timer' },
      s: { at: 300, source: 'schedule', lookbackDays: 30 },
    };
    const expected: Record<string, Trigger> = {
      a: { scope: 'user:u1', kind: 'categorizer', source: 'timer', at: 100, lookbackDays: null },
      b: { scope: 'org:o1', kind: 'anomaly', source: 'timer', at: 100, lookbackDays: null },
      c: { scope: 'user:u2', kind: 'forecaster', source: 'schedule', at: 300, lookbackDays: 30 },
    };
    new TestScheduler((actual, wanted) => expect(actual).toEqual(wanted)).run(({ hot, expectObservable }) => {
      const triggers$ = timeTriggers(hot('-t-----e--s-|', ticks), (tick) => {
        asked.push(tick.at);
        return settledNow(candidatesByTick.get(tick.at) ?? []);
      });
      expectObservable(triggers$).toBe('-(ab)-----c-|', expected);
    });
    // One candidate query per tick, however many scopes it finds.
    expect(asked).toEqual([100, 200, 300]);
  });

  it('keeps ticking after a candidate query fails, and reports the failure', () => {
    const errors: unknown[] = [];
    new TestScheduler((actual, wanted) => expect(actual).toEqual(wanted)).run(({ hot, expectObservable }) => {
      const triggers$ = timeTriggers(
        hot('-t--u-|', { t: { at: 1, source: 'timer' }, u: { at: 2, source: 'timer' } }),
        (tick) => (tick.at === 1 ? settledWhen(throwError(() => new Error('database away'))) : settledNow([{ scope: 'user:u1' as const, kind: 'categorizer' as const }])),
        (error) => errors.push(error),
      );
      expectObservable(triggers$).toBe('----a-|', { a: { scope: 'user:u1', kind: 'categorizer', source: 'timer', at: 2, lookbackDays: null } });
    });
    expect(errors).toHaveLength(1);
  });
});
