import { MemoryAvroCodec } from '../../src/adapters/memory/memory-avro-codec.js';
import { MemoryCounterStore } from '../../src/adapters/memory/memory-counter-store.js';
import { MemoryDecisionOutbox } from '../../src/adapters/memory/memory-decision-outbox.js';
import { MemoryEventBus } from '../../src/adapters/memory/memory-event-bus.js';
import { MemoryEventStore } from '../../src/adapters/memory/memory-event-store.js';
import { MemoryJobQueue } from '../../src/adapters/memory/memory-job-queue.js';
import { MemoryModelRegistry } from '../../src/adapters/memory/memory-model-registry.js';
import { describeAvroCodecContract } from './avro-codec.contract.js';
import { describeCounterStoreContract } from './counter-store.contract.js';
import { describeDecisionOutboxContract } from './decision-outbox.contract.js';
import { describeEventBusContract } from './event-bus.contract.js';
import { describeEventStoreContract } from './event-store.contract.js';
import { describeJobQueueContract } from './job-queue.contract.js';
import { describeModelRegistryContract } from './model-registry.contract.js';

describeEventStoreContract('memory', () => Promise.resolve(new MemoryEventStore()));
describeCounterStoreContract('memory', () => Promise.resolve(new MemoryCounterStore()));
describeDecisionOutboxContract('memory', () => Promise.resolve(new MemoryDecisionOutbox()));
describeJobQueueContract('memory', () => Promise.resolve(new MemoryJobQueue()));
describeModelRegistryContract('memory', () => Promise.resolve(new MemoryModelRegistry()));
// Three partitions and small batches, so ordering is checked across partitions and batch boundaries.
describeEventBusContract('memory', () => Promise.resolve(new MemoryEventBus(() => 3, () => 0, 4)));
describeAvroCodecContract('memory', () => Promise.resolve(new MemoryAvroCodec()));
