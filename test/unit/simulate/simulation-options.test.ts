import { describe, expect, it } from 'vitest';
import { DEFAULT_SIMULATION_OPTIONS, resolveSimulationOptions } from '../../../src/simulate/simulation-options.js';

describe('resolveSimulationOptions', () => {
  it('fills in the documented defaults and freezes the result', () => {
    const options = resolveSimulationOptions({ users: 3 });
    expect(options).toEqual({ ...DEFAULT_SIMULATION_OPTIONS, users: 3 });
    expect(DEFAULT_SIMULATION_OPTIONS).toMatchObject({ users: 40, orgs: 4, days: 120, seed: 42, invalidRate: 0.01, drift: false, resendRate: 0.02 });
    expect(new Date(DEFAULT_SIMULATION_OPTIONS.start).toISOString()).toBe('2026-01-05T00:00:00.000Z');
    expect(Object.isFrozen(options)).toBe(true);
  });

  it.each([
    [{ users: -1 }, /users/],
    [{ orgs: 1.5 }, /orgs/],
    [{ days: 0 }, /days/],
    [{ seed: Number.NaN }, /seed/],
    [{ invalidRate: 1 }, /invalidRate/],
    [{ invalidRate: -0.1 }, /invalidRate/],
    [{ resendRate: 1.5 }, /resendRate/],
    [{ start: Number.POSITIVE_INFINITY }, /start/],
  ])('rejects %o naming the option', (overrides, message) => {
    expect(() => resolveSimulationOptions(overrides)).toThrow(message);
  });
});
