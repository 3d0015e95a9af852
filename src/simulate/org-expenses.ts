import type { ExpenseRecorded, LabelRecorded, SheetSubmitted } from '../domain/events.js';
import { CURRENCY_REGIONS, roundToCents } from './currency-region.js';
import {
  EXPENSE_CATEGORY_RHYTHMS,
  EXPENSE_VENDORS,
  ROLE_EXPENSE_MIX,
  SUSPICIOUS_VENDORS,
  type ExpenseCategory,
  type ExpenseVendor,
} from './expense-catalogue.js';
import { hourOfDay } from './hour-of-day.js';
import type { Employee, OrgProfile } from './org-profile.js';
import type { SeededRandom } from './seeded-random.js';
import { DAY_MS, HOUR_MS, type SimulatedDay } from './simulation-calendar.js';
import { PLANTED_ANOMALY_KINDS, type PlantedAnomalyKind, type SimulatedEventRecord } from './simulated-record.js';
import { eventIdOf, type SimulationRun } from './simulation-run.js';
import { titleCase } from './statement-description.js';

/** Share of expense lines planted as suspicious. */
const PLANTED_SHARE = 0.03;
/** Share of planted expenses an auditor catches and labels 'fraud'. */
const CAUGHT_SHARE = 0.6;
/** Share of ordinary expenses an audit confirms as 'legit'. */
const CONFIRMED_LEGIT_SHARE = 0.1;
/** A sheet covers at most this many days before its submission. */
const MAX_SHEET_SPAN_DAYS = 21;
const ROUND_AMOUNTS = [250, 300, 400, 500, 750, 1000, 1500, 2000];

const CITIES = CURRENCY_REGIONS.flatMap((region) => region.cities.map(([city]) => titleCase(city)));

interface Submission {
  employee: Employee;
  day: SimulatedDay;
  submittedAt: number;
}

interface ExpenseLine {
  expense: ExpenseRecorded;
  anomaly: PlantedAnomalyKind | null;
}

/**
 * One organisation's expense sheets: each employee files a sheet every week or few, its
 * lines (ExpenseRecorded) reach the topic before the SheetSubmitted that closes it; about
 * 3% of lines are planted anomalies, some of which an auditor later labels 'fraud'.
 */
export function simulateOrgExpenses(profile: OrgProfile, random: SeededRandom, run: SimulationRun): SimulatedEventRecord[] {
  const records: SimulatedEventRecord[] = [];
  const submissions = scheduleSubmissions(profile, random, run);
  const history = new Map<string, ExpenseRecorded[]>();
  const lastSubmissionDay = new Map<string, number>();
  let labelCount = 0;

  submissions.forEach((submission, sheetIndex) => {
    const { employee, day: submitDay, submittedAt } = submission;
    const sheetId = `${profile.orgId}-s${String(sheetIndex + 1).padStart(4, '0')}`;
    const previousDay = lastSubmissionDay.get(employee.employeeId);
    lastSubmissionDay.set(employee.employeeId, submitDay.index);
    const firstDay = Math.max(0, previousDay ?? submitDay.index - 14, submitDay.index - MAX_SHEET_SPAN_DAYS);
    const spanDays = run.calendar.slice(Math.min(firstDay, submitDay.index - 1), submitDay.index);
    const tripCity = random.pick(CITIES);
    const employeeHistory = history.get(employee.employeeId) ?? [];
    history.set(employee.employeeId, employeeHistory);

    const lineCount = random.int(employee.minLines, employee.maxLines);
    const lines: ExpenseLine[] = [];
    for (let lineIndex = 1; lineIndex <= lineCount; lineIndex++) {
      const expenseId = `${sheetId}-l${String(lineIndex).padStart(2, '0')}`;
      const line = expenseLine(random, run, profile, employee, { sheetId, expenseId, spanDays, tripCity, history: employeeHistory });
      lines.push(line);
      employeeHistory.push(line.expense);
    }

    // Lines always reach the topic before the sheet that closes them.
    const burst = random.chance(profile.burstUploadShare);
    let uploadAt = submittedAt - lineCount * 100_000;
    lines.forEach((line, position) => {
      const latestAt = submittedAt - (lineCount - position) * 1_000;
      uploadAt += random.int(20_000, 90_000);
      // A claimed-twice receipt is entered with the sheet, never back when the original was spent.
      const asUploaded = burst || line.anomaly === 'duplicate-submission';
      const enteredAt = asUploaded ? uploadAt : line.expense.occurredAt + random.int(20 * 60_000, 30 * 3_600_000);
      records.push({
        kind: 'event',
        role: 'expenses',
        key: sheetId,
        at: Math.min(enteredAt, latestAt),
        resend: false,
        event: line.expense,
        truth: { anomaly: line.anomaly },
      });
    });
    const sheet: SheetSubmitted = {
      eventId: eventIdOf(run, 'sheet', sheetId),
      orgId: profile.orgId,
      sheetId,
      expenseCount: lineCount,
      submittedAt,
    };
    records.push({ kind: 'event', role: 'expense-sheets', key: sheetId, at: submittedAt, resend: false, event: sheet });

    for (const line of lines) {
      let label: 'fraud' | 'legit' | undefined;
      let afterDays = 0;
      if (line.anomaly !== null && random.chance(CAUGHT_SHARE)) {
        label = 'fraud';
        afterDays = random.uniform(1, 14);
      } else if (line.anomaly === null && random.chance(CONFIRMED_LEGIT_SHARE)) {
        label = 'legit';
        afterDays = random.uniform(2, 20);
      }
      if (label === undefined) continue;
      const recordedAt = submittedAt + Math.round(afterDays * DAY_MS);
      if (recordedAt >= run.end) continue;
      labelCount++;
      const labelEvent: LabelRecorded = {
        eventId: eventIdOf(run, 'label', `${profile.orgId}-l${String(labelCount).padStart(5, '0')}`),
        scope: { type: 'org', id: profile.orgId },
        itemId: line.expense.expenseId,
        label,
        recordedAt,
      };
      records.push({ kind: 'event', role: 'labels', key: profile.orgId, at: recordedAt, resend: false, event: labelEvent });
    }
  });
  return records;
}

/** Every employee's sheets over the period, in submission order; sheets go in on working days, in office hours. */
function scheduleSubmissions(profile: OrgProfile, random: SeededRandom, run: SimulationRun): Submission[] {
  const submissions: Submission[] = [];
  const days = run.calendar.length;
  for (const employee of profile.employees) {
    let next = random.int(2, Math.max(2, Math.round(employee.submitEveryDays)));
    while (next < days) {
      let index = next;
      while (run.calendar[index]?.isWeekend === true) index++;
      const day = run.calendar[index];
      if (day === undefined) break;
      submissions.push({ employee, day, submittedAt: day.startsAt + Math.floor(random.uniform(9, 18) * HOUR_MS) });
      next = index + Math.max(2, Math.round(employee.submitEveryDays * random.uniform(0.6, 1.4)));
    }
  }
  // Stable: same-instant submissions keep employee order.
  return submissions.sort((left, right) => left.submittedAt - right.submittedAt);
}

interface LineContext {
  sheetId: string;
  expenseId: string;
  /** The days the sheet covers, all before its submission day. */
  spanDays: readonly SimulatedDay[];
  tripCity: string;
  history: readonly ExpenseRecorded[];
}

function expenseLine(random: SeededRandom, run: SimulationRun, profile: OrgProfile, employee: Employee, context: LineContext): ExpenseLine {
  const mix = ROLE_EXPENSE_MIX[employee.role];
  const categories = Object.keys(mix) as ExpenseCategory[];
  const category = categories[random.weightedIndex(categories.map((candidate) => mix[candidate] ?? 0))] ?? 'meals';
  const vendors = EXPENSE_VENDORS.filter((candidate) => candidate.category === category);
  const vendor = random.pick(vendors);
  const rhythm = EXPENSE_CATEGORY_RHYTHMS[category];
  const day = context.spanDays[random.weightedIndex(context.spanDays.map((candidate) => (candidate.isWeekend ? rhythm.weekendWeight : 1)))] ?? context.spanDays[0];
  if (day === undefined) throw new RangeError(`sheet ${context.sheetId} covers no day`);
  let occurredAt = day.startsAt + Math.floor(hourOfDay(random, rhythm.hourWindows) * HOUR_MS);
  let { amount, description } = ordinaryAmountAndDescription(random, profile, vendor, context.tripCity);
  let vendorName = vendor.name;

  let anomaly: PlantedAnomalyKind | null = random.chance(PLANTED_SHARE) ? random.pick(PLANTED_ANOMALY_KINDS) : null;
  if (anomaly === 'duplicate-submission') {
    const original = context.history.length > 0 ? context.history[random.int(Math.max(0, context.history.length - 30), context.history.length - 1)] : undefined;
    if (original !== undefined) {
      // The same receipt claimed twice: everything but the ids is copied.
      return {
        expense: { ...original, eventId: eventIdOf(run, 'expense', context.expenseId), sheetId: context.sheetId, expenseId: context.expenseId },
        anomaly,
      };
    }
    anomaly = 'inflated-amount';
  }
  switch (anomaly) {
    case 'inflated-amount':
      // Inflate from at least the vendor's typical price, so a cheap draw still ends up far above the norm.
      amount = roundToCents(Math.max(amount, vendor.typicalAmount * profile.region.priceLevel) * random.uniform(6, 15));
      break;
    case 'off-hours': {
      const weekend = context.spanDays.filter((candidate) => candidate.isWeekend);
      const oddDay = weekend.length > 0 && random.chance(0.6) ? random.pick(weekend) : day;
      occurredAt = oddDay.startsAt + Math.floor(random.uniform(0.5, 4.5) * HOUR_MS);
      break;
    }
    case 'round-amount':
      amount = random.pick(ROUND_AMOUNTS);
      break;
    case 'unusual-vendor':
      vendorName = random.pick(SUSPICIOUS_VENDORS);
      amount = roundToCents(amount * random.uniform(2, 5));
      description = description.replaceAll(vendor.name, vendorName);
      break;
    case null:
      break;
  }

  return {
    expense: {
      eventId: eventIdOf(run, 'expense', context.expenseId),
      orgId: profile.orgId,
      sheetId: context.sheetId,
      expenseId: context.expenseId,
      employeeId: employee.employeeId,
      occurredAt,
      amount,
      currency: profile.region.currency,
      category,
      vendor: vendorName,
      description,
    },
    anomaly,
  };
}

function ordinaryAmountAndDescription(random: SeededRandom, profile: OrgProfile, vendor: ExpenseVendor, tripCity: string): { amount: number; description: string } {
  const text = random.pick(vendor.descriptions).replaceAll('{city}', tripCity).replaceAll('{vendor}', vendor.name);
  const priceLevel = profile.region.priceLevel;
  switch (vendor.category) {
    case 'lodging': {
      const nights = random.int(1, 3);
      const amount = roundToCents(random.logNormal(vendor.typicalAmount * priceLevel, vendor.spread) * nights);
      return { amount, description: `${text} (${nights} night${nights === 1 ? '' : 's'})` };
    }
    case 'mileage': {
      // Mileage is distance times the statutory rate, so its amounts are exact multiples.
      const inKilometres = profile.region.currency === 'EUR';
      const distance = Math.max(3, Math.round(random.logNormal(inKilometres ? 75 : 45, 0.6)));
      const rate = inKilometres ? 0.3 : vendor.typicalAmount * priceLevel;
      return { amount: roundToCents(distance * rate), description: `${text} (${distance} ${inKilometres ? 'km' : 'mi'})` };
    }
    default:
      return { amount: roundToCents(Math.max(1, random.logNormal(vendor.typicalAmount * priceLevel, vendor.spread))), description: text };
  }
}
