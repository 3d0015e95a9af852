import { describe, expect, it } from 'vitest';
import { isRelearnError } from '../../src/domain/errors.js';
import type { AvroCodec } from '../../src/ports/avro-codec.js';

const pingSchema = {
  type: 'record',
  name: 'ContractPing',
  namespace: 'relearn.contract',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'count', type: 'int' },
    { name: 'note', type: ['null', 'string'], default: null },
  ],
};

let topicSequence = 0;

function uniqueTopic(): string {
  topicSequence += 1;
  return `contract-avro-${process.pid}-${topicSequence}`;
}

async function decodeError(codec: AvroCodec, bytes: Buffer): Promise<unknown> {
  return codec.decode(bytes).then(
    (value) => new Error(`decoded garbage into ${JSON.stringify(value)}`),
    (error: unknown) => error,
  );
}

/** What every AvroCodec adapter guarantees: Confluent-framed round trips and DECODE_FAILED for anything else. */
export function describeAvroCodecContract(name: string, create: () => Promise<AvroCodec>): void {
  describe(`AvroCodec contract: ${name}`, () => {
    it('round-trips a value through register, encode and decode', async () => {
      const codec = await create();
      const topic = uniqueTopic();
      await codec.register(topic, pingSchema);
      const value = { id: 'p1', count: 42, note: 'hello' };
      expect(await codec.decode(await codec.encode(topic, value))).toEqual(value);
      expect(await codec.decode(await codec.encode(topic, { id: 'p2', count: -1, note: null }))).toEqual({ id: 'p2', count: -1, note: null });
    });

    it('registers idempotently and frames with magic byte 0 and the 4-byte schema id', async () => {
      const codec = await create();
      const topic = uniqueTopic();
      const id = await codec.register(topic, pingSchema);
      expect(await codec.register(topic, pingSchema)).toBe(id);
      const bytes = await codec.encode(topic, { id: 'p1', count: 1, note: null });
      expect(bytes.readUInt8(0)).toBe(0);
      expect(bytes.readUInt32BE(1)).toBe(id);
      expect(bytes.length).toBeGreaterThan(5);
    });

    it('rejects garbage bytes with DECODE_FAILED', async () => {
      const codec = await create();
      const topic = uniqueTopic();
      const id = await codec.register(topic, pingSchema);
      const valid = await codec.encode(topic, { id: 'p1', count: 1, note: null });
      const unknownId = Buffer.from(valid);
      unknownId.writeUInt32BE(0x7fff_fff0, 1);
      const truncatedBody = Buffer.concat([valid.subarray(0, 5), Buffer.from([0x0a])]);
      const garbage = [Buffer.from('not avro at all'), Buffer.from([0, 0]), Buffer.alloc(0), unknownId, truncatedBody];
      for (const bytes of garbage) {
        const error = await decodeError(codec, bytes);
        expect(isRelearnError(error, 'DECODE_FAILED'), `bytes ${bytes.toString('hex')} (schema ${id}): ${String(error)}`).toBe(true);
      }
    });
  });
}
