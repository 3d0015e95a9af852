import type { SeededRandom } from './seeded-random.js';

/** An hour range [from, to) of the day and its relative weight. */
export interface HourWindow {
  from: number;
  to: number;
  weight: number;
}

/** An hour of the day as a fraction (13.5 = 13:30), drawn from weighted windows. */
export function hourOfDay(random: SeededRandom, windows: readonly HourWindow[]): number {
  const window = windows[random.weightedIndex(windows.map((candidate) => candidate.weight))] ?? { from: 12, to: 13, weight: 1 };
  return random.uniform(window.from, window.to);
}
