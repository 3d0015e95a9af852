import { describe, expect, it } from 'vitest';
import { emptyCounters, type ScopeCounters } from '../../../src/domain/counters.js';
import type { ModelKind } from '../../../src/domain/model-kind.js';
import { DEFAULT_RETRAIN_POLICIES, TIME } from '../../../src/domain/policy-config.js';
import { evaluateRetrainPolicy, type ChampionFacts, type PolicyVerdict } from '../../../src/domain/retrain-policy.js';
import type { Scope } from '../../../src/domain/scope.js';
import type { TriggerSource } from '../../../src/domain/trigger.js';

const { DAY, HOUR } = TIME;
const WEEK = 7 * DAY;
const START = Date.UTC(2026, 0, 5);
const USER: Scope = 'user:u1';
const ORG: Scope = 'org:o1';

function scopeOf(kind: ModelKind): Scope {
  return kind === 'anomaly' ? ORG : USER;
}

function counters(kind: ModelKind, fields: Partial<ScopeCounters>): ScopeCounters {
  return { ...emptyCounters(scopeOf(kind), kind), ...fields };
}

function champion(fields: Partial<ChampionFacts> = {}): ChampionFacts {
  return { version: 1, supportsIncremental: false, ...fields };
}

interface Case {
  kind: ModelKind;
  counters: ScopeCounters;
  champion?: ChampionFacts | null;
  source?: TriggerSource;
  force?: boolean;
  now?: number;
  incrementalOnNewData?: boolean;
}

function evaluate(input: Case): PolicyVerdict {
  const now = input.now ?? START + 100 * DAY;
  return evaluateRetrainPolicy({
    counters: input.counters,
    champion: input.champion ?? null,
    config: DEFAULT_RETRAIN_POLICIES[input.kind],
    trigger: { scope: scopeOf(input.kind), kind: input.kind, source: input.source ?? 'count', at: now, ...(input.force === undefined ? {} : { force: input.force }) },
    now,
    incrementalOnNewData: input.incrementalOnNewData ?? false,
  });
}

/** A scope that trained once at `lastTrainedAt` and has `newRows` rows since. */
function trainedCounters(kind: ModelKind, newRows: number, lastTrainedAt: number, performance: number[] = []): ScopeCounters {
  return counters(kind, {
    total: 500,
    sheets: kind === 'anomaly' ? 40 : 0,
    sinceLastTraining: newRows,
    firstEventAt: START,
    lastEventAt: lastTrainedAt,
    lastTrainedAt,
    decisions: 1,
    performance,
  });
}

function whyNot(verdict: PolicyVerdict): string {
  return verdict.due ? `due (${verdict.reason})` : verdict.why;
}

describe('evaluateRetrainPolicy: first model', () => {
  it('categorizer needs 50 labeled transactions: 49 is not enough, 50 is', () => {
    const below = evaluate({ kind: 'categorizer', counters: counters('categorizer', { total: 49, firstEventAt: START, lastEventAt: START + DAY }) });
    const at = evaluate({ kind: 'categorizer', counters: counters('categorizer', { total: 50, firstEventAt: START, lastEventAt: START + DAY }) });
    expect(whyNot(below)).toBe('insufficient-data');
    expect(at).toMatchObject({ due: true, reason: 'initial', mode: 'full', metric: null, sinceLastTrainingMs: null });
  });

  it('forecaster needs 50 rows spanning 8 weeks: 1 ms short of 8 weeks or 49 rows is not enough', () => {
    const shortSpan = evaluate({ kind: 'forecaster', counters: counters('forecaster', { total: 50, firstEventAt: START, lastEventAt: START + 8 * WEEK - 1 }) });
    const tooFew = evaluate({ kind: 'forecaster', counters: counters('forecaster', { total: 49, firstEventAt: START, lastEventAt: START + 8 * WEEK }) });
    const enough = evaluate({ kind: 'forecaster', counters: counters('forecaster', { total: 50, firstEventAt: START, lastEventAt: START + 8 * WEEK }) });
    expect(whyNot(shortSpan)).toBe('insufficient-data');
    expect(whyNot(tooFew)).toBe('insufficient-data');
    expect(enough).toMatchObject({ due: true, reason: 'initial', mode: 'full' });
    expect(enough.counts).toMatchObject({ total: 50, spanMs: 8 * WEEK });
  });

  it('anomaly needs 50 expenses in at least 2 sheets', () => {
    const firstModel = (total: number, sheets: number) =>
      evaluate({ kind: 'anomaly', counters: counters('anomaly', { total, sheets, firstEventAt: START, lastEventAt: START + DAY }) });
    expect(whyNot(firstModel(49, 2))).toBe('insufficient-data');
    expect(whyNot(firstModel(50, 1))).toBe('insufficient-data');
    expect(firstModel(50, 2)).toMatchObject({ due: true, reason: 'initial', mode: 'full' });
  });
});

describe('evaluateRetrainPolicy: retrain on new data', () => {
  const trained = START + 30 * DAY;

  it('categorizer needs 20 new labeled rows: 19 is not enough, 20 is', () => {
    const now = trained + 7 * DAY;
    expect(whyNot(evaluate({ kind: 'categorizer', counters: trainedCounters('categorizer', 19, trained), champion: champion(), now }))).toBe('not-enough-new-data');
    const due = evaluate({ kind: 'categorizer', counters: trainedCounters('categorizer', 20, trained), champion: champion(), now });
    expect(due).toMatchObject({ due: true, reason: 'new-data', mode: 'full', sinceLastTrainingMs: 7 * DAY });
  });

  it('categorizer also needs 7 days since the last training: 6 d 23 h is too soon', () => {
    const soon = evaluate({ kind: 'categorizer', counters: trainedCounters('categorizer', 20, trained), champion: champion(), now: trained + 6 * DAY + 23 * HOUR });
    expect(whyNot(soon)).toBe('too-soon');
  });

  it('anomaly needs 10 new sheets and 24 hours', () => {
    const at = (newSheets: number, now: number) => evaluate({ kind: 'anomaly', counters: trainedCounters('anomaly', newSheets, trained), champion: champion(), now });
    expect(whyNot(at(9, trained + DAY))).toBe('not-enough-new-data');
    expect(whyNot(at(10, trained + 23 * HOUR + 59 * 60_000))).toBe('too-soon');
    expect(at(10, trained + DAY)).toMatchObject({ due: true, reason: 'new-data', mode: 'full' });
  });

  it('no new data at all is its own reason', () => {
    expect(whyNot(evaluate({ kind: 'categorizer', counters: trainedCounters('categorizer', 0, trained), champion: champion(), now: trained + 30 * DAY }))).toBe('no-new-data');
  });

  it.each([
    ['count', 'new-data'],
    ['performance', 'new-data'],
    ['timer', 'interval'],
    ['schedule', 'scheduled'],
  ] as const)('a %s trigger that finds the data rule met trains for %s', (source, reason) => {
    const verdict = evaluate({ kind: 'categorizer', counters: trainedCounters('categorizer', 25, trained), champion: champion(), source, now: trained + 8 * DAY });
    expect(verdict).toMatchObject({ due: true, reason, mode: 'full' });
  });
});

describe('evaluateRetrainPolicy: incremental mode', () => {
  const trained = START + 30 * DAY;
  const now = trained + 8 * DAY;
  const mode = (source: TriggerSource, supportsIncremental: boolean, incrementalOnNewData: boolean) => {
    const verdict = evaluate({ kind: 'categorizer', counters: trainedCounters('categorizer', 25, trained), champion: champion({ supportsIncremental }), source, now, incrementalOnNewData });
    return verdict.due ? verdict.mode : verdict.why;
  };

  it('is used for a new-data retrain when enabled and the champion supports it', () => {
    expect(mode('count', true, true)).toBe('incremental');
  });

  it('is not used when disabled, when the champion cannot grow, or for timer and scheduled retrains', () => {
    expect(mode('count', true, false)).toBe('full');
    expect(mode('count', false, true)).toBe('full');
    expect(mode('timer', true, true)).toBe('full');
    expect(mode('schedule', true, true)).toBe('full');
  });

  it('is not used for a first model', () => {
    const verdict = evaluate({ kind: 'categorizer', counters: counters('categorizer', { total: 60 }), incrementalOnNewData: true });
    expect(verdict).toMatchObject({ due: true, reason: 'initial', mode: 'full' });
  });
});

describe('evaluateRetrainPolicy: live performance', () => {
  const trained = START + 30 * DAY;
  const afterCooldown = trained + 2 * DAY;
  const withWindow = (kind: ModelKind, performance: number[], facts: ChampionFacts = champion(), now = afterCooldown) =>
    evaluate({ kind, counters: trainedCounters(kind, 0, trained, performance), champion: facts, now });

  // The anomaly window must hold at least minPerformanceSamples (5) rates.
  it.each([
    [0.049, true],
    [0.05, false],
    [0.3, false],
    [0.301, true],
  ])('anomaly rate %f over 5 sheets fires: %s', (rate, fires) => {
    const verdict = withWindow('anomaly', Array<number>(5).fill(rate));
    if (fires) {
      expect(verdict).toMatchObject({ due: true, reason: 'performance', mode: 'full', metric: { name: 'anomalyRate' } });
      if (verdict.due) expect(verdict.metric?.value).toBeCloseTo(rate, 12);
    } else {
      expect(whyNot(verdict)).toBe('no-new-data');
    }
  });

  // The mean of ten 0.05 rates is 0.049999999999999996 in floating point: still exactly 5%.
  it('anomaly rate of exactly 5% over a full window of 10 sheets does not fire', () => {
    expect(whyNot(withWindow('anomaly', Array<number>(10).fill(0.05)))).toBe('no-new-data');
  });

  it('anomaly rate does not fire with fewer than minPerformanceSamples samples', () => {
    expect(whyNot(withWindow('anomaly', Array<number>(4).fill(0.9)))).toBe('no-new-data');
  });

  it('categorizer fires when prequential accuracy is more than 10 points below validation accuracy', () => {
    const hits = (count: number) => [...Array<number>(count).fill(1), ...Array<number>(50 - count).fill(0)];
    const facts = champion({ validationAccuracy: 0.9 });
    const fired = withWindow('categorizer', hits(39), facts);
    expect(fired).toMatchObject({ due: true, reason: 'performance', metric: { name: 'prequentialAccuracy', value: 0.78 } });
    if (fired.due) expect(fired.metric?.threshold).toBeCloseTo(0.8, 12);
    expect(whyNot(withWindow('categorizer', hits(40), facts))).toBe('no-new-data');
  });

  it('categorizer accuracy 0.79 against 0.9 fires, 0.80 does not (window of 100)', () => {
    const config = { ...DEFAULT_RETRAIN_POLICIES.categorizer, performanceWindow: 100, minPerformanceSamples: 100 };
    const run = (hitCount: number) =>
      evaluateRetrainPolicy({
        counters: trainedCounters('categorizer', 0, trained, [...Array<number>(hitCount).fill(1), ...Array<number>(100 - hitCount).fill(0)]),
        champion: champion({ validationAccuracy: 0.9 }),
        config,
        trigger: { scope: USER, kind: 'categorizer', source: 'performance', at: afterCooldown },
        now: afterCooldown,
        incrementalOnNewData: false,
      });
    expect(run(79)).toMatchObject({ due: true, reason: 'performance' });
    expect(whyNot(run(80))).toBe('no-new-data');
  });

  it('categorizer does not fire before minPerformanceSamples predictions, nor without a validation accuracy', () => {
    expect(whyNot(withWindow('categorizer', Array<number>(49).fill(0), champion({ validationAccuracy: 0.9 })))).toBe('no-new-data');
    expect(whyNot(withWindow('categorizer', Array<number>(50).fill(0), champion()))).toBe('no-new-data');
  });

  it('forecaster fires when the last error ratio against seasonal-naive is above 1', () => {
    expect(withWindow('forecaster', [0.5, 1.01])).toMatchObject({ due: true, reason: 'performance', metric: { name: 'errorVsSeasonalNaive', value: 1.01, threshold: 1 } });
    expect(whyNot(withWindow('forecaster', [2, 1]))).toBe('no-new-data');
  });

  it('respects the cooldown after the last training', () => {
    const bad = Array<number>(5).fill(0.9);
    expect(whyNot(withWindow('anomaly', bad, champion(), trained + DAY - 1))).toBe('no-new-data');
    expect(withWindow('anomaly', bad, champion(), trained + DAY)).toMatchObject({ due: true, reason: 'performance' });
  });
});

describe('evaluateRetrainPolicy: manual requests', () => {
  it('force trains whatever the thresholds say', () => {
    expect(evaluate({ kind: 'forecaster', counters: counters('forecaster', { total: 3 }), source: 'manual', force: true })).toMatchObject({
      due: true,
      reason: 'manual',
      mode: 'full',
    });
    const trained = START + 30 * DAY;
    expect(
      evaluate({ kind: 'categorizer', counters: trainedCounters('categorizer', 0, trained), champion: champion({ supportsIncremental: true }), source: 'manual', force: true, now: trained + 1, incrementalOnNewData: true }),
    ).toMatchObject({ due: true, reason: 'manual', mode: 'full' });
  });

  it('without force, a first model still needs the first-model data', () => {
    expect(whyNot(evaluate({ kind: 'categorizer', counters: counters('categorizer', { total: 3 }), source: 'manual' }))).toBe('insufficient-data');
  });
});
