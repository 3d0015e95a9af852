import { Binary, GridFSBucket, type Collection, type Db, type Filter, type ObjectId } from 'mongodb';

import { RelearnError } from '../../domain/errors.js';
import type { ModelKind } from '../../domain/model-kind.js';
import type { Scope } from '../../domain/scope.js';
import type { ChampionPointer, ModelRegistry, ModelVersion, NewModelVersion } from '../../ports/model-registry.js';
import { modelId } from '../../domain/model-id.js';
import { isDuplicateKeyError } from './is-duplicate-key-error.js';
import { MONGO_COLLECTIONS } from './mongo-collections.js';

/**
 * The history of one (scope, kind): the last allocated version, the largest fencing token
 * that stored one, and the champion pointers over time (the last is the current one).
 * Allocating a version and checking the fence is one update of this single document.
 */
interface LineageDocument {
  _id: string;
  scope: Scope;
  kind: ModelKind;
  version: number;
  highestFence: number;
  champions: { version: number; since: number }[];
}

interface ModelDocument extends ModelVersion {
  _id: string;
  /** A small artifact, stored inline. */
  artifact?: Binary;
  /** A large artifact's GridFS file: a document may not exceed 16 MB. */
  artifactFileId?: ObjectId;
}

/** Artifacts above this go to GridFS, leaving room under the 16 MB document limit for the metadata. */
export const INLINE_ARTIFACT_LIMIT_BYTES = 8 * 1024 * 1024;

const WITHOUT_ARTIFACT = { projection: { artifact: 0, artifactFileId: 0, _id: 0 } } as const;

/** Attempts at a champion move before giving up on a lineage that keeps changing under it. */
const ROLLBACK_ATTEMPTS = 10;

function lineageId(scope: Scope, kind: ModelKind): string {
  return `${scope}|${kind}`;
}

/**
 * The model registry on MongoDB. Versions are allocated by `$inc` on the lineage in the
 * same update that checks and raises the fence (`highestFence <= token`), so a stale
 * trainer's store matches nothing and fails with STALE_FENCE; the version document is
 * written before the champion pointer moves to it, so a pointer never names a missing model.
 */
export class MongoModelRegistry implements ModelRegistry {
  private readonly lineages: Collection<LineageDocument>;
  private readonly models: Collection<ModelDocument>;
  private readonly artifactFiles: GridFSBucket;

  constructor(db: Db) {
    this.lineages = db.collection(MONGO_COLLECTIONS.lineages);
    this.models = db.collection(MONGO_COLLECTIONS.models);
    this.artifactFiles = new GridFSBucket(db, { bucketName: MONGO_COLLECTIONS.artifactFiles });
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

  async store(newVersion: NewModelVersion, artifact: Uint8Array, fencingToken: number): Promise<ModelVersion> {
    const { scope, kind } = newVersion;
    const _id = lineageId(scope, kind);
    try {
      await this.lineages.updateOne({ _id }, { $setOnInsert: { scope, kind, version: 0, highestFence: 0, champions: [] } }, { upsert: true });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    const lineage = await this.lineages.findOneAndUpdate(
      { _id, highestFence: { $lte: fencingToken } },
      { $set: { highestFence: fencingToken }, $inc: { version: 1 } },
      { returnDocument: 'after' },
    );
    if (lineage === null) {
      const current = await this.lineages.findOne({ _id });
      throw new RelearnError('STALE_FENCE', `token ${fencingToken} is older than ${current?.highestFence ?? '?'} for ${scope}/${kind}`);
    }
    const stored: ModelVersion = {
      ...structuredClone(newVersion),
      modelId: modelId(scope, kind, lineage.version),
      version: lineage.version,
      artifactBytes: artifact.byteLength,
    };
    await this.models.insertOne({ _id: stored.modelId, ...stored, ...(await this.artifactFields(stored.modelId, artifact)) });
    if (stored.promoted) await this.lineages.updateOne({ _id }, { $push: { champions: { version: stored.version, since: stored.trainedAt } } });
    return stored;
  }

  get(scope: Scope, kind: ModelKind, version: number): Promise<ModelVersion | null> {
    return this.models.findOne<ModelVersion>({ _id: modelId(scope, kind, version) }, WITHOUT_ARTIFACT);
  }

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
    const lineage = await this.lineages.findOne({ _id: lineageId(scope, kind) });
    const current = lineage?.champions[lineage.champions.length - 1];
    return current === undefined ? null : this.get(scope, kind, current.version);
  }

  list(filter: { scope?: Scope; kind?: ModelKind; limit?: number } = {}): Promise<ModelVersion[]> {
    const query: Filter<ModelDocument> = {};
    if (filter.scope !== undefined) query.scope = filter.scope;
    if (filter.kind !== undefined) query.kind = filter.kind;
    if (filter.limit === 0) return Promise.resolve([]);
    let cursor = this.models.find<ModelVersion>(query, WITHOUT_ARTIFACT).sort({ trainedAt: -1, version: -1 });
    if (filter.limit !== undefined) cursor = cursor.limit(filter.limit);
    return cursor.toArray();
  }

  async rollback(scope: Scope, kind: ModelKind, toVersion: number | undefined, now: number): Promise<{ from: number; to: number }> {
    const _id = lineageId(scope, kind);
    for (let attempt = 0; attempt < ROLLBACK_ATTEMPTS; attempt += 1) {
      const lineage = await this.lineages.findOne({ _id });
      const current = lineage?.champions[lineage.champions.length - 1];
      if (lineage === null || current === undefined) throw new RelearnError('NOT_FOUND', `${scope} has no ${kind} champion to roll back`);
      const target = toVersion ?? [...lineage.champions].reverse().find((entry) => entry.version !== current.version)?.version;
      if (target === undefined || (await this.models.countDocuments({ _id: modelId(scope, kind, target) }, { limit: 1 })) === 0) {
        throw new RelearnError('NOT_FOUND', `${scope} has no ${kind} version ${target ?? '(previous champion)'} to roll back to`);
      }
      // Only if no pointer moved since the read: otherwise "the previous champion" may mean another version now.
      const moved = await this.lineages.updateOne(
        { _id, [`champions.${lineage.champions.length}`]: { $exists: false } },
        { $push: { champions: { version: target, since: now } } },
      );
      if (moved.matchedCount > 0) return { from: current.version, to: target };
    }
    throw new RelearnError('UNAVAILABLE', `the ${kind} champion of ${scope} kept changing during a rollback`, { retriable: true });
  }

  async champions(): Promise<ChampionPointer[]> {
    const lineages = await this.lineages.find({ 'champions.0': { $exists: true } }).toArray();
    return lineages.flatMap((lineage) => {
      const current = lineage.champions[lineage.champions.length - 1];
      return current === undefined ? [] : [{ scope: lineage.scope, kind: lineage.kind, version: current.version, since: current.since }];
    });
  }
}
