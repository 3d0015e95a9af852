import type { TrainingMode, TrainingWindow } from '../domain/events.js';
import type { ModelKind } from '../domain/model-kind.js';
import type { RollbackRequest, RollbackResult } from '../domain/model-lineage.js';
import type { Scope } from '../domain/scope.js';

export type { RollbackRequest, RollbackResult };

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
 * Versioned models per (scope, kind). Versions strictly increase; every write is fenced
 * by the job lease's token, so a stale trainer can neither store a version nor move the
 * champion once a newer lease exists for the (scope, kind). Each committed change (a new
 * version, a champion move) records its announcement in the same step (AnnouncementOutbox).
 */
export interface ModelRegistry {
  /**
   * Raises the (scope, kind)'s fence to `fencingToken` (a new lease holder calls it
   * first): from then on stores with smaller tokens fail with STALE_FENCE.
   */
  fence(scope: Scope, kind: ModelKind, fencingToken: number): Promise<void>;
  /**
   * Allocates the next version and stores the model, its champion move (when
   * `newVersion.promoted`) and its announcement in one commit. Idempotent per
   * `newVersion.requestId`: a request already stored returns its version, nothing new.
   * Throws RelearnError STALE_FENCE when a larger token fenced this (scope, kind).
   */
  store(newVersion: NewModelVersion, artifact: Uint8Array, fencingToken: number): Promise<ModelVersion>;
  /** The version a training request stored, if it was stored (among the recent ones). */
  byRequest(scope: Scope, kind: ModelKind, requestId: string): Promise<ModelVersion | null>;
  get(scope: Scope, kind: ModelKind, version: number): Promise<ModelVersion | null>;
  artifact(scope: Scope, kind: ModelKind, version: number): Promise<Uint8Array | null>;
  champion(scope: Scope, kind: ModelKind): Promise<ModelVersion | null>;
  /** Newest first. */
  list(filter?: { scope?: Scope; kind?: ModelKind; limit?: number }): Promise<ModelVersion[]>;
  /**
   * Moves the champion back and records its announcement in the same step. Without
   * `toVersion` it undoes the newest promotion by training: it serves the champion that
   * served before it. Idempotent: when the champion already is the target (a retry),
   * nothing changes (`changed: false`). Throws NOT_FOUND when there is nothing to roll
   * back to, INVALID_ARGUMENT for a version the gate rejected unless `force`.
   */
  rollback(scope: Scope, kind: ModelKind, request: RollbackRequest, now: number): Promise<RollbackResult>;
  /** All champions, for status pages. */
  champions(): Promise<ChampionPointer[]>;
}
