import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/adapters/memory/manual-clock.js';
import { MemoryCounterStore } from '../../../src/adapters/memory/memory-counter-store.js';
import { MemoryDecisionOutbox } from '../../../src/adapters/memory/memory-decision-outbox.js';
import { MemoryModelRegistry } from '../../../src/adapters/memory/memory-model-registry.js';
import { Decider } from '../../../src/app/decider.js';
import { defaultConfig } from '../../../src/config/relearn-config.js';
import { TrainingControl, type ManualDecider } from '../../../src/app/training-control.js';
import { isRelearnError } from '../../../src/domain/errors.js';
import type { ModelKind } from '../../../src/domain/model-kind.js';
import type { Scope } from '../../../src/domain/scope.js';

const DAY = 86_400_000;

async function setup(rows: { scope: Scope; kind: ModelKind; total: number }[], decider?: ManualDecider | ManualDecider['evaluate']) {
  const clock = new ManualClock(100 * DAY);
  const counters = new MemoryCounterStore();
  const outbox = new MemoryDecisionOutbox();
  const registry = new MemoryModelRegistry();
  let offset = 0;
  for (const row of rows) {
    for (let index = 0; index < row.total; index += 1) {
      offset += 1;
      await counters.apply(row.scope, row.kind, { total: 1, sinceLastTraining: 1, sheets: row.kind === 'anomaly' ? 1 : 0, eventTime: index * DAY }, { stream: 'test/0', offset });
    }
  }
  const realDecider = new Decider({ counters, outbox, registry, clock, config: defaultConfig(), onRecorded: () => undefined });
  const control = new TrainingControl({ decider: decider ?? realDecider, counters, registry, clock });
  return { control, outbox, counters };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('TrainingControl', () => {
  it('needs exactly one of scope and all', async () => {
    const { control } = await setup([{ scope: 'user:a', kind: 'categorizer', total: 60 }]);
    for (const input of [{}, { all: false }, { scope: 'user:a' as Scope, all: true }]) {
      expect(isRelearnError(await rejection(control.request(input)), 'INVALID_ARGUMENT'), JSON.stringify(input)).toBe(true);
    }
  });

  it('refuses a kind the scope type does not have, and an unknown scope', async () => {
    const { control } = await setup([{ scope: 'user:a', kind: 'categorizer', total: 60 }]);
    expect(isRelearnError(await rejection(control.request({ scope: 'user:a', kind: 'anomaly' })), 'INVALID_ARGUMENT')).toBe(true);
    expect(isRelearnError(await rejection(control.request({ scope: 'user:b' })), 'NOT_FOUND')).toBe(true);
  });

  it('records a manual decision when the policy allows a first model, and reports insufficient data otherwise', async () => {
    const { control, outbox } = await setup([
      { scope: 'user:a', kind: 'categorizer', total: 60 },
      { scope: 'user:b', kind: 'categorizer', total: 10 },
    ]);
    const [a] = await control.request({ scope: 'user:a', kind: 'categorizer' });
    expect(a).toMatchObject({ outcome: 'requested', decisionId: 'user:a/categorizer/1' });
    expect((await outbox.get('user:a/categorizer/1'))?.reason).toBe('manual');
    const [b] = await control.request({ scope: 'user:b', kind: 'categorizer' });
    expect(b).toMatchObject({ outcome: 'insufficient-data', decisionId: null, reason: expect.stringContaining('first-model thresholds') as string });
  });

  it('trains below the thresholds when forced, never on no data at all', async () => {
    const { control } = await setup([{ scope: 'user:b', kind: 'categorizer', total: 10 }]);
    const outcomes = await control.request({ scope: 'user:b', force: true });
    expect(outcomes).toEqual([
      expect.objectContaining({ kind: 'categorizer', outcome: 'requested', decisionId: 'user:b/categorizer/1' }),
      expect.objectContaining({ kind: 'forecaster', outcome: 'insufficient-data', reason: 'no data for this kind yet' }),
    ]);
  });

  it('applies minData before asking the policy', async () => {
    const { control, outbox } = await setup([
      { scope: 'user:a', kind: 'categorizer', total: 60 },
      { scope: 'org:o', kind: 'anomaly', total: 80 },
    ]);
    const outcomes = await control.request({ all: true, force: true, minData: 70 });
    expect(outcomes.map((outcome) => [outcome.scope, outcome.outcome])).toEqual([
      ['org:o', 'requested'],
      ['user:a', 'insufficient-data'],
    ]);
    expect(await outbox.list()).toHaveLength(1);
  });

  it('passes force and the look-back to the decider as a manual trigger', async () => {
    const triggers: unknown[] = [];
    const { control } = await setup([{ scope: 'org:o', kind: 'anomaly', total: 5 }], (trigger) => {
      triggers.push(trigger);
      return Promise.resolve(null);
    });
    const [outcome] = await control.request({ scope: 'org:o', force: true, lookbackDays: 7 });
    expect(triggers).toEqual([{ scope: 'org:o', kind: 'anomaly', source: 'manual', at: 100 * DAY, force: true, lookbackDays: 7, hyperparameters: null }]);
    // Declined without a verdict to explain it: another decider took this decision number.
    expect(outcome).toMatchObject({ outcome: 'skipped', decisionId: null, reason: expect.stringContaining('same moment') as string });
  });
});
