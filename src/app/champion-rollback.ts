import type { ModelKind } from '../domain/model-kind.js';
import type { RollbackRequest, RollbackResult } from '../domain/model-lineage.js';
import type { Scope } from '../domain/scope.js';
import type { Clock } from '../ports/clock.js';
import type { ModelRegistry } from '../ports/model-registry.js';

/**
 * An operator's rollback: the registry moves the champion pointer and records the
 * ModelUpdated that announces it in the same write; the announcement relay publishes it
 * (now, or when Kafka is back), so downstream services switch too. The event repeats the
 * version's metrics with decision "rolled back from vN". A retry changes nothing.
 */
export class ChampionRollback {
  constructor(private readonly deps: { registry: Pick<ModelRegistry, 'rollback'>; announce: (scope: Scope, kind: ModelKind) => Promise<void>; clock: Clock }) {}

  async rollback(scope: Scope, kind: ModelKind, request: RollbackRequest): Promise<RollbackResult> {
    const result = await this.deps.registry.rollback(scope, kind, request, this.deps.clock.now());
    // Never waits on Kafka for the answer: the move is committed, its announcement is in the outbox.
    if (result.changed) void this.deps.announce(scope, kind);
    return result;
  }
}
