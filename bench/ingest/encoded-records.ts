import type { BenchRecord } from './backlog.js';
import type { SchemaCache } from './schema-cache.js';

/** A record ready to send: Avro with the registered schema, Confluent-framed. */
export interface EncodedRecord {
  topic: string;
  key: string;
  value: Buffer;
}

export interface InputTopics {
  transactions: string;
  labels: string;
}

/** Encodes every record with the schema id registered for its topic's `<topic>-value` subject. */
export async function encodeRecords(records: readonly BenchRecord[], topics: InputTopics, schemaIds: Record<keyof InputTopics, number>, schemas: SchemaCache): Promise<EncodedRecord[]> {
  const encoded: EncodedRecord[] = [];
  for (const record of records) {
    encoded.push({ topic: topics[record.role], key: record.key, value: await schemas.encode(schemaIds[record.role], record.event) });
  }
  return encoded;
}
