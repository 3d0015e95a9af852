import type { AvroCodec } from '../../ports/avro-codec.js';

export interface TopicSchema {
  name: string;
  /** Null for a topic without a value schema (the DLQ carries original bytes). */
  valueSchema: object | null;
}

export interface RegisteredSchema {
  topic: string;
  subject: string;
  id: number;
}

/**
 * `relearn schemas register`: each topic's value schema under `<topic>-value`, in order,
 * stopping at the first refusal (a SchemaRejectedError names the subject and the reason).
 */
export async function registerSchemas(codec: AvroCodec, topics: readonly TopicSchema[]): Promise<RegisteredSchema[]> {
  const registered: RegisteredSchema[] = [];
  for (const topic of topics) {
    if (topic.valueSchema === null) continue;
    registered.push({ topic: topic.name, subject: `${topic.name}-value`, id: await codec.register(topic.name, topic.valueSchema) });
  }
  return registered;
}
