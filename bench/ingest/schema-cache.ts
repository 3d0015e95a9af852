import avro from 'avsc';

/** Confluent wire format: magic byte 0, 4-byte big-endian schema id, then the Avro body. */
const MAGIC = 0;
const HEADER_BYTES = 5;

/**
 * Avro types by registry schema id, each fetched once from the Confluent-compatible API
 * (`GET /schemas/ids/{id}`) and kept: what a minimal consumer does to decode.
 */
export class SchemaCache {
  private readonly types = new Map<number, avro.Type>();
  private readonly pending = new Map<number, Promise<avro.Type>>();
  private readonly baseUrl: string;

  constructor(url: string) {
    this.baseUrl = url.replace(/\/+$/, '');
  }

  /** The type of schema `id`, from the cache or the registry. */
  async type(id: number): Promise<avro.Type> {
    const known = this.types.get(id);
    if (known !== undefined) return known;
    let loading = this.pending.get(id);
    if (loading === undefined) {
      loading = this.fetchType(id);
      this.pending.set(id, loading);
    }
    return loading;
  }

  private async fetchType(id: number): Promise<avro.Type> {
    const response = await fetch(`${this.baseUrl}/schemas/ids/${id}`, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`schema registry: GET /schemas/ids/${id} answered ${response.status}`);
    const body = (await response.json()) as { schema?: string };
    if (typeof body.schema !== 'string') throw new Error(`schema registry: GET /schemas/ids/${id} returned no schema`);
    // wrapUnions false: a nullable field decodes to its value, as relearn's codec reads it.
    const type = avro.Type.forSchema(JSON.parse(body.schema) as avro.Schema, { wrapUnions: false });
    this.types.set(id, type);
    this.pending.delete(id);
    return type;
  }

  /** Decodes one Confluent-framed value. */
  async decode(value: Buffer): Promise<Record<string, unknown>> {
    if (value.length < HEADER_BYTES || value[0] !== MAGIC) throw new Error('value is not Confluent-framed Avro');
    const type = await this.type(value.readUInt32BE(1));
    return type.fromBuffer(value.subarray(HEADER_BYTES)) as Record<string, unknown>;
  }

  /** Encodes `value` with schema `id` and frames it. */
  async encode(id: number, value: unknown): Promise<Buffer> {
    const type = await this.type(id);
    const body = type.toBuffer(value);
    const framed = Buffer.allocUnsafe(HEADER_BYTES + body.length);
    framed[0] = MAGIC;
    framed.writeUInt32BE(id, 1);
    body.copy(framed, HEADER_BYTES);
    return framed;
  }
}
