import { describe, expect, it } from 'vitest';
import { featureMatrix, SeededRandom } from '../../../src/engines/index.js';

describe('featureMatrix', () => {
  it('wraps data of the right length without copying', () => {
    const data = new Float64Array(6);
    const x = featureMatrix(data, 2, 3);
    expect(x.data).toBe(data);
    expect([x.rows, x.cols]).toEqual([2, 3]);
  });

  it('rejects a length that is not rows × cols, and bad dimensions', () => {
    expect(() => featureMatrix(new Float64Array(5), 2, 3)).toThrow(/has 5 values, expected rows × cols = 2 × 3 = 6/);
    expect(() => featureMatrix(new Float64Array(0), -1, 0)).toThrow(/rows must be/);
    expect(() => featureMatrix(new Float64Array(0), 0, 1.5)).toThrow(/cols must be/);
  });
});

describe('SeededRandom', () => {
  it('repeats its stream for a seed and differs across seeds and derived indices', () => {
    const draw = (r: SeededRandom): number[] => Array.from({ length: 5 }, () => r.nextUint32());
    expect(draw(new SeededRandom(42))).toEqual(draw(new SeededRandom(42)));
    expect(draw(new SeededRandom(42))).not.toEqual(draw(new SeededRandom(43)));
    expect(draw(SeededRandom.derive(42, 0))).not.toEqual(draw(SeededRandom.derive(42, 1)));
  });

  it('draws floats in [0, 1) and integers in [0, bound) roughly uniformly', () => {
    const random = new SeededRandom(1);
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 20_000; i++) {
      const f = random.nextFloat();
      expect(f).toBeGreaterThanOrEqual(0);
      expect(f).toBeLessThan(1);
      buckets[random.nextInt(10)]!++;
    }
    for (const count of buckets) expect(Math.abs(count - 2000)).toBeLessThan(200);
  });
});
