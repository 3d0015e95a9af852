/**
 * A small, fast, seeded pseudo-random generator (mulberry32: 32-bit state, passes the
 * usual statistical smoke tests, good enough for bagging and feature sampling). The
 * engines use it instead of Math.random so that a model is a pure function of its data,
 * options and seed.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${String(seed)}`);
    // Scramble the seed once so nearby seeds (1, 2, 3, …) do not start on correlated streams.
    this.state = mix32(Math.trunc(seed) >>> 0);
  }

  /** A stream for sub-task `index` (e.g. one tree), independent of how many sub-tasks run. */
  static derive(seed: number, index: number): SeededRandom {
    return new SeededRandom(mix32((Math.trunc(seed) >>> 0) ^ mix32(index + 0x9e3779b9)));
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1). */
  nextFloat(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, bound); bound must be a positive integer ≤ 2^32. */
  nextInt(bound: number): number {
    return Math.floor(this.nextFloat() * bound);
  }
}

/** A 32-bit integer finaliser (from murmur3) used to spread seeds. */
function mix32(value: number): number {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
