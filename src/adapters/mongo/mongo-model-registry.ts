import { Binary, GridFSBucket, type Collection, type Db, type Filter, type ObjectId } from 'mongodb';

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
import { compareAndSetMany, firstRevision, type Revisioned } from './compare-and-set.js';
import { MONGO_COLLECTIONS } from './mongo-collections.js';

/** The lineage record of domain/model-lineage.ts, one compare-and-set document per (scope, kind). */
type LineageDocument = Lineage & Revisioned;

interface ModelDocument extends ModelVersion, Revisioned {
  /** The lease token that wrote it: a version number reused after a store died is overwritten only by a larger token. */
  fence: number;
  /** A small artifact, stored inline. */
  artifact?: Binary;
  /** A large artifact's GridFS file: a document may not exceed 16 MB. */
  artifactFileId?: ObjectId;
}

/**
 * "This lineage may have something to announce": written before a commit that records
 * an announcement, so the relay's sweep finds it by reading this small collection instead
 * of every lineage. Deleted by the sweep once the lineage has nothing left to announce
 * and the intent is older than INTENT_GRACE_MS.
 */
type IntentDocument = Revisioned & { touchedAt: number };

/** Artifacts above this go to GridFS, leaving room under the 16 MB document limit for the metadata. */
export const INLINE_ARTIFACT_LIMIT_BYTES = 8 * 1024 * 1024;

/**
 * How long an intent outlives the lineage's last announcement. Its writer commits right
 * after writing it; only a writer frozen longer than this between the two writes (and not
 * fenced out meanwhile) could commit an announcement the sweep no longer looks for, and
 * even then its own process publishes it unless it also dies.
 */
const INTENT_GRACE_MS = 10 * 60_000;

const WITHOUT_ARTIFACT = { projection: { artifact: 0, artifactFileId: 0, _id: 0, rev: 0, revs: 0, cas: 0, fence: 0 } } as const;

/** Attempts at a lineage change before giving up on a lineage that keeps changing under it. */
const CHANGE_ROUNDS = 20;

function lineageId(scope: Scope, kind: ModelKind): string {
  return JSON.stringify([scope, kind]);
}

function lineageOf({ _id: _ignored, rev: _rev, revs: _revs, cas: _cas, ...lineage }: LineageDocument): Lineage {
  return lineage;
}

/**
 * The model registry on MongoDB. The lineage document is the commit point: a store
 * first raises the lineage's fence (and learns the next version number), then writes the
 * version's document, then commits it in the lineage with its champion move and its
 * announcement in one compare-and-set write. A version above the lineage's committed one
 * is a store that died before its commit: invisible to readers and overwritten by the
 * next store, whose token is larger. Pointer, `promoted` flags and announcements agree
 * after a crash at any step.
 */
export class MongoModelRegistry implements ModelRegistry, AnnouncementOutbox {
  private readonly lineages: Collection<LineageDocument>;
  private readonly models: Collection<ModelDocument>;
  private readonly intents: Collection<IntentDocument>;
  private readonly artifactFiles: GridFSBucket;

  constructor(
    db: Db,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.lineages = db.collection(MONGO_COLLECTIONS.lineages);
    this.models = db.collection(MONGO_COLLECTIONS.models);
    this.intents = db.collection(MONGO_COLLECTIONS.announcementIntents);
    this.artifactFiles = new GridFSBucket(db, { bucketName: MONGO_COLLECTIONS.artifactFiles });
  }

  /**
   * Reads the lineage (a new one when absent), lets `change` plan the next one, writes
   * it if nothing changed meanwhile, else reads again. `next: null` writes nothing.
   */
  private async changeLineage<R>(scope: Scope, kind: ModelKind, change: (lineage: Lineage) => Promise<{ next: Lineage | null; result: R }> | { next: Lineage | null; result: R }): Promise<R> {
    const _id = lineageId(scope, kind);
    for (let round = 0; round < CHANGE_ROUNDS; round += 1) {
      const current = await this.lineages.findOne({ _id });
      const { next, result } = await change(current === null ? newLineage(scope, kind) : lineageOf(current));
      if (next === null) return result;
      const landed = await compareAndSetMany(this.lineages, [{ expectedRev: current?.rev ?? null, history: current?.revs ?? [], next: { ...next, _id } }]);
      if (landed.has(_id)) return result;
    }
    throw new RelearnError('UNAVAILABLE', `the ${kind} lineage of ${scope} kept changing`, { retriable: true });
  }

  private async lineage(scope: Scope, kind: ModelKind): Promise<Lineage | null> {
    const found = await this.lineages.findOne({ _id: lineageId(scope, kind) });
    return found === null ? null : lineageOf(found);
  }

  /** Inline when small, else a GridFS file written before the model document refers to it. */
  private async artifactFields(name: string, artifact: Uint8Array): Promise<Pick<ModelDocument, 'artifact' | 'artifactFileId'>> {
    if (artifact.byteLength <= INLINE_ARTIFACT_LIMIT_BYTES) return { artifact: new Binary(Buffer.from(artifact)) };
    const upload = this.artifactFiles.openUploadStream(name);
    await new Promise<void>((resolve, reject) => {
      upload.once('error', reject);
      upload.end(Buffer.from(artifact), () => {
        resolve();
      });
    });
    return { artifactFileId: upload.id };
  }

  async fence(scope: Scope, kind: ModelKind, fencingToken: number): Promise<void> {
    await this.changeLineage(scope, kind, (lineage) => ({ next: fenced(lineage, fencingToken), result: undefined }));
  }

  async store(newVersion: NewModelVersion, artifact: Uint8Array, fencingToken: number): Promise<ModelVersion> {
    const { scope, kind, requestId } = newVersion;
    const plan = await this.changeLineage<{ earlier: number | undefined; version: number }>(scope, kind, (lineage) => {
      const earlier = storedVersionOf(lineage, requestId);
      if (earlier !== undefined) return { next: null, result: { earlier, version: earlier } };
      // Raising the fence first: from here no smaller token can commit, so the next version number is ours to write.
      return { next: fenced(lineage, fencingToken), result: { earlier: undefined, version: lineage.version + 1 } };
    });
    if (plan.earlier !== undefined) return this.committedVersion(scope, kind, plan.earlier);
    const stored: ModelVersion = { ...structuredClone(newVersion), modelId: modelId(scope, kind, plan.version), version: plan.version, artifactBytes: artifact.byteLength };
    await this.writeVersionDocument(stored, artifact, fencingToken);
    await this.touchIntent(scope, kind);
    return this.changeLineage(scope, kind, (lineage) => {
      const earlier = storedVersionOf(lineage, requestId);
      // Our own commit, landed although its acknowledgement was lost: done.
      if (earlier === stored.version) return { next: null, result: stored };
      return { next: committed(lineage, stored, fencingToken), result: stored };
    });
  }

  private async committedVersion(scope: Scope, kind: ModelKind, version: number): Promise<ModelVersion> {
    const found = await this.get(scope, kind, version);
    if (found === null) throw new RelearnError('UNAVAILABLE', `${modelId(scope, kind, version)} is committed but its document is missing`, { retriable: true });
    return found;
  }

  /** The version's document, unless a larger token wrote this version number (then STALE_FENCE). */
  private async writeVersionDocument(stored: ModelVersion, artifact: Uint8Array, fencingToken: number): Promise<void> {
    const _id = stored.modelId;
    const fields = await this.artifactFields(_id, artifact);
    for (let round = 0; round < CHANGE_ROUNDS; round += 1) {
      const existing = await this.models.findOne({ _id }, { projection: { fence: 1, rev: 1, revs: 1 } });
      if (existing !== null && existing.fence > fencingToken) {
        throw new RelearnError('STALE_FENCE', `token ${fencingToken} is older than ${existing.fence} for ${_id}`);
      }
      const landed = await compareAndSetMany(this.models, [{ expectedRev: existing?.rev ?? null, history: existing?.revs ?? [], next: { _id, ...stored, fence: fencingToken, ...fields } }]);
      if (landed.has(_id)) return;
    }
    throw new RelearnError('UNAVAILABLE', `${_id} kept changing while it was written`, { retriable: true });
  }

  private async touchIntent(scope: Scope, kind: ModelKind): Promise<void> {
    const _id = lineageId(scope, kind);
    await this.intents.replaceOne({ _id }, { _id, touchedAt: this.now(), ...firstRevision(_id) }, { upsert: true });
  }

  async byRequest(scope: Scope, kind: ModelKind, requestId: string): Promise<ModelVersion | null> {
    const lineage = await this.lineage(scope, kind);
    const version = lineage === null ? undefined : storedVersionOf(lineage, requestId);
    return version === undefined ? null : this.get(scope, kind, version);
  }

  async get(scope: Scope, kind: ModelKind, version: number): Promise<ModelVersion | null> {
    const [found, lineage] = await Promise.all([this.models.findOne<ModelVersion>({ _id: modelId(scope, kind, version) }, WITHOUT_ARTIFACT), this.lineage(scope, kind)]);
    return found !== null && lineage !== null && version <= lineage.version ? found : null;
  }

  /** Read by version for champions and named versions, which are committed: no lineage read on this path. */
  async artifact(scope: Scope, kind: ModelKind, version: number): Promise<Uint8Array | null> {
    const found = await this.models.findOne({ _id: modelId(scope, kind, version) }, { projection: { artifact: 1, artifactFileId: 1 } });
    if (found === null) return null;
    if (found.artifact !== undefined) return new Uint8Array(found.artifact.buffer);
    if (found.artifactFileId === undefined) return null;
    const chunks: Buffer[] = [];
    for await (const chunk of this.artifactFiles.openDownloadStream(found.artifactFileId)) chunks.push(chunk as Buffer);
    return new Uint8Array(Buffer.concat(chunks));
  }

  async champion(scope: Scope, kind: ModelKind): Promise<ModelVersion | null> {
    const lineage = await this.lineage(scope, kind);
    const current = lineage === null ? undefined : currentChampion(lineage);
    return current === undefined ? null : this.models.findOne<ModelVersion>({ _id: modelId(scope, kind, current.version) }, WITHOUT_ARTIFACT);
  }

  async list(filter: { scope?: Scope; kind?: ModelKind; limit?: number } = {}): Promise<ModelVersion[]> {
    const query: Filter<ModelDocument> = {};
    if (filter.scope !== undefined) query.scope = filter.scope;
    if (filter.kind !== undefined) query.kind = filter.kind;
    if (filter.limit === 0) return [];
    let cursor = this.models.find<ModelVersion>(query, WITHOUT_ARTIFACT).sort({ trainedAt: -1, version: -1 });
    if (filter.limit !== undefined) cursor = cursor.limit(filter.limit);
    const rows = await cursor.toArray();
    // Versions above their lineage's commit are stores that died before committing.
    const ids = [...new Set(rows.map((row) => lineageId(row.scope, row.kind)))];
    const committedUpTo = new Map((await this.lineages.find({ _id: { $in: ids } }, { projection: { version: 1 } }).toArray()).map((lineage) => [lineage._id, lineage.version]));
    return rows.filter((row) => row.version <= (committedUpTo.get(lineageId(row.scope, row.kind)) ?? 0));
  }

  async rollback(scope: Scope, kind: ModelKind, request: RollbackRequest, now: number): Promise<RollbackResult> {
    const target = request.toVersion === undefined ? null : await this.models.findOne({ _id: modelId(scope, kind, request.toVersion) }, { projection: { promoted: 1 } });
    const result = await this.changeLineage(scope, kind, (lineage) => {
      if (lineage.champions.length === 0) throw new RelearnError('NOT_FOUND', `${scope} has no ${kind} champion to roll back`);
      return rolledBack(lineage, request, target === null ? null : { promoted: target.promoted }, now);
    });
    if (result.changed) await this.touchIntent(scope, kind);
    return result;
  }

  async champions(): Promise<ChampionPointer[]> {
    const lineages = await this.lineages.find({ 'champions.0': { $exists: true } }).toArray();
    return lineages.flatMap((lineage) => {
      const current = currentChampion(lineage);
      return current === undefined ? [] : [{ scope: lineage.scope, kind: lineage.kind, version: current.version, since: current.since }];
    });
  }

  async unannounced(limit: number): Promise<Announcement[]> {
    if (limit <= 0) return [];
    const intents = await this.intents.find({}).limit(limit).toArray();
    if (intents.length === 0) return [];
    const lineages = new Map((await this.lineages.find({ _id: { $in: intents.map((intent) => intent._id) } }).toArray()).map((lineage) => [lineage._id, lineage]));
    const rows: Announcement[] = [];
    const stale: IntentDocument[] = [];
    for (const intent of intents) {
      const pending = lineages.get(intent._id)?.unannounced ?? [];
      rows.push(...pending);
      if (pending.length === 0 && intent.touchedAt < this.now() - INTENT_GRACE_MS) stale.push(intent);
    }
    // By its revision: an intent touched again since this read stays.
    await Promise.all(stale.map((intent) => this.intents.deleteOne({ cas: intent.cas })));
    return rows.sort((a, b) => a.recordedAt - b.recordedAt).slice(0, limit);
  }

  async claimAnnouncement(announcement: Announcement, logMark: string, now: number, leaseMs: number): Promise<Announcement | null> {
    return this.changeLineage<Announcement | null>(announcement.scope, announcement.kind, (lineage) => {
      const claim = announcementClaimed(lineage, announcement.announcementId, logMark, now, leaseMs);
      return claim === null ? { next: null, result: null } : { next: claim.next, result: claim.claimed };
    });
  }

  async releaseAnnouncement(announcement: Announcement): Promise<void> {
    await this.changeLineage(announcement.scope, announcement.kind, (lineage) => ({ next: announcementReleased(lineage, announcement.announcementId), result: undefined }));
  }

  async markAnnounced(announcement: Announcement): Promise<void> {
    await this.changeLineage(announcement.scope, announcement.kind, (lineage) => ({ next: announcementDone(lineage, announcement.announcementId), result: undefined }));
  }
}
