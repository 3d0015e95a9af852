import type avro from 'avsc';
import { avroType } from '../../contract/avro-types.js';
import { frame, unframe } from '../../contract/confluent-frame.js';
import { RelearnError } from '../../domain/errors.js';
import type { AvroCodec } from '../../ports/avro-codec.js';

/**
 * A schema registry in memory plus avsc: the same Confluent-framed bytes as Kafka mode,
 * so the embedded run exercises the real encoding path.
 */
export class MemoryAvroCodec implements AvroCodec {
  private readonly typesById = new Map<number, avro.Type>();
  private readonly idByCanonical = new Map<string, number>();
  private readonly latestBySubject = new Map<string, number>();

  register(topic: string, schema: object): Promise<number> {
    const type = avroType(schema);
    const canonical = type.schema({ exportAttrs: false }) as object;
    const key = JSON.stringify(canonical);
    let id = this.idByCanonical.get(key);
    if (id === undefined) {
      id = this.typesById.size + 1;
      this.idByCanonical.set(key, id);
      this.typesById.set(id, type);
    }
    this.latestBySubject.set(`${topic}-value`, id);
    return Promise.resolve(id);
  }

  encode(topic: string, value: unknown): Promise<Buffer> {
    const id = this.latestBySubject.get(`${topic}-value`);
    const type = id === undefined ? undefined : this.typesById.get(id);
    if (id === undefined || type === undefined) return Promise.reject(new RelearnError('NOT_FOUND', `no schema registered for ${topic}-value`));
    return Promise.resolve(frame(id, type.toBuffer(value)));
  }

  decode(bytes: Buffer): Promise<unknown> {
    try {
      const { schemaId, body } = unframe(bytes);
      const type = this.typesById.get(schemaId);
      if (type === undefined) throw new RelearnError('DECODE_FAILED', `unknown schema id ${schemaId}`);
      return Promise.resolve(type.fromBuffer(body));
    } catch (error) {
      if (error instanceof RelearnError) return Promise.reject(error);
      return Promise.reject(new RelearnError('DECODE_FAILED', error instanceof Error ? error.message : String(error), { cause: error }));
    }
  }
}
