import { MODEL_KINDS, type ModelKind } from '../domain/model-kind.js';
import type { RelearnPorts } from './relearn-system.js';
import type { TrainingFinished } from './trainer-role.js';

export interface KindSummary {
  /** Successful training runs (stored model versions). */
  trained: number;
  /** Of those, how many the promotion gate made champion. */
  promoted: number;
  rejected: number;
  incremental: number;
  /** Scopes with data but no model at the end: below the first-model thresholds. */
  insufficientData: number;
  failed: number;
  scopes: number;
  /** Champion count and version spread. */
  champions: number;
  championVersions: { min: number; max: number; mean: number } | null;
  /** Mean of each champion metric over scopes. */
  metrics: Record<string, number>;
  /** Mean training time in the worker, ms (not part of the reproducible summary). */
  meanTrainMs?: number;
}

export interface RunReport {
  eventsIngested: number;
  duplicatesIgnored: number;
  deadLettered: Record<string, number>;
  summary: Record<ModelKind, KindSummary>;
  decisions: { total: number; byReason: Record<string, number>; byKind: Record<string, number> };
  sheetAnalyses: { total: number; trainedBeforeAnalysis: number; meanAnomalyRate: number };
}

function round(value: number, digits = 4): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Builds the end-of-run report from the stores, so it says what is durable, not what was hoped. */
export async function buildRunReport(
  ports: RelearnPorts,
  ingest: { ingested: number; duplicates: number; deadLettered: Record<string, number> },
  finished: readonly TrainingFinished[],
  analyses: { total: number; trainedBeforeAnalysis: number; rateSum: number },
): Promise<RunReport> {
  const summary = {} as Record<ModelKind, KindSummary>;
  for (const kind of MODEL_KINDS) {
    const counters = await ports.counters.list({ kind });
    const versions = await ports.registry.list({ kind });
    const champions = [];
    for (const counter of counters) {
      const champion = await ports.registry.champion(counter.scope, kind);
      if (champion !== null) champions.push(champion);
    }
    // Averaged over the champions that have the metric: ROC-AUC exists only where outcomes were labeled.
    const metricSums = new Map<string, { sum: number; count: number }>();
    for (const champion of champions) {
      for (const [name, value] of Object.entries(champion.metrics)) {
        const entry = metricSums.get(name) ?? { sum: 0, count: 0 };
        metricSums.set(name, { sum: entry.sum + value, count: entry.count + 1 });
      }
    }
    const metrics: Record<string, number> = {};
    for (const [name, { sum, count }] of [...metricSums].sort(([a], [b]) => a.localeCompare(b))) metrics[name] = round(sum / count);
    const championVersions = champions.map((champion) => champion.version);
    const failedJobs = finished.filter((entry) => entry.kind === kind && entry.status === 'failed' && entry.errorCode !== 'INSUFFICIENT_DATA');
    summary[kind] = {
      trained: versions.length,
      promoted: versions.filter((version) => version.promoted).length,
      rejected: versions.filter((version) => !version.promoted).length,
      incremental: versions.filter((version) => version.mode === 'incremental').length,
      insufficientData: counters.filter((counter) => counter.total > 0).length - champions.length,
      failed: failedJobs.length,
      scopes: counters.filter((counter) => counter.total > 0).length,
      champions: champions.length,
      championVersions:
        championVersions.length === 0
          ? null
          : {
              min: Math.min(...championVersions),
              max: Math.max(...championVersions),
              mean: round(championVersions.reduce((sum, version) => sum + version, 0) / championVersions.length, 2),
            },
      metrics,
    };
  }
  const decisions = await ports.outbox.list();
  const byReason: Record<string, number> = {};
  const byKind: Record<string, number> = {};
  for (const decision of decisions) {
    byReason[decision.reason] = (byReason[decision.reason] ?? 0) + 1;
    byKind[decision.kind] = (byKind[decision.kind] ?? 0) + 1;
  }
  const sortKeys = (record: Record<string, number>) => Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
  return {
    eventsIngested: ingest.ingested,
    duplicatesIgnored: ingest.duplicates,
    deadLettered: sortKeys(ingest.deadLettered),
    summary,
    decisions: { total: decisions.length, byReason: sortKeys(byReason), byKind: sortKeys(byKind) },
    sheetAnalyses: {
      total: analyses.total,
      trainedBeforeAnalysis: analyses.trainedBeforeAnalysis,
      meanAnomalyRate: analyses.total === 0 ? 0 : round(analyses.rateSum / analyses.total),
    },
  };
}
