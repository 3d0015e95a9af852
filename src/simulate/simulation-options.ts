/** What the synthetic producer simulates. Same options => the same records, byte for byte. */
export interface SimulationOptions {
  users: number;
  orgs: number;
  days: number;
  seed: number;
  /** Share in [0, 1) of all produced records that are malformed extras (they go to the DLQ). */
  invalidRate: number;
  /** From the middle of the period: users' category mix shifts and merchants unseen before appear. */
  drift: boolean;
  /** Share in [0, 1] of valid events sent a second time with the same eventId. */
  resendRate: number;
  /** Epoch ms of simulated day 0; times of day are read in UTC from here, so midnight UTC reads best. */
  start: number;
}

export const DEFAULT_SIMULATION_OPTIONS: Readonly<SimulationOptions> = Object.freeze({
  users: 40,
  orgs: 4,
  days: 120,
  seed: 42,
  invalidRate: 0.01,
  drift: false,
  resendRate: 0.02,
  // A Monday, so week 0 is a whole calendar week.
  start: Date.UTC(2026, 0, 5),
});

/** Defaults filled in, every value checked once, the result frozen. Throws RangeError naming the bad option. */
export function resolveSimulationOptions(overrides: Partial<SimulationOptions> = {}): Readonly<SimulationOptions> {
  const options: SimulationOptions = { ...DEFAULT_SIMULATION_OPTIONS, ...overrides };
  requireInteger('users', options.users, 0);
  requireInteger('orgs', options.orgs, 0);
  requireInteger('days', options.days, 1);
  if (!Number.isSafeInteger(options.seed)) throw new RangeError(`simulation option seed must be a safe integer, got ${String(options.seed)}`);
  // A share of 1 would need infinitely many extras next to the valid records.
  if (!(options.invalidRate >= 0 && options.invalidRate < 1)) {
    throw new RangeError(`simulation option invalidRate must be in [0, 1), got ${String(options.invalidRate)}`);
  }
  if (!(options.resendRate >= 0 && options.resendRate <= 1)) {
    throw new RangeError(`simulation option resendRate must be in [0, 1], got ${String(options.resendRate)}`);
  }
  if (typeof options.drift !== 'boolean') throw new RangeError(`simulation option drift must be a boolean, got ${String(options.drift)}`);
  if (!Number.isSafeInteger(options.start)) throw new RangeError(`simulation option start must be epoch milliseconds, got ${String(options.start)}`);
  return Object.freeze(options);
}

function requireInteger(name: keyof SimulationOptions, value: unknown, minimum: number): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < minimum) {
    throw new RangeError(`simulation option ${name} must be an integer >= ${minimum}, got ${String(value)}`);
  }
}
