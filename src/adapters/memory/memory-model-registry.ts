import { RelearnError } from '../../domain/errors.js';
import { modelId } from '../../domain/model-id.js';
import type { ModelKind } from '../../domain/model-kind.js';
import type { Scope } from '../../domain/scope.js';
import type { ChampionPointer, ModelRegistry, ModelVersion, NewModelVersion } from '../../ports/model-registry.js';

interface Lineage {
  versions: ModelVersion[];
  artifacts: Map<number, Uint8Array>;
  highestFence: number;
  /** Champion versions over time; the last is the current champion. */
  champions: { version: number; since: number }[];
}


export class MemoryModelRegistry implements ModelRegistry {
  private readonly lineages = new Map<string, Lineage>();

  private lineage(scope: Scope, kind: ModelKind): Lineage {
    const key = `${scope}|${kind}`;
    let found = this.lineages.get(key);
    if (found === undefined) {
      found = { versions: [], artifacts: new Map(), highestFence: 0, champions: [] };
      this.lineages.set(key, found);
    }
    return found;
  }

  store(newVersion: NewModelVersion, artifact: Uint8Array, fencingToken: number): Promise<ModelVersion> {
    const lineage = this.lineage(newVersion.scope, newVersion.kind);
    if (fencingToken < lineage.highestFence) {
      return Promise.reject(
        new RelearnError('STALE_FENCE', `token ${fencingToken} is older than ${lineage.highestFence} for ${newVersion.scope}/${newVersion.kind}`),
      );
    }
    lineage.highestFence = fencingToken;
    const version = (lineage.versions[lineage.versions.length - 1]?.version ?? 0) + 1;
    const stored: ModelVersion = {
      ...structuredClone(newVersion),
      modelId: modelId(newVersion.scope, newVersion.kind, version),
      version,
      artifactBytes: artifact.byteLength,
    };
    lineage.versions.push(stored);
    lineage.artifacts.set(version, artifact.slice());
    if (stored.promoted) lineage.champions.push({ version, since: stored.trainedAt });
    return Promise.resolve(structuredClone(stored));
  }

  get(scope: Scope, kind: ModelKind, version: number): Promise<ModelVersion | null> {
    const found = this.lineages.get(`${scope}|${kind}`)?.versions.find((row) => row.version === version);
    return Promise.resolve(found === undefined ? null : structuredClone(found));
  }

  artifact(scope: Scope, kind: ModelKind, version: number): Promise<Uint8Array | null> {
    const found = this.lineages.get(`${scope}|${kind}`)?.artifacts.get(version);
    return Promise.resolve(found === undefined ? null : found.slice());
  }

  async champion(scope: Scope, kind: ModelKind): Promise<ModelVersion | null> {
    const lineage = this.lineages.get(`${scope}|${kind}`);
    const current = lineage?.champions[lineage.champions.length - 1];
    return current === undefined ? null : this.get(scope, kind, current.version);
  }

  list(filter: { scope?: Scope; kind?: ModelKind; limit?: number } = {}): Promise<ModelVersion[]> {
    const rows: ModelVersion[] = [];
    for (const lineage of this.lineages.values()) {
      for (const version of lineage.versions) {
        if ((filter.scope === undefined || version.scope === filter.scope) && (filter.kind === undefined || version.kind === filter.kind)) rows.push(version);
      }
    }
    rows.sort((a, b) => b.trainedAt - a.trainedAt || b.version - a.version);
    return Promise.resolve(rows.slice(0, filter.limit ?? rows.length).map((row) => structuredClone(row)));
  }

  rollback(scope: Scope, kind: ModelKind, toVersion: number | undefined, now: number): Promise<{ from: number; to: number }> {
    const lineage = this.lineages.get(`${scope}|${kind}`);
    const current = lineage?.champions[lineage.champions.length - 1];
    if (lineage === undefined || current === undefined) {
      return Promise.reject(new RelearnError('NOT_FOUND', `${scope} has no ${kind} champion to roll back`));
    }
    const target = toVersion ?? [...lineage.champions].reverse().find((entry) => entry.version !== current.version)?.version;
    if (target === undefined || !lineage.versions.some((row) => row.version === target)) {
      return Promise.reject(new RelearnError('NOT_FOUND', `${scope} has no ${kind} version ${target ?? '(previous champion)'} to roll back to`));
    }
    lineage.champions.push({ version: target, since: now });
    return Promise.resolve({ from: current.version, to: target });
  }

  champions(): Promise<ChampionPointer[]> {
    const rows: ChampionPointer[] = [];
    for (const lineage of this.lineages.values()) {
      const current = lineage.champions[lineage.champions.length - 1];
      const first = lineage.versions[0];
      if (current !== undefined && first !== undefined) rows.push({ scope: first.scope, kind: first.kind, version: current.version, since: current.since });
    }
    return Promise.resolve(rows);
  }
}
