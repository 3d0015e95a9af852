import type { TopicNames } from '../contract/topic-definitions.js';
import type { ModelKind } from '../domain/model-kind.js';
import type { Scope } from '../domain/scope.js';
import type { Clock } from '../ports/clock.js';
import type { EventSink } from '../ports/event-bus.js';
import type { ModelRegistry } from '../ports/model-registry.js';
import { modelUpdatedOf, type OutputCodecs } from './event-codecs.js';

/**
 * An operator's rollback: the registry moves the champion pointer, then ModelUpdated
 * announces the version that serves now, so downstream services switch too. The event
 * repeats that version's metrics with decision "rolled back from vN".
 */
export class ChampionRollback {
  constructor(
    private readonly deps: { registry: ModelRegistry; sink: EventSink; codecs: OutputCodecs; topics: TopicNames; clock: Clock },
  ) {}

  async rollback(scope: Scope, kind: ModelKind, toVersion: number | undefined): Promise<{ from: number; to: number }> {
    const { registry, sink, codecs, topics, clock } = this.deps;
    const now = clock.now();
    const moved = await registry.rollback(scope, kind, toVersion, now);
    const version = await registry.get(scope, kind, moved.to);
    if (version !== null) {
      const event = modelUpdatedOf(version, {
        requestId: `rollback:${scope}/${kind}/${moved.from}->${moved.to}@${now}`,
        promoted: true,
        decision: `rolled back from v${moved.from}`,
        previousVersion: moved.from,
      });
      await sink.send(topics['model-updates'], [{ key: scope, value: await codecs.encodeModelUpdated(event) }]);
    }
    return moved;
  }
}
