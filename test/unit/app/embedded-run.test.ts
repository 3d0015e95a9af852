import { describe, expect, it } from 'vitest';
import { runEmbedded } from '../../../src/app/embedded-run.js';
import type { RunReport } from '../../../src/app/run-report.js';
import { MODEL_KINDS } from '../../../src/domain/model-kind.js';
import { generateEvents, resolveSimulationOptions, summarizeGeneration } from '../../../src/simulate/index.js';

const simulation = resolveSimulationOptions({ users: 6, orgs: 2, days: 70, seed: 3, invalidRate: 0.02 });
const records = generateEvents(simulation);
const generation = summarizeGeneration(records);
const distinctValid = Object.values(generation.distinctByRole).reduce((sum, count) => sum + count, 0);

let firstRun: Promise<RunReport> | undefined;
function report(): Promise<RunReport> {
  firstRun ??= runEmbedded(simulation).then((result) => result.report);
  return firstRun;
}

describe('runEmbedded', { timeout: 120_000 }, () => {
  it('trains at least one model of every kind and makes every scope a champion', async () => {
    const { summary } = await report();
    for (const kind of MODEL_KINDS) {
      expect(summary[kind].trained, kind).toBeGreaterThan(0);
      expect(summary[kind].champions, kind).toBeGreaterThan(0);
      expect(summary[kind].failed, kind).toBe(0);
    }
    expect(summary.categorizer.scopes).toBe(simulation.users);
    expect(summary.anomaly.scopes).toBe(simulation.orgs);
  });

  it('dead-letters every malformed record: undecodable bytes as DECODE_FAILED, the rest as INVALID_EVENT', async () => {
    const { deadLettered } = await report();
    const reasons = Object.keys(deadLettered);
    expect(reasons.some((reason) => reason.startsWith('INVALID_EVENT'))).toBe(true);
    expect(deadLettered.DECODE_FAILED).toBe(generation.invalid['undecodable-bytes']);
    const invalidEvents = Object.entries(deadLettered)
      .filter(([reason]) => reason.startsWith('INVALID_EVENT'))
      .reduce((sum, [, count]) => sum + count, 0);
    const flawedValues = Object.entries(generation.invalid)
      .filter(([flaw]) => flaw !== 'undecodable-bytes')
      .reduce((sum, [, count]) => sum + count, 0);
    expect(invalidEvents).toBe(flawedValues);
  });

  it('counts each event once however often it was sent', async () => {
    const { eventsIngested, duplicatesIgnored } = await report();
    expect(generation.resends).toBeGreaterThan(0);
    expect(duplicatesIgnored).toBe(generation.resends);
    expect(eventsIngested).toBe(distinctValid);
  });

  // Some last-day card payments are posted the next morning, after the period: the loop runs until the last record.
  it('ingests every distinct valid event the generator produced', async () => {
    expect((await report()).eventsIngested).toBe(distinctValid);
  });

  it('records one decision per training run', async () => {
    const { decisions, summary } = await report();
    const runs = MODEL_KINDS.reduce((sum, kind) => sum + summary[kind].trained + summary[kind].failed, 0);
    expect(decisions.total).toBe(runs);
    for (const kind of MODEL_KINDS) expect(decisions.byKind[kind], kind).toBe(summary[kind].trained + summary[kind].failed);
    expect(decisions.byReason.initial).toBe(MODEL_KINDS.reduce((sum, kind) => sum + summary[kind].scopes, 0));
  });

  it('analyses every distinct sheet once', async () => {
    expect((await report()).sheetAnalyses.total).toBe(generation.sheets);
  });

  it('gives the same report for the same seed', async () => {
    const first = await report();
    const second = (await runEmbedded(simulation)).report;
    expect(second).toEqual(first);
  });
});
