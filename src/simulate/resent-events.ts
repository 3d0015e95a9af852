import type { SeededRandom } from './seeded-random.js';
import type { SimulatedEventRecord } from './simulated-record.js';

/** The longest a producer takes to retry a send it believed failed. */
const MAX_RESEND_DELAY_MS = 15 * 60_000;

/**
 * Second copies of `resendRate` of the events, as a producer retrying after a lost ack
 * would send them: same payload, same eventId, a little later.
 */
export function resentEvents(random: SeededRandom, originals: readonly SimulatedEventRecord[], resendRate: number): SimulatedEventRecord[] {
  const copies: SimulatedEventRecord[] = [];
  for (const original of originals) {
    if (!random.chance(resendRate)) continue;
    const at = original.at + random.int(1_000, MAX_RESEND_DELAY_MS);
    // A copy, not the same object: a consumer that mutates one must not change the other.
    copies.push({ ...structuredClone(original), at, resend: true });
  }
  return copies;
}
