import { MODEL_KINDS, type ModelKind } from '../domain/model-kind.js';
import type { JobView, ModelVersionView, TrainingRequestView } from './api-types.js';

export type TrainingOutcome = 'trained' | 'insufficient-data' | 'skipped' | 'failed' | 'cancelled' | 'unfinished';

/** One (scope, kind) of a `train` run, as it ended. */
export interface TrainingItem {
  scope: string;
  kind: ModelKind;
  jobId: string | null;
  outcome: TrainingOutcome;
  version: number | null;
  promoted: boolean;
  metrics: Record<string, number> | null;
  /** The API's reason, the promotion gate's verdict, or the error. */
  detail: string;
}

export interface KindTrainingSummary {
  requested: number;
  /** Stored versions: promoted ones became champion, rejected ones did not beat it. */
  trained: number;
  promoted: number;
  rejected: number;
  insufficientData: number;
  skipped: number;
  failed: number;
  cancelled: number;
  unfinished: number;
  /** Mean of each metric over the versions trained in this run. */
  metrics: Record<string, number>;
}

export interface TrainingSummary {
  items: TrainingItem[];
  byKind: Record<ModelKind, KindTrainingSummary>;
}

function emptySummary(): KindTrainingSummary {
  return { requested: 0, trained: 0, promoted: 0, rejected: 0, insufficientData: 0, skipped: 0, failed: 0, cancelled: 0, unfinished: 0, metrics: {} };
}

/** A trainer that finds too few rows fails the job with this error class (src/domain/errors.ts). */
function isInsufficientData(error: string | null): boolean {
  return error !== null && error.startsWith('INSUFFICIENT_DATA');
}

function itemOf(request: TrainingRequestView, jobs: ReadonlyMap<string, JobView | undefined>, versions: ReadonlyMap<string, ModelVersionView>): TrainingItem {
  const base = { scope: request.scope, kind: request.kind, jobId: request.decisionId, version: null, promoted: false, metrics: null };
  if (request.outcome === 'insufficient-data') return { ...base, outcome: 'insufficient-data', detail: request.reason };
  if (request.outcome !== 'requested' || request.decisionId === null) return { ...base, outcome: 'skipped', detail: request.reason };
  const job = jobs.get(request.decisionId);
  if (job === undefined) return { ...base, outcome: 'unfinished', detail: 'not yet picked up by a trainer' };
  if (job.status === 'queued' || job.status === 'running') return { ...base, outcome: 'unfinished', detail: `${job.status}, stage ${job.stage}` };
  if (job.status === 'cancelled') return { ...base, outcome: 'cancelled', detail: job.error ?? 'cancelled' };
  if (job.status === 'failed') return { ...base, outcome: isInsufficientData(job.error) ? 'insufficient-data' : 'failed', detail: job.error ?? 'failed' };
  const version = job.result?.version ?? null;
  const stored = version === null ? undefined : versions.get(`${request.scope}/${request.kind}/${version}`);
  return {
    ...base,
    outcome: 'trained',
    version,
    promoted: job.result?.promoted ?? false,
    metrics: stored?.metrics ?? null,
    detail: job.result?.decision ?? '',
  };
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

/**
 * What a `train` run did, per (scope, kind) and per kind: like the seeds' initial
 * training report (trained / insufficient data / failed), with the metrics of what was
 * trained. `versions` is keyed `<scope>/<kind>/<version>`.
 */
export function summarizeTraining(
  requests: readonly TrainingRequestView[],
  jobs: ReadonlyMap<string, JobView | undefined>,
  versions: ReadonlyMap<string, ModelVersionView>,
): TrainingSummary {
  const items = requests.map((request) => itemOf(request, jobs, versions));
  const byKind = Object.fromEntries(MODEL_KINDS.map((kind) => [kind, emptySummary()])) as Record<ModelKind, KindTrainingSummary>;
  const metricSums = new Map<ModelKind, Map<string, { sum: number; count: number }>>();
  for (const item of items) {
    const summary = byKind[item.kind];
    summary.requested += 1;
    if (item.outcome === 'trained') {
      summary.trained += 1;
      if (item.promoted) summary.promoted += 1;
      else summary.rejected += 1;
      const sums = metricSums.get(item.kind) ?? new Map<string, { sum: number; count: number }>();
      for (const [name, value] of Object.entries(item.metrics ?? {})) {
        const entry = sums.get(name) ?? { sum: 0, count: 0 };
        sums.set(name, { sum: entry.sum + value, count: entry.count + 1 });
      }
      metricSums.set(item.kind, sums);
    } else if (item.outcome === 'insufficient-data') summary.insufficientData += 1;
    else if (item.outcome === 'skipped') summary.skipped += 1;
    else if (item.outcome === 'failed') summary.failed += 1;
    else if (item.outcome === 'cancelled') summary.cancelled += 1;
    else summary.unfinished += 1;
  }
  for (const [kind, sums] of metricSums) {
    byKind[kind].metrics = Object.fromEntries([...sums].sort(([a], [b]) => a.localeCompare(b)).map(([name, { sum, count }]) => [name, round(sum / count)]));
  }
  return { items, byKind };
}
