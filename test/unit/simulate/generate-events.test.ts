import { beforeAll, describe, expect, it } from 'vitest';
import type { ExpenseRecorded, TransactionRecorded } from '../../../src/domain/events.js';
import { generateEvents, summarizeGeneration, type SimulatedEventRecord, type SimulatedRecord } from '../../../src/simulate/index.js';
import { DRIFT_MERCHANTS } from '../../../src/simulate/merchant-catalogue.js';
import { DAY_MS } from '../../../src/simulate/simulation-calendar.js';
import { DEFAULT_SIMULATION_OPTIONS } from '../../../src/simulate/simulation-options.js';
import { titleCase } from '../../../src/simulate/statement-description.js';

function originals(records: readonly SimulatedRecord[]): SimulatedEventRecord[] {
  return records.filter((record): record is SimulatedEventRecord => record.kind === 'event' && !record.resend);
}

function transactionRecords(records: readonly SimulatedRecord[]) {
  return originals(records).filter((record) => record.role === 'transactions');
}

/** Share of each true category among spending transactions that happened in [fromDay, toDay). */
function spendingMix(records: readonly SimulatedRecord[], fromDay: number, toDay: number): Map<string, number> {
  const counts = new Map<string, number>();
  let total = 0;
  for (const record of transactionRecords(records)) {
    const day = (record.event.occurredAt - DEFAULT_SIMULATION_OPTIONS.start) / DAY_MS;
    if (record.event.amount >= 0 || day < fromDay || day >= toDay) continue;
    counts.set(record.truth.category, (counts.get(record.truth.category) ?? 0) + 1);
    total++;
  }
  for (const [category, count] of counts) counts.set(category, count / total);
  return counts;
}

function totalVariationDistance(left: Map<string, number>, right: Map<string, number>): number {
  const categories = new Set([...left.keys(), ...right.keys()]);
  let sum = 0;
  for (const category of categories) sum += Math.abs((left.get(category) ?? 0) - (right.get(category) ?? 0));
  return sum / 2;
}

describe('generateEvents with the default options', () => {
  let records: SimulatedRecord[];
  beforeAll(() => {
    records = generateEvents(DEFAULT_SIMULATION_OPTIONS);
  });

  it('gives deep-equal output for the same options', () => {
    expect(generateEvents(DEFAULT_SIMULATION_OPTIONS)).toEqual(records);
  });

  it('gives different output for a different seed', () => {
    const other = generateEvents({ ...DEFAULT_SIMULATION_OPTIONS, seed: 43 });
    const firstAmounts = (list: readonly SimulatedRecord[]) => transactionRecords(list).slice(0, 20).map((record) => record.event.amount);
    expect(firstAmounts(other)).not.toEqual(firstAmounts(records));
    const eventIds = new Set(originals(records).map((record) => record.event.eventId));
    expect(originals(other).some((record) => eventIds.has(record.event.eventId))).toBe(false);
  });

  it('is sorted by publication time', () => {
    const outOfOrder = records.findIndex((record, index) => index > 0 && record.at < records[index - 1]!.at);
    expect(outOfOrder).toBe(-1);
  });

  it('keys each record as its topic expects', () => {
    const expectedKey = (record: SimulatedEventRecord): string => {
      switch (record.role) {
        case 'transactions':
          return record.event.userId;
        case 'expenses':
        case 'expense-sheets':
          return record.event.sheetId;
        case 'labels':
          return record.event.scope.id;
      }
    };
    const misKeyed = records.filter((record) => record.kind === 'event' && record.key !== expectedKey(record));
    expect(misKeyed).toEqual([]);
  });

  it('never repeats an eventId except in a resend', () => {
    const eventIds = originals(records).map((record) => record.event.eventId);
    expect(new Set(eventIds).size).toBe(eventIds.length);
  });

  it('delivers every label after the transaction or expense it labels, within the period', () => {
    const itemAt = new Map<string, number>();
    for (const record of originals(records)) {
      if (record.role === 'transactions') itemAt.set(record.event.transactionId, record.at);
      if (record.role === 'expenses') itemAt.set(record.event.expenseId, record.at);
    }
    const end = DEFAULT_SIMULATION_OPTIONS.start + DEFAULT_SIMULATION_OPTIONS.days * DAY_MS;
    const labels = originals(records).filter((record) => record.role === 'labels');
    expect(labels.length).toBeGreaterThan(1_000);
    const violations: string[] = [];
    for (const label of labels) {
      const { itemId, recordedAt, scope, label: given } = label.event;
      const labelledAt = itemAt.get(itemId);
      if (labelledAt === undefined) violations.push(`${itemId}: labels nothing`);
      else if (!(label.at > labelledAt)) violations.push(`${itemId}: label at ${label.at} before item at ${labelledAt}`);
      else if (scope.type === 'user' && !((label.at - labelledAt) / DAY_MS >= 0.5 && (label.at - labelledAt) / DAY_MS <= 10)) {
        violations.push(`${itemId}: label ${(label.at - labelledAt) / DAY_MS} days later`);
      }
      if (label.at !== recordedAt) violations.push(`${itemId}: at ${label.at} is not recordedAt ${recordedAt}`);
      if (label.at >= end) violations.push(`${itemId}: after the period`);
      if (scope.type === 'org' && given !== 'fraud' && given !== 'legit') violations.push(`${itemId}: org label ${given}`);
    }
    expect(violations).toEqual([]);
  });

  it('submits each sheet after all its expenses, with their count', () => {
    const lines = new Map<string, ExpenseRecorded[]>();
    const lastLineAt = new Map<string, number>();
    for (const record of originals(records)) {
      if (record.role !== 'expenses') continue;
      lines.set(record.event.sheetId, [...(lines.get(record.event.sheetId) ?? []), record.event]);
      lastLineAt.set(record.event.sheetId, Math.max(lastLineAt.get(record.event.sheetId) ?? 0, record.at));
    }
    const sheets = originals(records).filter((record) => record.role === 'expense-sheets');
    expect(sheets.length).toBe(lines.size);
    for (const sheet of sheets) {
      const sheetLines = lines.get(sheet.event.sheetId) ?? [];
      expect(sheet.event.expenseCount).toBe(sheetLines.length);
      expect(sheet.event.expenseCount).toBeGreaterThanOrEqual(3);
      expect(sheet.event.expenseCount).toBeLessThanOrEqual(15);
      expect(sheet.at).toBe(sheet.event.submittedAt);
      expect(sheet.at).toBeGreaterThan(lastLineAt.get(sheet.event.sheetId)!);
      for (const line of sheetLines) expect(line.occurredAt).toBeLessThan(sheet.event.submittedAt);
    }
  });

  it('gives every organisation 50 expenses in at least 2 sheets, then 10 more sheets', () => {
    const sheetsByOrg = new Map<string, number[]>();
    for (const record of originals(records)) {
      if (record.role !== 'expense-sheets') continue;
      sheetsByOrg.set(record.event.orgId, [...(sheetsByOrg.get(record.event.orgId) ?? []), record.event.expenseCount]);
    }
    expect(sheetsByOrg.size).toBe(4);
    for (const counts of sheetsByOrg.values()) {
      let expenses = 0;
      let sheetsUsed = 0;
      while (sheetsUsed < counts.length && (expenses < 50 || sheetsUsed < 2)) expenses += counts[sheetsUsed++]!;
      expect(expenses).toBeGreaterThanOrEqual(50);
      expect(counts.length - sheetsUsed).toBeGreaterThanOrEqual(10);
    }
  });

  it('resends about resendRate of the events with the same eventId and payload, a little later', () => {
    const firstCopy = new Map<string, SimulatedEventRecord>();
    const resends: SimulatedEventRecord[] = [];
    for (const record of records) {
      if (record.kind !== 'event') continue;
      if (record.resend) resends.push(record);
      else firstCopy.set(record.event.eventId, record);
    }
    const share = resends.length / firstCopy.size;
    expect(share).toBeGreaterThan(0.015);
    expect(share).toBeLessThan(0.025);
    for (const resend of resends) {
      const original = firstCopy.get(resend.event.eventId);
      expect(original).toBeDefined();
      expect(resend.event).toEqual(original!.event);
      expect(resend.event).not.toBe(original!.event);
      expect(resend.key).toBe(original!.key);
      expect(resend.at).toBeGreaterThan(original!.at);
      expect(resend.at - original!.at).toBeLessThanOrEqual(15 * 60_000);
    }
  });

  it('mixes in invalidRate of malformed records, every flaw represented', () => {
    const summary = summarizeGeneration(records);
    const invalidCount = Object.values(summary.invalid).reduce((sum, count) => sum + count, 0);
    expect(Math.abs(invalidCount / records.length - DEFAULT_SIMULATION_OPTIONS.invalidRate)).toBeLessThan(0.001);
    for (const count of Object.values(summary.invalid)) expect(count).toBeGreaterThan(0);
  });

  it('labels about 40% at creation, about 40% later, with about 3% disagreeing with the merchant', () => {
    const transactions = transactionRecords(records);
    const truthById = new Map(transactions.map((record) => [record.event.transactionId, record.truth.category]));
    const atCreation = transactions.filter((record) => record.event.category !== null);
    const later = originals(records).filter((record) => record.role === 'labels' && record.event.scope.type === 'user');
    expect(atCreation.length / transactions.length).toBeGreaterThan(0.35);
    expect(atCreation.length / transactions.length).toBeLessThan(0.48);
    expect(later.length / transactions.length).toBeGreaterThan(0.33);
    expect(later.length / transactions.length).toBeLessThan(0.45);
    const disagreeing =
      atCreation.filter((record) => record.event.category !== record.truth.category).length +
      later.filter((record) => record.role === 'labels' && record.event.label !== truthById.get(record.event.itemId)).length;
    const share = disagreeing / (atCreation.length + later.length);
    expect(share).toBeGreaterThan(0.01);
    expect(share).toBeLessThan(0.05);
  });

  it('spends with negative amounts and earns with positive ones, in realistic sizes', () => {
    const transactions = transactionRecords(records);
    const wrongSign = transactions.filter(({ event, truth }) => !Number.isFinite(event.amount) || (truth.category === 'income') !== event.amount > 0);
    expect(wrongSign).toEqual([]);
    const incomePerUser = new Map<string, number>();
    for (const { event, truth } of transactions) if (truth.category === 'income') incomePerUser.set(event.userId, (incomePerUser.get(event.userId) ?? 0) + 1);
    // Monthly pay: about four paydays in 120 days for whoever was there from the start.
    expect(Math.max(...incomePerUser.values())).toBeLessThanOrEqual(5);
    expect(Math.max(...incomePerUser.values())).toBeGreaterThanOrEqual(3);
  });

  it('gives regular users a few hundred transactions and leaves a few below the first-model threshold', () => {
    const summary = summarizeGeneration(records);
    expect(summary.users).toBe(40);
    expect(summary.orgs).toBe(4);
    expect(summary.labeledPerUser.median).toBeGreaterThan(150);
    expect(summary.usersBelowLabeledThreshold).toBeGreaterThanOrEqual(2);
    expect(summary.usersBelowLabeledThreshold).toBeLessThanOrEqual(8);
    const perUser = new Map<string, number>();
    for (const record of transactionRecords(records)) perUser.set(record.key, (perUser.get(record.key) ?? 0) + 1);
    const sorted = [...perUser.values()].sort((left, right) => left - right);
    expect(sorted[20]).toBeGreaterThan(200);
    expect(sorted[20]).toBeLessThan(600);
  });

  it('plants about 3% suspicious expenses and labels some of them fraud', () => {
    const expenses = originals(records).filter((record) => record.role === 'expenses');
    const planted = expenses.filter((record) => record.truth.anomaly !== null);
    expect(planted.length / expenses.length).toBeGreaterThan(0.015);
    expect(planted.length / expenses.length).toBeLessThan(0.05);
    const plantedIds = new Set(planted.map((record) => record.event.expenseId));
    const orgLabels = originals(records).filter((record) => record.role === 'labels' && record.event.scope.type === 'org');
    const fraud = orgLabels.filter((record) => record.role === 'labels' && record.event.label === 'fraud');
    expect(fraud.length).toBeGreaterThan(0);
    for (const label of orgLabels) {
      if (label.role !== 'labels') continue;
      expect(plantedIds.has(label.event.itemId)).toBe(label.event.label === 'fraud');
    }
    for (const { event } of expenses) expect(event.amount).toBeGreaterThan(0);
  });

  it('plants anomalies that stand out from their category', () => {
    const expenses = originals(records).filter((record) => record.role === 'expenses');
    const medianByVendor = new Map<string, number>();
    for (const vendor of new Set(expenses.map((record) => record.event.vendor))) {
      const amounts = expenses
        .filter((record) => record.event.vendor === vendor && record.truth.anomaly === null)
        .map((record) => record.event.amount)
        .sort((left, right) => left - right);
      medianByVendor.set(vendor, amounts[Math.floor(amounts.length / 2)] ?? 0);
    }
    for (const record of expenses) {
      const { event } = record;
      switch (record.truth.anomaly) {
        case 'inflated-amount':
          expect(event.amount).toBeGreaterThan(3 * medianByVendor.get(event.vendor)!);
          break;
        case 'round-amount':
          expect(event.amount % 50).toBe(0);
          break;
        case 'off-hours': {
          const hour = new Date(event.occurredAt).getUTCHours();
          expect(hour).toBeLessThan(5);
          break;
        }
        case 'unusual-vendor':
          expect(expenses.filter((other) => other.event.vendor === event.vendor).every((other) => other.truth.anomaly !== null)).toBe(true);
          break;
        case 'duplicate-submission': {
          const copies = expenses.filter(
            (other) =>
              other.event.occurredAt === event.occurredAt && other.event.amount === event.amount && other.event.vendor === event.vendor && other.event.employeeId === event.employeeId,
          );
          expect(copies.length).toBeGreaterThanOrEqual(2);
          break;
        }
        case null:
          break;
      }
    }
  });
});

describe('generateEvents with drift', () => {
  const options = { ...DEFAULT_SIMULATION_OPTIONS, drift: true };
  const half = DEFAULT_SIMULATION_OPTIONS.days / 2;
  let steady: SimulatedRecord[];
  let drifting: SimulatedRecord[];
  beforeAll(() => {
    steady = generateEvents(DEFAULT_SIMULATION_OPTIONS);
    drifting = generateEvents(options);
  });

  it('shifts the category mix in the second half, and only with drift on', () => {
    const steadyShift = totalVariationDistance(spendingMix(steady, 0, half), spendingMix(steady, half, 2 * half));
    const driftShift = totalVariationDistance(spendingMix(drifting, 0, half), spendingMix(drifting, half, 2 * half));
    expect(steadyShift).toBeLessThan(0.05);
    expect(driftShift).toBeGreaterThan(0.15);
    // The direction the design asks for: dining gives way to groceries and travel.
    const before = spendingMix(drifting, 0, half);
    const after = spendingMix(drifting, half, 2 * half);
    expect(after.get('dining')!).toBeLessThan(before.get('dining')! / 2);
    expect(after.get('groceries')!).toBeGreaterThan(before.get('groceries')!);
    expect(after.get('travel')!).toBeGreaterThan(before.get('travel')!);
  });

  it('leaves the first half as it was without drift', () => {
    const firstHalf = (list: readonly SimulatedRecord[]): TransactionRecorded[] =>
      transactionRecords(list)
        .filter((record) => record.event.occurredAt < DEFAULT_SIMULATION_OPTIONS.start + half * DAY_MS)
        .map((record) => record.event);
    expect(firstHalf(drifting)).toEqual(firstHalf(steady));
  });

  it('brings merchants never seen before, only after the middle', () => {
    const driftNames = new Set(DRIFT_MERCHANTS.flatMap((merchant) => [merchant.name, ...merchant.statementNames.map(titleCase)]));
    const newcomers = (list: readonly SimulatedRecord[]) => transactionRecords(list).filter((record) => driftNames.has(record.event.merchant));
    expect(newcomers(steady)).toHaveLength(0);
    const arrived = newcomers(drifting);
    expect(new Set(arrived.map((record) => record.event.merchant)).size).toBeGreaterThanOrEqual(5);
    expect(arrived.length).toBeGreaterThan(200);
    for (const record of arrived) expect(record.event.occurredAt).toBeGreaterThanOrEqual(DEFAULT_SIMULATION_OPTIONS.start + half * DAY_MS);
  });
});

describe('generateEvents edge cases', () => {
  it('produces nothing to break when there is nobody', () => {
    expect(generateEvents({ users: 0, orgs: 0, days: 5 })).toEqual([]);
  });

  it('honours the rates at their extremes', () => {
    const records = generateEvents({ users: 3, orgs: 1, days: 20, invalidRate: 0, resendRate: 0 });
    expect(records.some((record) => record.kind === 'invalid')).toBe(false);
    expect(records.some((record) => record.kind === 'event' && record.resend)).toBe(false);
    const allResent = generateEvents({ users: 3, orgs: 1, days: 20, invalidRate: 0, resendRate: 1 });
    expect(allResent.filter((record) => record.kind === 'event' && record.resend)).toHaveLength(records.length);
  });

  it('summarises what it counted', () => {
    const records = generateEvents({ users: 5, orgs: 2, days: 30, seed: 1 });
    const summary = summarizeGeneration(records);
    expect(Object.values(summary.byRole).reduce((sum, count) => sum + count, 0)).toBe(records.length);
    const invalidCount = Object.values(summary.invalid).reduce((sum, count) => sum + count, 0);
    const distinct = Object.values(summary.distinctByRole).reduce((sum, count) => sum + count, 0);
    expect(distinct + summary.resends + invalidCount).toBe(records.length);
    expect(summary.users).toBe(5);
    expect(summary.orgs).toBe(2);
    expect(summary.sheets).toBe(summary.distinctByRole['expense-sheets']);
  });
});
