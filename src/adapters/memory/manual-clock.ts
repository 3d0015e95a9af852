import type { Clock } from '../../ports/clock.js';

/** A clock that moves only when told: the embedded run drives it with simulated time. */
export class ManualClock implements Clock {
  constructor(private current: number) {}

  now(): number {
    return this.current;
  }

  set(time: number): void {
    if (time > this.current) this.current = time;
  }
}
