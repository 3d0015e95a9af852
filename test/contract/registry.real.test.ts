// The Avro codec contract and the registry adapter's own guarantees, on the real test
// stack's schema registry (Apicurio's Confluent-compatible API here; the adapter is written
// to Confluent's API). Subjects are unique per test and deleted when the file ends.
// Without a stack, stackEnv() throws and the tests fail.
import { randomUUID } from 'node:crypto';

import { afterAll, describe, expect, it } from 'vitest';

import { MemoryAvroCodec } from '../../src/adapters/memory/memory-avro-codec.js';
import { registerSchemas } from '../../src/adapters/registry/register-schemas.js';
import { RegistryAvroCodec } from '../../src/adapters/registry/registry-avro-codec.js';
import { SchemaRejectedError } from '../../src/adapters/registry/schema-rejected-error.js';
import { avroType } from '../../src/contract/avro-types.js';
import { unframe } from '../../src/contract/confluent-frame.js';
import { topicDefinitions } from '../../src/contract/topic-definitions.js';
import { isRelearnError } from '../../src/domain/errors.js';
import { stackEnv } from '../integration/stack-env.js';
import { describeAvroCodecContract } from './avro-codec.contract.js';

const subjects = new Set<string>();

function codec(): RegistryAvroCodec {
  return new RegistryAvroCodec({ url: stackEnv().schemaRegistryUrl });
}

function uniqueTopic(prefix: string): string {
  const topic = `registry-real-${prefix}-${randomUUID().slice(0, 8)}`;
  subjects.add(`${topic}-value`);
  return topic;
}

async function deleteSubject(subject: string): Promise<void> {
  const base = stackEnv().schemaRegistryUrl;
  // Soft, then permanent: Confluent's API requires both steps.
  await fetch(`${base}/subjects/${encodeURIComponent(subject)}`, { method: 'DELETE' });
  await fetch(`${base}/subjects/${encodeURIComponent(subject)}?permanent=true`, { method: 'DELETE' });
}

afterAll(async () => {
  for (const subject of subjects) await deleteSubject(subject);
});

describeAvroCodecContract('registry', () => Promise.resolve(codec()));

const accountV1 = {
  type: 'record',
  name: 'Account',
  namespace: 'relearn.registry.test',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'balance', type: 'double' },
  ],
};

const accountV2 = { ...accountV1, fields: [...accountV1.fields, { name: 'currency', type: 'string', default: 'EUR' }] };

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => new Error(`expected a rejection, got ${JSON.stringify(value)}`),
    (error: unknown) => error,
  );
}

/** The shape of a decoded value down to each field's class, so a Long, a Buffer or a wrapped union would show. */
function shape(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return typeof value;
  if (Array.isArray(value)) return value.map(shape);
  if (Buffer.isBuffer(value)) return 'Buffer';
  return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, shape(field)]));
}

function className(value: unknown): string | undefined {
  const prototype = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null;
  return prototype?.constructor?.name;
}

describe('RegistryAvroCodec on a real registry', () => {
  it('gives a compatible evolution (a field added with a default) a new id, and still decodes the old frames', async () => {
    const registry = codec();
    const topic = uniqueTopic('evolve');
    const v1 = await registry.register(topic, accountV1);
    const oldFrame = await registry.encode(topic, { id: 'a1', balance: 10.5 });
    const v2 = await registry.register(topic, accountV2);
    expect(v2).not.toBe(v1);
    const newFrame = await registry.encode(topic, { id: 'a2', balance: 1, currency: 'USD' });
    expect(newFrame.readUInt32BE(1)).toBe(v2);
    expect(await registry.decode(oldFrame)).toEqual({ id: 'a1', balance: 10.5 });
    expect(await registry.decode(newFrame)).toEqual({ id: 'a2', balance: 1, currency: 'USD' });
  });

  it('refuses an incompatible change with the registry’s status 409, reason and subject', async () => {
    const registry = codec();
    const topic = uniqueTopic('refuse');
    await registry.register(topic, accountV1);
    const incompatible = { ...accountV1, fields: [...accountV1.fields, { name: 'owner', type: 'string' }] };
    const error = await failureOf(registry.register(topic, incompatible));
    expect(error).toBeInstanceOf(SchemaRejectedError);
    expect(error).toMatchObject({ status: 409, subject: `${topic}-value`, code: 'INVALID_ARGUMENT', retriable: false });
    expect((error as SchemaRejectedError).reason.length).toBeGreaterThan(0);
    const typeChange = { ...accountV1, fields: [accountV1.fields[0], { name: 'balance', type: 'string' }] };
    expect(await failureOf(registry.register(topic, typeChange))).toMatchObject({ status: 409 });
  });

  it('encodes with the latest id of a subject this process did not register, and decodes what another process encoded', async () => {
    const topic = uniqueTopic('latest');
    const producer = codec();
    const id = await producer.register(topic, accountV1);
    const other = codec();
    const framed = await other.encode(topic, { id: 'x', balance: 2 });
    expect(unframe(framed).schemaId).toBe(id);
    expect(await codec().decode(framed)).toEqual({ id: 'x', balance: 2 });
    expect(await codec().decode(await producer.encode(topic, { id: 'y', balance: 3 }))).toEqual({ id: 'y', balance: 3 });
  });

  it('refuses to encode for a subject with no schema with NOT_FOUND', async () => {
    const error = await failureOf(codec().encode(uniqueTopic('missing'), { id: 'x', balance: 1 }));
    expect(isRelearnError(error, 'NOT_FOUND')).toBe(true);
  });

  it('rejects bytes with a valid frame but a schema id the registry does not know with DECODE_FAILED', async () => {
    const frame = Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0, 0x02, 0x61]);
    expect(isRelearnError(await failureOf(codec().decode(frame)), 'DECODE_FAILED')).toBe(true);
  });

  it('reports an unreachable registry as retriable UNAVAILABLE, not as a bad record', async () => {
    const unreachable = new RegistryAvroCodec({ url: 'http://127.0.0.1:1' });
    const frame = Buffer.from([0, 0, 0, 0, 1, 0x02, 0x61]);
    const decodeError = await failureOf(unreachable.decode(frame));
    expect(isRelearnError(decodeError, 'UNAVAILABLE')).toBe(true);
    expect(decodeError).toMatchObject({ retriable: true });
    const registerError = await failureOf(unreachable.register('unreachable', accountV1));
    expect(isRelearnError(registerError, 'UNAVAILABLE')).toBe(true);
  });

  it('decodes every relearn schema exactly as the memory codec does', async () => {
    const registry = codec();
    const memory = new MemoryAvroCodec();
    let checked = 0;
    for (const definition of topicDefinitions().values()) {
      if (definition.valueSchema === null) continue;
      const type = avroType(definition.valueSchema);
      const topic = uniqueTopic(definition.role);
      await registry.register(topic, definition.valueSchema);
      await memory.register(topic, definition.valueSchema);
      for (let sample = 0; sample < 5; sample += 1) {
        const value: unknown = type.random();
        const viaRegistry = await registry.decode(await registry.encode(topic, value));
        const viaMemory = await memory.decode(await memory.encode(topic, value));
        expect(viaRegistry).toEqual(viaMemory);
        expect(shape(viaRegistry)).toEqual(shape(viaMemory));
        expect(className(viaRegistry)).toBe(className(viaMemory));
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(35);
  });

  it('registers the schemas of topics/ under <topic>-value and skips the DLQ', async () => {
    const prefix = `registry-real-all-${randomUUID().slice(0, 8)}.`;
    const topics = [...topicDefinitions().values()].map((definition) => ({ name: `${prefix}${definition.name}`, valueSchema: definition.valueSchema }));
    for (const topic of topics) subjects.add(`${topic.name}-value`);
    const registered = await registerSchemas(codec(), topics);
    expect(registered.map((row) => row.topic).sort()).toEqual(topics.filter((topic) => topic.valueSchema !== null).map((topic) => topic.name).sort());
    expect(registered.some((row) => row.topic.endsWith('relearn.dlq.v1'))).toBe(false);
    for (const row of registered) {
      expect(row.subject).toBe(`${row.topic}-value`);
      expect(Number.isInteger(row.id) && row.id > 0).toBe(true);
    }
    // Idempotent: the same ids the second time.
    expect(await registerSchemas(codec(), topics)).toEqual(registered);
  });
});
