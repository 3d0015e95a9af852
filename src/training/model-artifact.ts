import type { ModelKind } from '../domain/model-kind.js';

/**
 * A stored model: a small JSON header (kind, engine, what the features need: class
 * names, profiles) and the engine's own binary payload. Magic "RLM" + format version,
 * so a future layout can be told apart and an unknown one refused.
 */
const MAGIC = [0x52, 0x4c, 0x4d] as const; // "RLM"
export const ARTIFACT_FORMAT_VERSION = 1;

export interface ArtifactHeader {
  kind: ModelKind;
  engine: string;
  meta: Record<string, unknown>;
}

export function packArtifact(header: ArtifactHeader, payload: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + payload.length);
  out.set(MAGIC, 0);
  out[3] = ARTIFACT_FORMAT_VERSION;
  new DataView(out.buffer).setUint32(4, json.length, true);
  out.set(json, 8);
  out.set(payload, 8 + json.length);
  return out;
}

export function unpackArtifact(bytes: Uint8Array): { header: ArtifactHeader; payload: Uint8Array } {
  if (bytes.length < 8 || bytes[0] !== MAGIC[0] || bytes[1] !== MAGIC[1] || bytes[2] !== MAGIC[2]) {
    throw new Error('not a relearn model artifact (bad magic)');
  }
  if (bytes[3] !== ARTIFACT_FORMAT_VERSION) throw new Error(`unsupported model artifact format ${bytes[3]}`);
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  if (8 + length > bytes.length) throw new Error('truncated model artifact');
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))) as ArtifactHeader;
  return { header, payload: bytes.subarray(8 + length) };
}
