import { describe, expect, it } from 'vitest';

import { ManualClock } from '../../../src/adapters/memory/manual-clock.js';
import { embeddedPorts } from '../../../src/app/composition-root.js';
import { Decider } from '../../../src/app/decider.js';
import { RelearnSystem } from '../../../src/app/relearn-system.js';
import { loadSettings } from '../../../src/config/load-settings.js';
import { defaultConfig } from '../../../src/config/relearn-config.js';
import { userScope } from '../../../src/domain/scope.js';
import { modelKey } from '../../../src/domain/store-keys.js';

// Issue 12: memory is bounded by configuration, not by the number of scopes ever seen.

function setUp(cacheCapacity?: number) {
  const clock = new ManualClock(1_000_000);
  const config = defaultConfig();
  const ports = embeddedPorts(clock, config.topics);
  const decider = new Decider({ counters: ports.counters, outbox: ports.outbox, registry: ports.registry, clock, config, onRecorded: () => undefined, ...(cacheCapacity === undefined ? {} : { cacheCapacity }) });
  return { decider, clock };
}

describe('Decider verdict cache', () => {
  it('keeps no verdict per (scope, kind) for ingest batches, however many scopes they touch', async () => {
    const { decider } = setUp();
    const changes = Array.from({ length: 500 }, (_, index) => ({ scope: userScope(`u${index}`), kind: 'forecaster' as const, offset: index, fresh: true, delta: { total: 1, sinceLastTraining: 1, eventTime: 1_000 + index } }));
    const decided = await decider.applyBatch('transactions/0', changes, 1_000_000);
    expect(decided).toEqual([]);
    expect(decider.lastVerdicts.size).toBe(0);
  });

  it('still records the verdict of a single trigger, so a manual request can say why nothing was decided', async () => {
    const { decider } = setUp();
    await decider.applyBatch('transactions/0', [{ scope: userScope('u1'), kind: 'categorizer', offset: 0, fresh: true, delta: { total: 3, sinceLastTraining: 3, eventTime: 1_000 } }], 1_000_000);
    const decision = await decider.evaluate({ scope: userScope('u1'), kind: 'categorizer', source: 'manual', at: 1_000_000, force: false, lookbackDays: null });
    expect(decision).toBeNull();
    expect(decider.lastVerdicts.get(modelKey(userScope('u1'), 'categorizer'))).toMatchObject({ due: false, why: 'insufficient-data' });
  });

  it('holds at most its capacity of re-check verdicts, least recently used dropped first', async () => {
    const { decider } = setUp(10);
    for (let index = 0; index < 25; index += 1) await decider.evaluate({ scope: userScope(`u${index}`), kind: 'forecaster', source: 'timer', at: 1_000_000 });
    expect(decider.lastVerdicts.size).toBe(10);
    expect(decider.lastVerdicts.get(modelKey(userScope('u24'), 'forecaster'))).toBeDefined();
    expect(decider.lastVerdicts.get(modelKey(userScope('u0'), 'forecaster'))).toBeUndefined();
  });
});

describe('cache bounds are settings', () => {
  it('reads RELEARN_CACHE_SCOPES and RELEARN_CACHE_MODELS, with defaults of 100,000 and 10,000', () => {
    expect(loadSettings({ env: {} }).core.caches).toEqual({ scopes: 100_000, models: 10_000 });
    expect(loadSettings({ env: { RELEARN_CACHE_SCOPES: '5000', RELEARN_CACHE_MODELS: '200' } }).core.caches).toEqual({ scopes: 5_000, models: 200 });
    expect(() => loadSettings({ env: { RELEARN_CACHE_MODELS: '0' } })).toThrow(/RELEARN_CACHE_MODELS/);
  });

  it('bounds the decider of a running system by caches.scopes', () => {
    const clock = new ManualClock(0);
    const config = defaultConfig({ caches: { scopes: 123, models: 7 } });
    const system = new RelearnSystem(embeddedPorts(clock, config.topics), config, { roles: new Set(['ingest']), owner: 'test', trainingWaitMs: 1_000 });
    expect(system.decider.lastVerdicts.capacity).toBe(123);
  });
});
