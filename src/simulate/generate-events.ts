import { invalidCountFor, invalidRecords } from './invalid-records.js';
import { createOrgProfile } from './org-profile.js';
import { simulateOrgExpenses } from './org-expenses.js';
import { resentEvents } from './resent-events.js';
import { SeededRandom } from './seeded-random.js';
import { DAY_MS, simulationCalendar } from './simulation-calendar.js';
import { resolveSimulationOptions, type SimulationOptions } from './simulation-options.js';
import type { SimulationRun } from './simulation-run.js';
import type { SimulatedEventRecord, SimulatedRecord } from './simulated-record.js';
import { createUserProfile, type UserActivity } from './user-profile.js';
import { simulateUserTransactions } from './user-transactions.js';

export { summarizeGeneration, type GenerationSummary } from './summarize-generation.js';

/** Shares of users who barely use the app or joined near the end: they stay below the first-model threshold. */
const LIGHT_USER_SHARE = 0.07;
const LATE_JOINER_SHARE = 0.05;

/**
 * Every record the synthetic producers send over the period, sorted by `at` (stable).
 * Pure: no I/O, no clock, no Math.random; the same options give deep-equal output.
 * Missing options take DEFAULT_SIMULATION_OPTIONS.
 */
export function generateEvents(options: Partial<SimulationOptions> = {}): SimulatedRecord[] {
  const resolved = resolveSimulationOptions(options);
  const root = SeededRandom.fromSeed(resolved.seed);
  const run: SimulationRun = {
    calendar: simulationCalendar(resolved.start, resolved.days),
    end: resolved.start + resolved.days * DAY_MS,
    driftFromDay: resolved.drift ? Math.floor(resolved.days / 2) : undefined,
    eventIdPrefix: `sim${resolved.seed}`,
  };

  const valid: SimulatedEventRecord[] = [];
  const activities = assignActivities(root.fork('activities'), resolved.users);
  activities.forEach((activity, index) => {
    const userId = `u-${String(index + 1).padStart(4, '0')}`;
    const random = root.fork(`user:${userId}`);
    const profile = createUserProfile(random, userId, activity, resolved.days);
    appendAll(valid, simulateUserTransactions(profile, random, run));
  });
  for (let index = 1; index <= resolved.orgs; index++) {
    const orgId = `o-${String(index).padStart(2, '0')}`;
    const random = root.fork(`org:${orgId}`);
    appendAll(valid, simulateOrgExpenses(createOrgProfile(random, orgId), random, run));
  }

  const resends = resentEvents(root.fork('resends'), valid, resolved.resendRate);
  const validCount = valid.length + resends.length;
  const invalid = invalidRecords(root.fork('invalid'), run, valid, invalidCountFor(validCount, resolved.invalidRate));

  return sortedByTime([...valid, ...resends, ...invalid]);
}

/**
 * Stable sort by `at`: equal times keep generation order (a sheet's lines stay in line order).
 * Sorting indices over a typed array of times is several times faster than a comparator
 * reading `at` from records of four different shapes.
 */
function sortedByTime(records: readonly SimulatedRecord[]): SimulatedRecord[] {
  const times = new Float64Array(records.length);
  const order = new Uint32Array(records.length);
  records.forEach((record, index) => {
    times[index] = record.at;
    order[index] = index;
  });
  order.sort((left, right) => (times[left] ?? 0) - (times[right] ?? 0) || left - right);
  return Array.from(order, (index) => records[index] as SimulatedRecord);
}

function assignActivities(random: SeededRandom, users: number): UserActivity[] {
  const activities: UserActivity[] = Array.from({ length: users }, () => 'regular');
  const order = random.shuffle(activities.map((_, index) => index));
  const light = Math.round(users * LIGHT_USER_SHARE);
  const late = Math.round(users * LATE_JOINER_SHARE);
  order.forEach((userIndex, position) => {
    if (position < light) activities[userIndex] = 'light';
    else if (position < light + late) activities[userIndex] = 'late-joiner';
  });
  return activities;
}

/** push(...items) overflows the stack for very large arrays. */
function appendAll<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}
