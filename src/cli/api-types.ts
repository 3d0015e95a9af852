import type { Decision } from '../domain/decision.js';
import type { ModelKind } from '../domain/model-kind.js';
import type { TrainingJob } from '../ports/job-queue.js';
import type { ModelVersion } from '../ports/model-registry.js';

/**
 * The parts of the API's answers the CLI reads (the API's own schemas, in
 * src/api/schemas/, are the full contract). --json prints answers as they came.
 */
export type JobView = TrainingJob & { durationMs?: number | null };

export type ModelVersionView = ModelVersion;

export interface HistoryEntryView {
  scope: string;
  kind: ModelKind;
  version: number | null;
  status: 'trained' | 'rejected' | 'failed';
  at: number;
  metrics: Record<string, number>;
  reason: string | null;
  detail?: string;
}

export interface TrainingRequestView {
  scope: string;
  kind: ModelKind;
  decisionId: string | null;
  outcome: 'requested' | 'insufficient-data' | 'skipped';
  reason: string;
}

export interface ReadinessView {
  ready: boolean;
  checks: Record<string, { ok: boolean; error?: string }>;
}

export type DecisionView = Decision;
