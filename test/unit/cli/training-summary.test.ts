import { describe, expect, it } from 'vitest';
import type { JobView, ModelVersionView, TrainingRequestView } from '../../../src/cli/api-types.js';
import { formatTrainingSummary } from '../../../src/cli/format-training-summary.js';
import { summarizeTraining } from '../../../src/cli/training-summary.js';
import type { ModelKind } from '../../../src/domain/model-kind.js';
import type { Scope } from '../../../src/domain/scope.js';
import type { JobStatus } from '../../../src/ports/job-queue.js';

function request(scope: Scope, kind: ModelKind, outcome: TrainingRequestView['outcome'], sequence = 1): TrainingRequestView {
  return { scope, kind, outcome, decisionId: outcome === 'requested' ? `${scope}/${kind}/${sequence}` : null, reason: outcome === 'requested' ? 'manual full training decided' : 'below the first-model thresholds' };
}

function job(requested: TrainingRequestView, status: JobStatus, extra: Partial<JobView> = {}): JobView {
  return {
    jobId: requested.decisionId ?? '',
    scope: requested.scope as Scope,
    kind: requested.kind,
    request: { requestId: requested.decisionId ?? '', scope: requested.scope, modelKind: requested.kind, reason: 'manual', counts: {}, metric: null, requestedAt: 0, priority: 100, mode: 'full', lookbackDays: null, force: true },
    status,
    priority: 100,
    attempts: 1,
    maxAttempts: 3,
    stage: status === 'succeeded' ? 'done' : 'training',
    progress: status === 'succeeded' ? 1 : 0.3,
    error: null,
    leaseOwner: null,
    leaseExpiresAt: null,
    fencingToken: 1,
    createdAt: 0,
    startedAt: 0,
    finishedAt: 10,
    result: null,
    ...extra,
  };
}

function version(scope: Scope, kind: ModelKind, number: number, metrics: Record<string, number>): ModelVersionView {
  return {
    modelId: `${scope}/${kind}/v${number}`,
    scope,
    kind,
    version: number,
    engine: 'relearn-forest',
    mode: 'full',
    requestId: `${scope}/${kind}/1`,
    trainedAt: 0,
    trainedOn: { rows: 100, from: 0, to: 1 },
    metrics,
    championMetrics: null,
    previousVersion: null,
    promoted: true,
    decision: 'no champion yet',
    hyperparameters: {},
    artifactBytes: 10,
  };
}

describe('summarizeTraining', () => {
  const trained = request('user:a', 'categorizer', 'requested');
  const rejected = request('user:b', 'categorizer', 'requested');
  const failed = request('user:c', 'categorizer', 'requested');
  const tooFewInTrainer = request('user:d', 'categorizer', 'requested');
  const tooFewInPolicy = request('user:e', 'categorizer', 'insufficient-data');
  const cancelled = request('org:o', 'anomaly', 'requested');
  const neverQueued = request('user:a', 'forecaster', 'requested');
  const skipped = request('user:b', 'forecaster', 'skipped');
  const requests = [trained, rejected, failed, tooFewInTrainer, tooFewInPolicy, cancelled, neverQueued, skipped];
  const jobs = new Map<string, JobView | undefined>([
    [trained.decisionId ?? '', job(trained, 'succeeded', { result: { version: 3, promoted: true, decision: 'better' } })],
    [rejected.decisionId ?? '', job(rejected, 'succeeded', { result: { version: 2, promoted: false, decision: 'worse than the champion' } })],
    [failed.decisionId ?? '', job(failed, 'failed', { error: 'TRAINING_FAILED: out of memory' })],
    [tooFewInTrainer.decisionId ?? '', job(tooFewInTrainer, 'failed', { error: 'INSUFFICIENT_DATA: 3 rows' })],
    [cancelled.decisionId ?? '', job(cancelled, 'cancelled')],
    [neverQueued.decisionId ?? '', undefined],
  ]);
  const versions = new Map([
    ['user:a/categorizer/3', version('user:a', 'categorizer', 3, { accuracy: 0.9, macroF1: 0.8 })],
    ['user:b/categorizer/2', version('user:b', 'categorizer', 2, { accuracy: 0.7, macroF1: 0.6 })],
  ]);
  const summary = summarizeTraining(requests, jobs, versions);

  it('gives every (scope, kind) one outcome', () => {
    expect(summary.items.map((item) => item.outcome)).toEqual(['trained', 'trained', 'failed', 'insufficient-data', 'insufficient-data', 'cancelled', 'unfinished', 'skipped']);
    expect(summary.items[2]?.detail).toBe('TRAINING_FAILED: out of memory');
  });

  it('counts per kind and averages the metrics of what was trained', () => {
    expect(summary.byKind.categorizer).toEqual({
      requested: 5,
      trained: 2,
      promoted: 1,
      rejected: 1,
      insufficientData: 2,
      skipped: 0,
      failed: 1,
      cancelled: 0,
      unfinished: 0,
      metrics: { accuracy: 0.8, macroF1: 0.7 },
    });
    expect(summary.byKind.anomaly).toMatchObject({ requested: 1, cancelled: 1, trained: 0 });
    expect(summary.byKind.forecaster).toMatchObject({ requested: 2, unfinished: 1, skipped: 1 });
  });

  it('formats like the seeds\' training summary, one line per item when there are few', () => {
    const text = formatTrainingSummary(summary, false);
    expect(text).toContain('categorizer  trained 2 (promoted 1, rejected 1), insufficient data 2, failed 1');
    expect(text).toContain('mean metrics of the trained versions: accuracy 0.800, macroF1 0.700');
    expect(text).toContain('anomaly      trained 0 (promoted 0, rejected 0), insufficient data 0, failed 0, cancelled 1');
    expect(text).toContain('  user:a categorizer: trained v3, promoted, accuracy 0.900, macroF1 0.800');
    expect(text).toContain('  user:b categorizer: trained v2, champion kept');
    expect(text).toContain('  user:c categorizer: failed (TRAINING_FAILED: out of memory)');
    expect(text).toContain('total: trained 2, insufficient data 2, failed 1 (of 8 scope/kind pairs)');
  });

  it('lists only the failures when there are many items, unless verbose', () => {
    const many = summarizeTraining(
      Array.from({ length: 30 }, (_, index) => request(`user:u${index}`, 'categorizer', 'insufficient-data')).concat([failed]),
      jobs,
      versions,
    );
    const brief = formatTrainingSummary(many, false).split('\n').filter((line) => line.startsWith('  user:'));
    expect(brief).toEqual(['  user:c categorizer: failed (TRAINING_FAILED: out of memory)']);
    expect(formatTrainingSummary(many, true).split('\n').filter((line) => line.startsWith('  user:'))).toHaveLength(31);
  });
});
