import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../src/simulate/seeded-random.js';

function draws(random: SeededRandom, count: number): number[] {
  return Array.from({ length: count }, () => random.next());
}

describe('SeededRandom', () => {
  it('repeats its sequence for the same seed and changes it for another', () => {
    expect(draws(SeededRandom.fromSeed(7), 50)).toEqual(draws(SeededRandom.fromSeed(7), 50));
    expect(draws(SeededRandom.fromSeed(7), 50)).not.toEqual(draws(SeededRandom.fromSeed(8), 50));
  });

  it('derives a fork from its name, not from how much the parent has drawn', () => {
    const fresh = SeededRandom.fromSeed(3);
    const used = SeededRandom.fromSeed(3);
    draws(used, 100);
    expect(draws(fresh.fork('user:1'), 20)).toEqual(draws(used.fork('user:1'), 20));
    expect(draws(fresh.fork('user:1'), 20)).not.toEqual(draws(fresh.fork('user:2'), 20));
  });

  it('stays in range and spreads evenly', () => {
    const random = SeededRandom.fromSeed(11);
    const buckets = new Array<number>(10).fill(0);
    let outside = 0;
    for (let i = 0; i < 20_000; i++) {
      const value = random.next();
      if (value < 0 || value >= 1) outside++;
      else buckets[Math.floor(value * 10)]! += 1;
    }
    expect(outside).toBe(0);
    for (const bucket of buckets) expect(Math.abs(bucket - 2_000)).toBeLessThan(200);
  });

  it('draws integers with both ends included', () => {
    const random = SeededRandom.fromSeed(5);
    const seen = new Set<number>();
    for (let i = 0; i < 1_000; i++) seen.add(random.int(1, 5));
    expect([...seen].sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('picks by weight and never picks a zero weight', () => {
    const random = SeededRandom.fromSeed(9);
    const counts = [0, 0, 0];
    for (let i = 0; i < 10_000; i++) counts[random.weightedIndex([1, 0, 3])]! += 1;
    expect(counts[1]).toBe(0);
    expect(counts[2]! / counts[0]!).toBeGreaterThan(2.6);
    expect(counts[2]! / counts[0]!).toBeLessThan(3.4);
    expect(random.weightedIndex([0, 0])).toBe(-1);
  });

  it('draws log-normal amounts around their median and Poisson counts around their rate', () => {
    const random = SeededRandom.fromSeed(13);
    const amounts = Array.from({ length: 5_001 }, () => random.logNormal(30, 0.5)).sort((a, b) => a - b);
    expect(amounts[2_500]).toBeGreaterThan(28);
    expect(amounts[2_500]).toBeLessThan(32);
    const counts = Array.from({ length: 5_000 }, () => random.poisson(2.5));
    expect(counts.reduce((sum, count) => sum + count, 0) / counts.length).toBeCloseTo(2.5, 1);
  });
});
