import type { Announcement } from './announcement.js';
import { RelearnError } from './errors.js';
import { modelId } from './model-id.js';
import type { ModelKind } from './model-kind.js';
import type { Scope } from './scope.js';

/**
 * The history of one (scope, kind)'s models as one record: which versions are committed,
 * which lease may still write, who is champion, which requests were stored and what is
 * still to be announced. Every change of it is one write (a compare-and-set document on
 * MongoDB), which is what makes "version, champion move and announcement together" and
 * "a stale holder can never move the pointer" hold without transactions. Both registry
 * adapters change it through these functions only.
 */
export interface Lineage {
  scope: Scope;
  kind: ModelKind;
  /** The newest committed version. A version above it belongs to a store that died before committing: invisible, and reused. */
  version: number;
  /** The largest lease token that fenced this (scope, kind): smaller ones may not write. */
  highestFence: number;
  /** Champions over time, the current one last (the last LINEAGE_HISTORY). */
  champions: ChampionEntry[];
  /** The training requests stored, newest last (the last LINEAGE_HISTORY): a store is idempotent per request. */
  requests: { requestId: string; version: number }[];
  /** Committed changes not yet on the model-updates topic, oldest first. */
  unannounced: Announcement[];
  /** Announcements ever recorded: numbers rollback announcements. */
  announcementCount: number;
}

export interface ChampionEntry {
  version: number;
  since: number;
  /** Set when a rollback made it champion: the version it replaced. */
  rolledBackFrom?: number;
}

export interface VersionCommit {
  version: number;
  requestId: string;
  promoted: boolean;
  decision: string;
  previousVersion: number | null;
  trainedAt: number;
}

export interface RollbackRequest {
  /** The version to serve; default: undo the newest promotion by training. */
  toVersion?: number;
  /** Allows a version the promotion gate rejected. */
  force?: boolean;
}

export interface RollbackResult {
  from: number;
  to: number;
  /** False when the champion already was the target (a retried rollback): nothing moved, nothing is announced. */
  changed: boolean;
}

/** Entries kept of the champion and request histories: bounds the record's size, whatever the number of trainings. */
export const LINEAGE_HISTORY = 32;

export function newLineage(scope: Scope, kind: ModelKind): Lineage {
  return { scope, kind, version: 0, highestFence: 0, champions: [], requests: [], unannounced: [], announcementCount: 0 };
}

function staleFence(lineage: Lineage, token: number): RelearnError {
  return new RelearnError('STALE_FENCE', `token ${token} is older than ${lineage.highestFence} for ${lineage.scope}/${lineage.kind}`);
}

/** Raised to `token`; null when it already is; throws STALE_FENCE when a larger token fenced it. */
export function fenced(lineage: Lineage, token: number): Lineage | null {
  if (token < lineage.highestFence) throw staleFence(lineage, token);
  return token === lineage.highestFence ? null : { ...lineage, highestFence: token };
}

export function storedVersionOf(lineage: Lineage, requestId: string): number | undefined {
  return lineage.requests.find((entry) => entry.requestId === requestId)?.version;
}

export function currentChampion(lineage: Lineage): ChampionEntry | undefined {
  return lineage.champions[lineage.champions.length - 1];
}

/**
 * The lineage with `commit` as its newest version: champion moved when promoted, request
 * remembered, announcement recorded. Throws STALE_FENCE for a fenced-out token; a version
 * that is not the next one means the caller's read is outdated (it reads again).
 */
export function committed(lineage: Lineage, commit: VersionCommit, token: number): Lineage {
  if (token < lineage.highestFence) throw staleFence(lineage, token);
  if (commit.version !== lineage.version + 1) throw new Error(`version ${commit.version} is not next after ${lineage.version}`);
  const announcement: Announcement = {
    announcementId: modelId(lineage.scope, lineage.kind, commit.version),
    scope: lineage.scope,
    kind: lineage.kind,
    version: commit.version,
    requestId: commit.requestId,
    promoted: commit.promoted,
    decision: commit.decision,
    previousVersion: commit.previousVersion,
    recordedAt: commit.trainedAt,
    claim: null,
  };
  return {
    ...lineage,
    version: commit.version,
    highestFence: token,
    champions: commit.promoted ? [...lineage.champions, { version: commit.version, since: commit.trainedAt }].slice(-LINEAGE_HISTORY) : lineage.champions,
    requests: [...lineage.requests, { requestId: commit.requestId, version: commit.version }].slice(-LINEAGE_HISTORY),
    unannounced: [...lineage.unannounced, announcement],
    announcementCount: lineage.announcementCount + 1,
  };
}

/** What the rollback needs to know of a committed version; null when it is not committed. */
export type VersionVerdict = { promoted: boolean } | null;

/**
 * A rollback planned on the lineage: `next` is null when nothing changes (a retry, or
 * the champion already is the target). Throws NOT_FOUND and INVALID_ARGUMENT as the
 * port says; `verdictOf` answers for `request.toVersion` only.
 */
export function rolledBack(lineage: Lineage, request: RollbackRequest, verdictOf: VersionVerdict, now: number): { next: Lineage | null; result: RollbackResult } {
  const { scope, kind } = lineage;
  const current = currentChampion(lineage);
  if (current === undefined) throw new RelearnError('NOT_FOUND', `${scope} has no ${kind} champion to roll back`);
  let target: number;
  if (request.toVersion === undefined) {
    const newestTrainedAt = lineage.champions.findLastIndex((entry) => entry.rolledBackFrom === undefined);
    const newestTrained = lineage.champions[newestTrainedAt];
    if (newestTrained === undefined) throw new RelearnError('NOT_FOUND', `${scope} has no ${kind} promotion by training to roll back`);
    // A rollback after it already undid it (or moved the champion on purpose): a retry changes nothing.
    if (newestTrainedAt !== lineage.champions.length - 1) return { next: null, result: { from: newestTrained.version, to: current.version, changed: false } };
    const before = lineage.champions[newestTrainedAt - 1];
    if (before === undefined) throw new RelearnError('NOT_FOUND', `${scope} has no ${kind} champion before v${current.version} to roll back to`);
    target = before.version;
  } else {
    target = request.toVersion;
    if (verdictOf === null || target > lineage.version) throw new RelearnError('NOT_FOUND', `${scope} has no ${kind} version ${target} to roll back to`);
    if (!verdictOf.promoted && request.force !== true) {
      throw new RelearnError('INVALID_ARGUMENT', `toVersion: v${target} of ${scope}/${kind} was rejected by the promotion gate; pass force to serve it anyway`);
    }
  }
  if (target === current.version) return { next: null, result: { from: current.rolledBackFrom ?? target, to: target, changed: false } };
  const from = current.version;
  const announcement: Announcement = {
    announcementId: `${modelId(scope, kind, target)}#rollback-${lineage.announcementCount + 1}`,
    scope,
    kind,
    version: target,
    requestId: `rollback:${scope}/${kind}/${from}->${target}@${now}`,
    promoted: true,
    decision: `rolled back from v${from}`,
    previousVersion: from,
    recordedAt: now,
    claim: null,
  };
  return {
    next: {
      ...lineage,
      champions: [...lineage.champions, { version: target, since: now, rolledBackFrom: from }].slice(-LINEAGE_HISTORY),
      unannounced: [...lineage.unannounced, announcement],
      announcementCount: lineage.announcementCount + 1,
    },
    result: { from, to: target, changed: true },
  };
}

/**
 * Claimed for sending until `now + leaseMs`; null when another relay holds it or it is
 * gone. The first claim's `logMark` is kept: every earlier send landed after it.
 */
export function announcementClaimed(lineage: Lineage, announcementId: string, logMark: string, now: number, leaseMs: number): { next: Lineage; claimed: Announcement } | null {
  const found = lineage.unannounced.find((entry) => entry.announcementId === announcementId);
  if (found === undefined || (found.claim !== null && found.claim.until > now)) return null;
  const claimed: Announcement = { ...found, claim: { until: now + leaseMs, logMark: found.claim?.logMark ?? logMark, attempts: (found.claim?.attempts ?? 0) + 1 } };
  return { next: { ...lineage, unannounced: lineage.unannounced.map((entry) => (entry === found ? claimed : entry)) }, claimed };
}

/** The claim lapsed at once, its log mark kept; null when there is none. */
export function announcementReleased(lineage: Lineage, announcementId: string): Lineage | null {
  const found = lineage.unannounced.find((entry) => entry.announcementId === announcementId);
  if (found?.claim == null) return null;
  const claim = { ...found.claim, until: 0 };
  return { ...lineage, unannounced: lineage.unannounced.map((entry) => (entry === found ? { ...entry, claim } : entry)) };
}

/** Without the announcement; null when it was removed already. */
export function announcementDone(lineage: Lineage, announcementId: string): Lineage | null {
  const remaining = lineage.unannounced.filter((entry) => entry.announcementId !== announcementId);
  return remaining.length === lineage.unannounced.length ? null : { ...lineage, unannounced: remaining };
}
