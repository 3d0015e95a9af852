import { CURRENCY_REGIONS, type CurrencyRegion } from './currency-region.js';
import type { EmployeeRole } from './expense-catalogue.js';
import type { SeededRandom } from './seeded-random.js';

export interface Employee {
  employeeId: string;
  role: EmployeeRole;
  /** Mean days between two of this employee's sheets. */
  submitEveryDays: number;
  minLines: number;
  maxLines: number;
}

export interface OrgProfile {
  orgId: string;
  region: CurrencyRegion;
  employees: readonly Employee[];
  /** Share of sheets uploaded in one go right before submission (the rest are typed in as expenses happen). */
  burstUploadShare: number;
}

const ROLE_SHARES: readonly (readonly [EmployeeRole, number])[] = [
  ['sales', 0.4],
  ['engineering', 0.35],
  ['operations', 0.25],
];

/** Sales staff travel and file often, with long sheets; the others file monthly-ish, shorter ones. */
const ROLE_HABITS: Readonly<Record<EmployeeRole, { everyDays: readonly [number, number]; lines: readonly [number, number] }>> = {
  sales: { everyDays: [7, 12], lines: [5, 15] },
  engineering: { everyDays: [14, 28], lines: [3, 8] },
  operations: { everyDays: [10, 21], lines: [3, 10] },
};

export function createOrgProfile(random: SeededRandom, orgId: string): OrgProfile {
  const region = CURRENCY_REGIONS[random.weightedIndex(CURRENCY_REGIONS.map((candidate) => candidate.share))] ?? CURRENCY_REGIONS[0];
  if (region === undefined) throw new RangeError('no currency region');
  const employeeCount = random.int(4, 10);
  const employees: Employee[] = [];
  for (let index = 1; index <= employeeCount; index++) {
    const role = ROLE_SHARES[random.weightedIndex(ROLE_SHARES.map(([, share]) => share))]?.[0] ?? 'sales';
    const habits = ROLE_HABITS[role];
    employees.push({
      employeeId: `${orgId}-e${String(index).padStart(2, '0')}`,
      role,
      submitEveryDays: random.uniform(habits.everyDays[0], habits.everyDays[1]),
      minLines: habits.lines[0],
      maxLines: habits.lines[1],
    });
  }
  return { orgId, region, employees, burstUploadShare: random.uniform(0.4, 0.8) };
}
