import type { TrainingMode, TrainingWindow } from '../domain/events.js';
import type { ModelKind } from '../domain/model-kind.js';
import type { Scope } from '../domain/scope.js';

export interface ModelVersion {
  modelId: string;
  scope: Scope;
  kind: ModelKind;
  version: number;
  engine: string;
  mode: TrainingMode;
  requestId: string;
  trainedAt: number;
  trainedOn: TrainingWindow;
  /** Held-out metrics of this version. */
  metrics: Record<string, number>;
  /** The champion's metrics on the same held-out data, when there was a champion. */
  championMetrics: Record<string, number> | null;
  previousVersion: number | null;
  /** Whether it became the champion when it was stored. */
  promoted: boolean;
  decision: string;
  hyperparameters: Record<string, number | string | boolean>;
  artifactBytes: number;
}

export type NewModelVersion = Omit<ModelVersion, 'modelId' | 'version' | 'artifactBytes'>;

export interface ChampionPointer {
  scope: Scope;
  kind: ModelKind;
  version: number;
  since: number;
}

/**
 * Versioned models per (scope, kind). Versions strictly increase; a store is fenced by
 * the job lease's token so a stale trainer cannot overwrite a newer result.
 */
export interface ModelRegistry {
  /**
   * Allocates the next version and stores the model. Throws RelearnError STALE_FENCE when
   * a holder of a larger token already stored a version for this (scope, kind).
   * When `newVersion.promoted`, the champion pointer moves to it in the same step.
   */
  store(newVersion: NewModelVersion, artifact: Uint8Array, fencingToken: number): Promise<ModelVersion>;
  get(scope: Scope, kind: ModelKind, version: number): Promise<ModelVersion | null>;
  artifact(scope: Scope, kind: ModelKind, version: number): Promise<Uint8Array | null>;
  champion(scope: Scope, kind: ModelKind): Promise<ModelVersion | null>;
  /** Newest first. */
  list(filter?: { scope?: Scope; kind?: ModelKind; limit?: number }): Promise<ModelVersion[]>;
  /**
   * Makes `toVersion` (default: the champion before the current one) the champion.
   * Throws NOT_FOUND when there is nothing to roll back to.
   */
  rollback(scope: Scope, kind: ModelKind, toVersion: number | undefined, now: number): Promise<{ from: number; to: number }>;
  /** All champions, for status pages. */
  champions(): Promise<ChampionPointer[]>;
}
