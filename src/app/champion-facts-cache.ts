import type { ModelKind } from '../domain/model-kind.js';
import type { ChampionFacts } from '../domain/retrain-policy.js';
import type { Scope } from '../domain/scope.js';
import { modelKey } from '../domain/store-keys.js';
import type { ModelRegistry } from '../ports/model-registry.js';
import { LruMap } from './lru-map.js';

interface Entry {
  facts: ChampionFacts | null;
  /** The counters' lastTrainedAt when the facts were read: a training since then may have changed the champion. */
  lastTrainedAt: number | null;
  readAt: number;
}

/**
 * What the retrain policy needs of each champion, cached per (scope, kind) in a bounded
 * LRU. An entry is trusted only while the counters' lastTrainedAt is the one it was read
 * with (every promotion is preceded by a training mark) and for at most `maxAgeMs`
 * (rollbacks move the champion without a training).
 */
export class ChampionFactsCache {
  private readonly entries: LruMap<string, Entry>;

  constructor(
    private readonly registry: ModelRegistry,
    capacity: number,
    private readonly maxAgeMs: number,
    private readonly now: () => number,
  ) {
    this.entries = new LruMap(capacity);
  }

  /** The cached facts if still trustworthy for counters with this lastTrainedAt, else undefined. */
  peek(scope: Scope, kind: ModelKind, lastTrainedAt: number | null): ChampionFacts | null | undefined {
    // Never trained: no champion to read (the open decision keeps a second one from being made while the first is stored).
    if (lastTrainedAt === null) return null;
    const entry = this.entries.get(modelKey(scope, kind));
    if (entry === undefined || entry.lastTrainedAt !== lastTrainedAt || this.now() - entry.readAt > this.maxAgeMs) return undefined;
    return entry.facts;
  }

  /** Reads the champions of `keys` that are not cached (or whose counters say they are stale). */
  async load(keys: readonly { scope: Scope; kind: ModelKind; lastTrainedAt: number | null }[]): Promise<void> {
    const missing = keys.filter((key) => this.peek(key.scope, key.kind, key.lastTrainedAt) === undefined);
    await Promise.all(
      missing.map(async ({ scope, kind, lastTrainedAt }) => {
        const champion = await this.registry.champion(scope, kind);
        const facts: ChampionFacts | null =
          champion === null
            ? null
            : {
                version: champion.version,
                ...(champion.metrics.accuracy === undefined ? {} : { validationAccuracy: champion.metrics.accuracy }),
                supportsIncremental: champion.kind === 'categorizer' && champion.engine === 'relearn-forest',
              };
        this.entries.set(modelKey(scope, kind), { facts, lastTrainedAt, readAt: this.now() });
      }),
    );
  }

  invalidate(scope: Scope, kind: ModelKind): void {
    this.entries.delete(modelKey(scope, kind));
  }
}
