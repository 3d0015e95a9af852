import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { featureMatrix, type FeatureMatrix } from '../../src/engines/index.js';

/** One entry of manifest.json, written by datasets.py. */
export interface DatasetMeta {
  readonly name: string;
  readonly kind: 'classification' | 'anomaly';
  readonly description: string;
  readonly file: string;
  readonly nFeatures: number;
  readonly nClasses: number;
  readonly trainRows: number;
  readonly testRows: number;
}

export interface Dataset extends DatasetMeta {
  readonly xTrain: FeatureMatrix;
  readonly yTrain: Int32Array;
  readonly xTest: FeatureMatrix;
  readonly yTest: Int32Array;
}

export function readManifest(dir: string): DatasetMeta[] {
  return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as DatasetMeta[];
}

/** Reads `<dir>/<name>.bin`: X_train f64, y_train i32, X_test f64, y_test i32, little-endian. */
export function loadDataset(dir: string, name: string): Dataset {
  const meta = readManifest(dir).find((d) => d.name === name);
  if (meta === undefined) throw new Error(`data set ${name} is not in ${dir}/manifest.json`);
  const bytes = readFileSync(join(dir, meta.file));
  let offset = 0;
  const take = (byteLength: number): ArrayBuffer => {
    const out = bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + byteLength);
    offset += byteLength;
    return out;
  };
  const { nFeatures, trainRows, testRows } = meta;
  const xTrain = featureMatrix(new Float64Array(take(trainRows * nFeatures * 8)), trainRows, nFeatures);
  const yTrain = new Int32Array(take(trainRows * 4));
  const xTest = featureMatrix(new Float64Array(take(testRows * nFeatures * 8)), testRows, nFeatures);
  const yTest = new Int32Array(take(testRows * 4));
  if (offset !== bytes.length) throw new Error(`${meta.file}: ${bytes.length} bytes, expected ${offset}`);
  return { ...meta, xTrain, yTrain, xTest, yTest };
}
