import type { ModelKind } from '../domain/model-kind.js';
import type { Scope } from '../domain/scope.js';
import type { ModelRegistry, ModelVersion } from '../ports/model-registry.js';
import { LruMap } from './lru-map.js';

interface Entry<T> {
  version: ModelVersion | null;
  loaded: T | null;
  checkedAt: number;
}

/**
 * Loaded champions for the hot path (prequential predictions, sheet scoring). A model
 * is deserialised once per version, at most `capacity` are kept (least recently used go); the registry is asked again after `ttlMs` or when a
 * model-updated notice invalidates the entry.
 */
export class ChampionCache {
  private readonly entries: LruMap<string, Entry<unknown>>;

  constructor(
    private readonly registry: ModelRegistry,
    private readonly ttlMs = 5_000,
    private readonly now: () => number = () => Date.now(),
    /** Loaded models kept at most: the least recently used one is dropped past it. */
    capacity = 10_000,
  ) {
    this.entries = new LruMap(capacity);
  }

  async get<T>(scope: Scope, kind: ModelKind, load: (artifact: Uint8Array) => T): Promise<{ version: ModelVersion; model: T } | null> {
    const key = `${scope}|${kind}`;
    const cached = this.entries.get(key) as Entry<T> | undefined;
    if (cached !== undefined && this.now() - cached.checkedAt < this.ttlMs) {
      return cached.version === null || cached.loaded === null ? null : { version: cached.version, model: cached.loaded };
    }
    const version = await this.registry.champion(scope, kind);
    if (version === null) {
      this.entries.set(key, { version: null, loaded: null, checkedAt: this.now() });
      return null;
    }
    if (cached?.version?.version === version.version && cached.loaded !== null) {
      this.entries.set(key, { ...cached, checkedAt: this.now() });
      return { version, model: cached.loaded };
    }
    const artifact = await this.registry.artifact(scope, kind, version.version);
    if (artifact === null) return null;
    const loaded = load(artifact);
    this.entries.set(key, { version, loaded, checkedAt: this.now() });
    return { version, model: loaded };
  }

  invalidate(scope: Scope, kind: ModelKind): void {
    this.entries.delete(`${scope}|${kind}`);
  }
}
