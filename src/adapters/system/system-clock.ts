import type { Clock } from '../../ports/clock.js';

/** Wall-clock time: the real service's clock (the embedded run uses ManualClock). */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }
}
