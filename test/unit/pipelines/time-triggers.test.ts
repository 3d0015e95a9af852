import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { ModelKind } from '../../../src/domain/model-kind.js';
import type { Scope } from '../../../src/domain/scope.js';
import type { GroupWork } from '../../../src/pipelines/group-work.js';
import { timeTriggers, type TimeTick } from '../../../src/pipelines/time-triggers.js';
import { settledNow } from './settled-now.js';

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
    const expected: Record<string, GroupWork> = {
      a: { type: 'trigger', trigger: { scope: 'user:u1', kind: 'categorizer', source: 'timer', at: 100, lookbackDays: null } },
      b: { type: 'trigger', trigger: { scope: 'org:o1', kind: 'anomaly', source: 'timer', at: 100, lookbackDays: null } },
      c: { type: 'trigger', trigger: { scope: 'user:u2', kind: 'forecaster', source: 'schedule', at: 300, lookbackDays: 30 } },
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
});
