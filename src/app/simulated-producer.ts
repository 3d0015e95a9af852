import type { TopicDefinition, TopicNames, TopicRole } from '../contract/topic-definitions.js';
import type { AvroCodec } from '../ports/avro-codec.js';
import type { EventSink, OutgoingRecord } from '../ports/event-bus.js';
import type { SimulatedRecord } from '../simulate/simulated-record.js';

/**
 * Publishes simulated records the way a producing app would: Avro through the registry,
 * keyed per design.md §2. Malformed records are made the way real producers make them:
 * junk bytes, impossible values in a valid schema, and a label written with a schema
 * whose scope-type enum has a symbol relearn does not know.
 */
export class SimulatedProducer {
  private readonly rogueLabelsSubject: string;

  constructor(
    private readonly sink: EventSink,
    private readonly codec: AvroCodec,
    private readonly topics: TopicNames,
    private readonly definitions: ReadonlyMap<TopicRole, TopicDefinition>,
  ) {
    this.rogueLabelsSubject = `${topics.labels}.rogue-producer`;
  }

  async registerSchemas(): Promise<void> {
    for (const [role, definition] of this.definitions) {
      if (definition.valueSchema !== null) await this.codec.register(this.topics[role], definition.valueSchema);
    }
    const labels = this.definitions.get('labels')?.valueSchema;
    if (labels !== undefined && labels !== null) {
      // Same record, one extra enum symbol: decodes fine with its writer schema, fails validation.
      const rogue = JSON.parse(JSON.stringify(labels).replace('"symbols":["user","org"]', '"symbols":["user","org","team"]')) as object;
      await this.codec.register(this.rogueLabelsSubject, rogue);
    }
  }

  async encode(record: SimulatedRecord): Promise<OutgoingRecord> {
    const topic = this.topics[record.role];
    if (record.kind === 'event') return { key: record.key, value: await this.codec.encode(topic, record.event) };
    if (record.bytes !== null) return { key: record.key, value: Buffer.from(record.bytes) };
    const target = record.flaw === 'unknown-scope-type' ? this.rogueLabelsSubject : topic;
    return { key: record.key, value: await this.codec.encode(target, record.value) };
  }

  /** Sends records grouped per topic, preserving their order within each topic. */
  async send(records: readonly SimulatedRecord[]): Promise<void> {
    const byTopic = new Map<string, OutgoingRecord[]>();
    for (const record of records) {
      const topic = this.topics[record.role];
      const list = byTopic.get(topic) ?? [];
      list.push(await this.encode(record));
      byTopic.set(topic, list);
    }
    for (const [topic, list] of byTopic) await this.sink.send(topic, list);
  }
}
