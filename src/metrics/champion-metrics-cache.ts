import type { ModelKind } from '../domain/model-kind.js';
import type { ModelRegistry } from '../ports/model-registry.js';

export interface ChampionMetricMean {
  kind: ModelKind;
  metric: string;
  mean: number;
}

/**
 * Champion metrics per kind for the scrape. A stored version never changes, so each
 * champion version is read from the registry once; versions that are no longer
 * champion are dropped, so the cache stays the size of the champion set.
 */
export class ChampionMetricsCache {
  private readonly metricsByVersion = new Map<string, { kind: ModelKind; metrics: Record<string, number> }>();

  constructor(private readonly registry: ModelRegistry) {}

  async meanMetrics(): Promise<ChampionMetricMean[]> {
    const pointers = await this.registry.champions();
    const current = new Set<string>();
    for (const pointer of pointers) {
      const key = `${pointer.scope}|${pointer.kind}|${pointer.version}`;
      current.add(key);
      if (this.metricsByVersion.has(key)) continue;
      const version = await this.registry.get(pointer.scope, pointer.kind, pointer.version);
      if (version !== null) this.metricsByVersion.set(key, { kind: version.kind, metrics: version.metrics });
    }
    for (const key of this.metricsByVersion.keys()) if (!current.has(key)) this.metricsByVersion.delete(key);

    const sums = new Map<string, { kind: ModelKind; metric: string; sum: number; count: number }>();
    for (const { kind, metrics } of this.metricsByVersion.values()) {
      for (const [metric, value] of Object.entries(metrics)) {
        if (!Number.isFinite(value)) continue;
        const key = `${kind}|${metric}`;
        const entry = sums.get(key) ?? { kind, metric, sum: 0, count: 0 };
        entry.sum += value;
        entry.count += 1;
        sums.set(key, entry);
      }
    }
    return [...sums.values()].map(({ kind, metric, sum, count }) => ({ kind, metric, mean: sum / count }));
  }
}
