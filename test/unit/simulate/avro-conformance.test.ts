import fs from 'node:fs';
import avro from 'avsc';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateEvents, type InputTopicRole, type SimulatedInvalidRecord, type SimulatedRecord } from '../../../src/simulate/index.js';
import { DEFAULT_SIMULATION_OPTIONS } from '../../../src/simulate/simulation-options.js';

const SCHEMA_FILES: Record<InputTopicRole, string> = {
  transactions: 'schemas/transaction-recorded.avsc',
  expenses: 'schemas/expense-recorded.avsc',
  'expense-sheets': 'schemas/sheet-submitted.avsc',
  labels: 'schemas/label-recorded.avsc',
};

const TYPES = Object.fromEntries(
  Object.entries(SCHEMA_FILES).map(([role, file]) => [role, avro.Type.forSchema(JSON.parse(fs.readFileSync(file, 'utf8')) as avro.Schema)]),
) as Record<InputTopicRole, avro.Type>;

function schemaErrors(role: InputTopicRole, value: unknown): string[] {
  const errors: string[] = [];
  TYPES[role].isValid(value, { errorHook: (path) => errors.push(path.join('.')) });
  return errors;
}

/** The invalid value with its one broken field put right: it must then pass, so exactly that field was wrong. */
function repaired(record: SimulatedInvalidRecord): Record<string, unknown> {
  const value = { ...record.value };
  switch (record.flaw) {
    case 'nan-amount':
    case 'infinite-amount':
      value.amount = 12.5;
      break;
    case 'negative-expense-count':
      value.expenseCount = 4;
      break;
    case 'missing-event-id':
      value.eventId = 'repaired';
      break;
    case 'unknown-scope-type':
      value.scope = { ...(value.scope as object), type: 'user' };
      break;
    case 'undecodable-bytes':
      break;
  }
  return value;
}

describe('simulated records against the Avro schemas', () => {
  let records: SimulatedRecord[];
  beforeAll(() => {
    records = generateEvents({ ...DEFAULT_SIMULATION_OPTIONS, drift: true, invalidRate: 0.05 });
  });

  it('every valid event satisfies its topic schema and survives an encode/decode round trip', () => {
    const violations: string[] = [];
    let checked = 0;
    for (const record of records) {
      if (record.kind !== 'event') continue;
      for (const path of schemaErrors(record.role, record.event)) violations.push(`${record.event.eventId}: ${path}`);
      checked++;
    }
    expect(violations).toEqual([]);
    expect(checked).toBeGreaterThan(15_000);
    for (const record of records.slice(0, 500)) {
      if (record.kind !== 'event') continue;
      const type = TYPES[record.role];
      expect(type.fromBuffer(type.toBuffer(record.event))).toEqual(record.event);
    }
  });

  it('every valid event obeys the rules the schemas only state in words', () => {
    const violations: string[] = [];
    for (const record of records) {
      if (record.kind !== 'event') continue;
      const { event } = record;
      if (event.eventId === '') violations.push(`${record.role}: empty eventId`);
      switch (record.role) {
        case 'transactions':
          if (!Number.isFinite(record.event.amount)) violations.push(`${event.eventId}: amount ${record.event.amount}`);
          if (!/^[A-Z]{3}$/.test(record.event.currency)) violations.push(`${event.eventId}: currency ${record.event.currency}`);
          break;
        case 'expenses':
          if (!(Number.isFinite(record.event.amount) && record.event.amount > 0)) violations.push(`${event.eventId}: amount ${record.event.amount}`);
          break;
        case 'expense-sheets':
          if (record.event.expenseCount < 0) violations.push(`${event.eventId}: expenseCount ${record.event.expenseCount}`);
          break;
        case 'labels':
          if (!['user', 'org'].includes(record.event.scope.type)) violations.push(`${event.eventId}: scope ${String(record.event.scope.type)}`);
          break;
      }
    }
    expect(violations).toEqual([]);
  });

  it('every invalid record is broken in exactly the way its flaw says', () => {
    const invalid = records.filter((record): record is SimulatedInvalidRecord => record.kind === 'invalid');
    expect(new Set(invalid.map((record) => record.flaw)).size).toBe(6);
    for (const record of invalid) {
      if (record.flaw === 'undecodable-bytes') {
        expect(record.value).toBeNull();
        expect(record.bytes).toBeInstanceOf(Uint8Array);
        expect(record.bytes!.length).toBeGreaterThanOrEqual(5);
        // Not a Confluent frame: the magic byte would be 0.
        expect(record.bytes![0]).not.toBe(0);
        continue;
      }
      expect(record.bytes).toBeNull();
      const value = record.value!;
      switch (record.flaw) {
        case 'nan-amount':
          expect(Number.isNaN(value.amount)).toBe(true);
          break;
        case 'infinite-amount':
          expect(Math.abs(value.amount as number)).toBe(Number.POSITIVE_INFINITY);
          break;
        case 'negative-expense-count':
          expect(value.expenseCount).toBe(-3);
          break;
        case 'missing-event-id':
          expect(value.eventId).toBe('');
          break;
        case 'unknown-scope-type':
          expect((value.scope as { type: string }).type).toBe('team');
          expect(schemaErrors(record.role, value)).toEqual(['scope.type']);
          break;
      }
      expect(schemaErrors(record.role, repaired(record)), `${record.flaw} on ${record.role}`).toEqual([]);
    }
  });

  it('never lets a broken copy collide with a real event or close a real sheet', () => {
    const realEventIds = new Set<string>();
    const realSheets = new Set<string>();
    for (const record of records) {
      if (record.kind !== 'event') continue;
      realEventIds.add(record.event.eventId);
      if (record.role === 'expense-sheets') realSheets.add(record.event.sheetId);
    }
    for (const record of records) {
      if (record.kind !== 'invalid' || record.value === null) continue;
      expect(realEventIds.has(record.value.eventId as string)).toBe(false);
      if (record.role === 'expense-sheets') expect(realSheets.has(record.value.sheetId as string)).toBe(false);
    }
  });
});
