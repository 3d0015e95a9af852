// Smoke test of the real test stack: each server answers through the client relearn uses.
// Names are unique per run and every resource is removed where it is made.
import { randomUUID } from 'node:crypto';

import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { describe, expect, it, onTestFinished } from 'vitest';

import { StackEnvMissingError, stackEnv } from './stack-env.js';

const uniqueSuffix = (): string => randomUUID().replaceAll('-', '').slice(0, 16);

describe('the real test stack', () => {
  it('is required: reading it without the three variables throws instead of letting tests skip', () => {
    expect(() => stackEnv({ KAFKA_BROKERS: ' , ', SCHEMA_REGISTRY_URL: 'http://127.0.0.1:1' })).toThrow(StackEnvMissingError);
    expect(() => stackEnv({})).toThrow(/KAFKA_BROKERS, SCHEMA_REGISTRY_URL, MONGODB_URI are not set/);
  });

  it('Kafka creates a topic with a leader, accepts a record on it and deletes it', async () => {
    const { kafkaBrokers } = stackEnv();
    const kafka = new Kafka({ clientId: 'relearn-stack-smoke', brokers: kafkaBrokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    onTestFinished(() => admin.disconnect());
    const topic = `relearn-smoke-${uniqueSuffix()}`;

    const created = await admin.createTopics({ topics: [{ topic, numPartitions: 2, replicationFactor: 1 }], waitForLeaders: true });
    onTestFinished(async () => {
      if ((await admin.listTopics()).includes(topic)) {
        await admin.deleteTopics({ topics: [topic] });
      }
    });
    expect(created).toBe(true);
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(metadata.topics[0]?.partitions.map((partition) => partition.leader >= 0)).toEqual([true, true]);

    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: 'v', partition: 1 }] });
    const offsets = await admin.fetchTopicOffsets(topic);
    expect(offsets.find((partition) => partition.partition === 1)?.high).toBe('1');

    await admin.deleteTopics({ topics: [topic] });
    expect(await admin.listTopics()).not.toContain(topic);
  });

  it('the schema registry registers an Avro schema under a new subject and round-trips a value', async () => {
    const { schemaRegistryUrl } = stackEnv();
    const registry = new SchemaRegistry({ host: schemaRegistryUrl });
    const subject = `relearn-smoke-${uniqueSuffix()}-value`;
    const schema = {
      type: 'record',
      name: 'SmokeEvent',
      namespace: 'dev.relearn.smoke',
      fields: [
        { name: 'eventId', type: 'string' },
        { name: 'count', type: 'int' },
      ],
    };

    // Apicurio answers NONE for a subject without its own level, and register() would then
    // refuse BACKWARD: set the subject's level first (idempotent, also on Confluent's registry).
    await requestOk(schemaRegistryUrl, `/config/${subject}`, 'PUT', { compatibility: COMPATIBILITY.BACKWARD });
    onTestFinished(() => deleteSubject(schemaRegistryUrl, subject));
    const { id } = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(schema) },
      { subject, compatibility: COMPATIBILITY.BACKWARD },
    );
    const reformatted = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(schema, null, 2) },
      { subject, compatibility: COMPATIBILITY.BACKWARD },
    );
    expect(reformatted.id).toBe(id);

    const value = { eventId: 'e-1', count: 42 };
    const encoded = await registry.encode(id, value);
    expect(encoded.readUInt8(0)).toBe(0);
    expect(encoded.readInt32BE(1)).toBe(id);
    const decoded: unknown = await registry.decode(encoded);
    expect({ ...(decoded as object) }).toEqual(value);
  });

  it('the MongoDB server answers a ping, stores a document and reads it back', async () => {
    const { mongodbUri } = stackEnv();
    const client = new MongoClient(mongodbUri, { serverSelectionTimeoutMS: 10_000 });
    await client.connect();
    onTestFinished(() => client.close());
    const db = client.db(`relearn_smoke_${uniqueSuffix()}`);
    onTestFinished(() => db.dropDatabase().then(() => undefined));

    expect(await db.command({ ping: 1 })).toMatchObject({ ok: 1 });
    const documents = db.collection<{ _id: string; count: number }>('smoke');
    await documents.insertOne({ _id: 'doc-1', count: 1 });
    await documents.updateOne({ _id: 'doc-1' }, { $inc: { count: 2 } });
    expect(await documents.findOne({ _id: 'doc-1' })).toEqual({ _id: 'doc-1', count: 3 });

    await db.dropDatabase();
    const names = (await client.db('admin').admin().listDatabases()).databases.map((database) => database.name);
    expect(names).not.toContain(db.databaseName);
  });
});

async function requestOk(baseUrl: string, path: string, method: string, body?: unknown): Promise<void> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) {
    throw new Error(`${method} ${baseUrl}${path} answered ${response.status}: ${await response.text()}`);
  }
}

/** Soft delete then permanent delete, as Confluent's API requires both steps. */
async function deleteSubject(baseUrl: string, subject: string): Promise<void> {
  await requestOk(baseUrl, `/subjects/${subject}`, 'DELETE');
  await requestOk(baseUrl, `/subjects/${subject}?permanent=true`, 'DELETE');
}
