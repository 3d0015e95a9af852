import { describe, expect, it } from 'vitest';
import { ARTIFACT_FORMAT_VERSION, packArtifact, unpackArtifact, type ArtifactHeader } from '../../../src/training/model-artifact.js';

const header: ArtifactHeader = { kind: 'categorizer', engine: 'relearn-forest', meta: { classes: ['dining', 'groceries'], trainedUntil: 1_767_571_200_000 } };
const payload = Uint8Array.from([0, 1, 2, 250, 255, 7]);

describe('model artifact', () => {
  it('round-trips header and payload', () => {
    const bytes = packArtifact(header, payload);
    expect(Array.from(bytes.subarray(0, 4))).toEqual([0x52, 0x4c, 0x4d, ARTIFACT_FORMAT_VERSION]);
    const unpacked = unpackArtifact(bytes);
    expect(unpacked.header).toEqual(header);
    expect(Array.from(unpacked.payload)).toEqual(Array.from(payload));
  });

  it('reads an artifact that sits at an offset inside a larger buffer', () => {
    const bytes = packArtifact(header, payload);
    const larger = new Uint8Array(bytes.length + 5);
    larger.set(bytes, 5);
    const unpacked = unpackArtifact(larger.subarray(5));
    expect(unpacked.header).toEqual(header);
    expect(Array.from(unpacked.payload)).toEqual(Array.from(payload));
  });

  it('rejects bytes with a bad magic, an unknown format version or a truncated header', () => {
    const bytes = packArtifact(header, payload);
    const badMagic = Uint8Array.from(bytes);
    badMagic[0] = 0x58;
    expect(() => unpackArtifact(badMagic)).toThrow(/bad magic/);
    expect(() => unpackArtifact(new Uint8Array(3))).toThrow(/bad magic/);
    const future = Uint8Array.from(bytes);
    future[3] = ARTIFACT_FORMAT_VERSION + 1;
    expect(() => unpackArtifact(future)).toThrow(/unsupported model artifact format/);
    expect(() => unpackArtifact(bytes.subarray(0, 12))).toThrow(/truncated/);
  });
});
