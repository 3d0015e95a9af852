import { crc32 } from './crc32.js';
import { ModelFormatError } from './model-format-error.js';

// Models are written as: 4-byte ASCII magic, u16 format version, the body, then a CRC-32 of
// everything before it. Typed-array sections are copied as raw little-endian bytes, so the
// reader refuses to run on a big-endian host rather than misread them.
const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const HEADER_BYTES = 6;
const TRAILER_BYTES = 4;

/** Appends fields to a growing buffer; `finish` adds the checksum. */
export class ModelWriter {
  private buffer: Uint8Array;
  private view: DataView;
  private length = 0;

  constructor(magic: string, version: number, sizeHint = 1024) {
    this.buffer = new Uint8Array(Math.max(64, sizeHint));
    this.view = new DataView(this.buffer.buffer);
    for (let i = 0; i < 4; i++) this.u8(magic.charCodeAt(i));
    this.u16(version);
  }

  u8(value: number): void {
    this.reserve(1);
    this.view.setUint8(this.length, value);
    this.length += 1;
  }

  u16(value: number): void {
    this.reserve(2);
    this.view.setUint16(this.length, value, true);
    this.length += 2;
  }

  u32(value: number): void {
    this.reserve(4);
    this.view.setUint32(this.length, value, true);
    this.length += 4;
  }

  f64(value: number): void {
    this.reserve(8);
    this.view.setFloat64(this.length, value, true);
    this.length += 8;
  }

  /** Raw bytes of a typed array (its element count is the caller's business to record). */
  array(values: Uint8Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array): void {
    const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  finish(): Uint8Array {
    const checksum = crc32(this.buffer, 0, this.length);
    this.u32(checksum);
    return this.buffer.slice(0, this.length);
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.length + extra) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
  }
}

/** Reads fields written by ModelWriter after checking magic, version and checksum. */
export class ModelReader {
  private readonly view: DataView;
  private offset = HEADER_BYTES;
  private readonly end: number;
  readonly version: number;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly what: string,
    magic: string,
    supportedVersions: readonly number[],
  ) {
    if (!littleEndianHost) throw new ModelFormatError('MODEL_INVALID_STRUCTURE', `${what}: big-endian hosts are not supported`);
    if (!(bytes instanceof Uint8Array)) throw new ModelFormatError('MODEL_INVALID_STRUCTURE', `${what}: expected a Uint8Array`);
    if (bytes.length < HEADER_BYTES + TRAILER_BYTES) {
      throw new ModelFormatError('MODEL_TRUNCATED', `${what}: ${bytes.length} bytes is too short to be a model`);
    }
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const found = String.fromCharCode(bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!);
    if (found !== magic) {
      throw new ModelFormatError('MODEL_BAD_MAGIC', `${what}: bad magic ${JSON.stringify(found)}, expected ${JSON.stringify(magic)}`);
    }
    this.version = this.view.getUint16(4, true);
    if (!supportedVersions.includes(this.version)) {
      throw new ModelFormatError(
        'MODEL_UNSUPPORTED_VERSION',
        `${what}: format version ${this.version} is not supported (this build reads ${supportedVersions.join(', ')})`,
      );
    }
    this.end = bytes.length - TRAILER_BYTES;
    const stored = this.view.getUint32(this.end, true);
    const actual = crc32(bytes, 0, this.end);
    if (stored !== actual) {
      throw new ModelFormatError('MODEL_CHECKSUM_MISMATCH', `${what}: checksum mismatch (bytes corrupted or truncated)`);
    }
  }

  u8(): number {
    this.need(1);
    const value = this.view.getUint8(this.offset);
    this.offset += 1;
    return value;
  }

  u16(): number {
    this.need(2);
    const value = this.view.getUint16(this.offset, true);
    this.offset += 2;
    return value;
  }

  u32(): number {
    this.need(4);
    const value = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return value;
  }

  f64(): number {
    this.need(8);
    const value = this.view.getFloat64(this.offset, true);
    this.offset += 8;
    return value;
  }

  uint16Array(count: number): Uint16Array {
    return new Uint16Array(this.copy(count * 2));
  }

  int32Array(count: number): Int32Array {
    return new Int32Array(this.copy(count * 4));
  }

  float32Array(count: number): Float32Array {
    return new Float32Array(this.copy(count * 4));
  }

  float64Array(count: number): Float64Array {
    return new Float64Array(this.copy(count * 8));
  }

  /** Throws unless every body byte was consumed: trailing garbage means a writer/reader mismatch. */
  done(): void {
    if (this.offset !== this.end) {
      throw new ModelFormatError('MODEL_INVALID_STRUCTURE', `${this.what}: ${this.end - this.offset} unexpected trailing bytes`);
    }
  }

  /** Copies into a fresh, aligned buffer (the source offset may not be aligned for the element type). */
  private copy(byteLength: number): ArrayBuffer {
    this.need(byteLength);
    const start = this.bytes.byteOffset + this.offset;
    const out = this.bytes.buffer.slice(start, start + byteLength) as ArrayBuffer;
    this.offset += byteLength;
    return out;
  }

  private need(byteLength: number): void {
    if (!Number.isSafeInteger(byteLength) || byteLength < 0 || this.offset + byteLength > this.end) {
      throw new ModelFormatError('MODEL_TRUNCATED', `${this.what}: field runs past the end of the model`);
    }
  }
}
