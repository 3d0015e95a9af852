import { MemoryAvroCodec } from '../adapters/memory/memory-avro-codec.js';
import { MemoryCounterStore } from '../adapters/memory/memory-counter-store.js';
import { MemoryDecisionOutbox } from '../adapters/memory/memory-decision-outbox.js';
import { MemoryEventBus } from '../adapters/memory/memory-event-bus.js';
import { MemoryEventStore } from '../adapters/memory/memory-event-store.js';
import { MemoryJobQueue } from '../adapters/memory/memory-job-queue.js';
import { MemoryModelRegistry } from '../adapters/memory/memory-model-registry.js';
import type { TopicNames } from '../contract/topic-definitions.js';
import { topicDefinitions } from '../contract/topic-definitions.js';
import type { Clock } from '../ports/clock.js';
import type { RelearnPorts } from './relearn-system.js';

/**
 * The only place that knows every adapter. Embedded mode: everything in memory, one
 * process, the same encoding and the same guarantees as the real adapters.
 */
export interface EmbeddedPorts extends RelearnPorts {
  bus: MemoryEventBus;
}

export function embeddedPorts(clock: Clock, topics: TopicNames): EmbeddedPorts {
  const partitionsByName = new Map<string, number>();
  for (const [role, definition] of topicDefinitions()) partitionsByName.set(topics[role], definition.partitions);
  const bus = new MemoryEventBus((topic) => partitionsByName.get(topic) ?? 1, () => clock.now());
  return {
    bus,
    source: bus,
    sink: bus,
    codec: new MemoryAvroCodec(),
    store: new MemoryEventStore(),
    counters: new MemoryCounterStore(),
    outbox: new MemoryDecisionOutbox(),
    jobs: new MemoryJobQueue(),
    registry: new MemoryModelRegistry(),
    clock,
  };
}
