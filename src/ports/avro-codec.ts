/**
 * Avro values framed in the Confluent wire format (magic byte 0, 4-byte schema id).
 * Implemented over a Confluent-compatible registry (Kafka mode) or an in-memory one
 * (embedded mode) so both carry the same bytes.
 */
export interface AvroCodec {
  /** Registers (idempotently) the schema under `<topic>-value` and returns its id. */
  register(topic: string, schema: object): Promise<number>;
  encode(topic: string, value: unknown): Promise<Buffer>;
  /** Throws DecodeError for bytes that are not a known, well-formed Avro frame. */
  decode(bytes: Buffer): Promise<unknown>;
}
