import type { Announcement } from '../../domain/announcement.js';
import { RelearnError } from '../../domain/errors.js';
import { modelId } from '../../domain/model-id.js';
import type { ModelKind } from '../../domain/model-kind.js';
import {
  announcementClaimed,
  announcementDone,
  announcementReleased,
  committed,
  currentChampion,
  fenced,
  newLineage,
  rolledBack,
  storedVersionOf,
  type Lineage,
  type RollbackRequest,
  type RollbackResult,
} from '../../domain/model-lineage.js';
import type { Scope } from '../../domain/scope.js';
import type { AnnouncementOutbox } from '../../ports/announcement-outbox.js';
import type { ChampionPointer, ModelRegistry, ModelVersion, NewModelVersion } from '../../ports/model-registry.js';

interface Entry {
  lineage: Lineage;
  versions: Map<number, { version: ModelVersion; artifact: Uint8Array }>;
}

/** The model registry of the embedded mode: the same lineage rules as MongoDB's, one process, no crash between steps. */
export class MemoryModelRegistry implements ModelRegistry, AnnouncementOutbox {
  private readonly entries = new Map<string, Entry>();

  private entry(scope: Scope, kind: ModelKind): Entry {
    const key = `${scope}|${kind}`;
    let found = this.entries.get(key);
    if (found === undefined) {
      found = { lineage: newLineage(scope, kind), versions: new Map() };
      this.entries.set(key, found);
    }
    return found;
  }

  private existing(scope: Scope, kind: ModelKind): Entry | undefined {
    return this.entries.get(`${scope}|${kind}`);
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async so that a refusal is a rejection, as on MongoDB
  async fence(scope: Scope, kind: ModelKind, fencingToken: number): Promise<void> {
    const entry = this.entry(scope, kind);
    entry.lineage = fenced(entry.lineage, fencingToken) ?? entry.lineage;
  }

  async store(newVersion: NewModelVersion, artifact: Uint8Array, fencingToken: number): Promise<ModelVersion> {
    const entry = this.entry(newVersion.scope, newVersion.kind);
    const earlier = storedVersionOf(entry.lineage, newVersion.requestId);
    if (earlier !== undefined) {
      const stored = await this.get(newVersion.scope, newVersion.kind, earlier);
      if (stored !== null) return stored;
    }
    const version = entry.lineage.version + 1;
    const stored: ModelVersion = { ...structuredClone(newVersion), modelId: modelId(newVersion.scope, newVersion.kind, version), version, artifactBytes: artifact.byteLength };
    entry.lineage = committed(entry.lineage, { ...stored }, fencingToken);
    entry.versions.set(version, { version: stored, artifact: artifact.slice() });
    return structuredClone(stored);
  }

  async byRequest(scope: Scope, kind: ModelKind, requestId: string): Promise<ModelVersion | null> {
    const lineage = this.existing(scope, kind)?.lineage;
    const version = lineage === undefined ? undefined : storedVersionOf(lineage, requestId);
    return version === undefined ? null : this.get(scope, kind, version);
  }

  get(scope: Scope, kind: ModelKind, version: number): Promise<ModelVersion | null> {
    const found = this.existing(scope, kind)?.versions.get(version);
    return Promise.resolve(found === undefined ? null : structuredClone(found.version));
  }

  artifact(scope: Scope, kind: ModelKind, version: number): Promise<Uint8Array | null> {
    const found = this.existing(scope, kind)?.versions.get(version);
    return Promise.resolve(found === undefined ? null : found.artifact.slice());
  }

  async champion(scope: Scope, kind: ModelKind): Promise<ModelVersion | null> {
    const lineage = this.existing(scope, kind)?.lineage;
    const current = lineage === undefined ? undefined : currentChampion(lineage);
    return current === undefined ? null : this.get(scope, kind, current.version);
  }

  list(filter: { scope?: Scope; kind?: ModelKind; limit?: number } = {}): Promise<ModelVersion[]> {
    const rows: ModelVersion[] = [];
    for (const entry of this.entries.values()) {
      for (const { version } of entry.versions.values()) {
        if ((filter.scope === undefined || version.scope === filter.scope) && (filter.kind === undefined || version.kind === filter.kind)) rows.push(version);
      }
    }
    rows.sort((a, b) => b.trainedAt - a.trainedAt || b.version - a.version);
    return Promise.resolve(rows.slice(0, filter.limit ?? rows.length).map((row) => structuredClone(row)));
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async so that a refusal is a rejection, as on MongoDB
  async rollback(scope: Scope, kind: ModelKind, request: RollbackRequest, now: number): Promise<RollbackResult> {
    const entry = this.existing(scope, kind);
    if (entry === undefined) throw new RelearnError('NOT_FOUND', `${scope} has no ${kind} champion to roll back`);
    const target = request.toVersion === undefined ? undefined : entry.versions.get(request.toVersion);
    const { next, result } = rolledBack(entry.lineage, request, target === undefined ? null : { promoted: target.version.promoted }, now);
    if (next !== null) entry.lineage = next;
    return result;
  }

  champions(): Promise<ChampionPointer[]> {
    const rows: ChampionPointer[] = [];
    for (const { lineage } of this.entries.values()) {
      const current = currentChampion(lineage);
      if (current !== undefined) rows.push({ scope: lineage.scope, kind: lineage.kind, version: current.version, since: current.since });
    }
    return Promise.resolve(rows);
  }

  unannounced(limit: number): Promise<Announcement[]> {
    const rows = [...this.entries.values()].flatMap(({ lineage }) => lineage.unannounced);
    rows.sort((a, b) => a.recordedAt - b.recordedAt);
    return Promise.resolve(structuredClone(rows.slice(0, Math.max(0, limit))));
  }

  private changeLineage(announcement: Announcement, change: (lineage: Lineage) => Lineage | null): boolean {
    const entry = this.existing(announcement.scope, announcement.kind);
    const next = entry === undefined ? null : change(entry.lineage);
    if (entry === undefined || next === null) return false;
    entry.lineage = next;
    return true;
  }

  claimAnnouncement(announcement: Announcement, logMark: string, now: number, leaseMs: number): Promise<Announcement | null> {
    let claimed: Announcement | null = null;
    this.changeLineage(announcement, (lineage) => {
      const claim = announcementClaimed(lineage, announcement.announcementId, logMark, now, leaseMs);
      claimed = claim?.claimed ?? null;
      return claim?.next ?? null;
    });
    return Promise.resolve(structuredClone(claimed));
  }

  releaseAnnouncement(announcement: Announcement): Promise<void> {
    this.changeLineage(announcement, (lineage) => announcementReleased(lineage, announcement.announcementId));
    return Promise.resolve();
  }

  markAnnounced(announcement: Announcement): Promise<void> {
    this.changeLineage(announcement, (lineage) => announcementDone(lineage, announcement.announcementId));
    return Promise.resolve();
  }
}
