import { RelearnError } from '../domain/errors.js';

/** Confluent wire format: magic byte 0, 4-byte big-endian schema id, then the Avro body. */
export const MAGIC_BYTE = 0;

export function frame(schemaId: number, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt8(MAGIC_BYTE, 0);
  header.writeUInt32BE(schemaId, 1);
  return Buffer.concat([header, body]);
}

export function unframe(bytes: Buffer): { schemaId: number; body: Buffer } {
  if (bytes.length < 5) throw new RelearnError('DECODE_FAILED', `frame too short: ${bytes.length} bytes`);
  if (bytes.readUInt8(0) !== MAGIC_BYTE) throw new RelearnError('DECODE_FAILED', `unknown magic byte ${bytes.readUInt8(0)}`);
  return { schemaId: bytes.readUInt32BE(1), body: bytes.subarray(5) };
}
