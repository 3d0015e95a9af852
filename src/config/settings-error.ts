import { RelearnError } from '../domain/errors.js';

/** One bad setting: where it was set, what it was set to (secrets masked) and what was expected. */
export interface SettingProblem {
  /** The environment variable, or `<path> in <file>` for a value from the JSON file. */
  variable: string;
  /** As given; `null` when the setting is missing. */
  value: string | null;
  expected: string;
}

function describe(problem: SettingProblem): string {
  const given = problem.value === null ? 'not set' : `got ${problem.value}`;
  return `  ${problem.variable}: ${given}; expected ${problem.expected}`;
}

/** Thrown by loadSettings: every bad setting at once, so one start-up attempt shows them all. */
export class SettingsError extends RelearnError {
  readonly problems: readonly SettingProblem[];

  constructor(problems: readonly SettingProblem[]) {
    super('CONFIG_INVALID', `invalid configuration (${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}):\n${problems.map(describe).join('\n')}`);
    this.name = 'SettingsError';
    this.problems = Object.freeze([...problems]);
  }
}
