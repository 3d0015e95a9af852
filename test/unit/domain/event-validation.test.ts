import { describe, expect, it } from 'vitest';
import { RelearnError } from '../../../src/domain/errors.js';
import { validateInputEvent } from '../../../src/domain/event-validation.js';
import type { ExpenseRecorded, InputEventType, LabelRecorded, SheetSubmitted, TransactionRecorded } from '../../../src/domain/events.js';

const AT = Date.UTC(2026, 2, 1, 9);

const transaction: TransactionRecorded = {
  eventId: 'evt-t1',
  userId: 'u1',
  transactionId: 't1',
  occurredAt: AT,
  amount: 12.5,
  currency: 'EUR',
  merchant: 'Bakery',
  description: 'CB BAKERY 01/03',
  category: 'groceries',
};

const expense: ExpenseRecorded = {
  eventId: 'evt-e1',
  orgId: 'o1',
  sheetId: 's1',
  expenseId: 'e1',
  employeeId: 'emp1',
  occurredAt: AT,
  amount: 80,
  currency: 'EUR',
  category: 'travel',
  vendor: 'Rail',
  description: 'train ticket',
};

const sheet: SheetSubmitted = { eventId: 'evt-s1', orgId: 'o1', sheetId: 's1', expenseCount: 3, submittedAt: AT };

const label: LabelRecorded = { eventId: 'evt-l1', scope: { type: 'user', id: 'u1' }, itemId: 't1', label: 'dining', recordedAt: AT };

/** avsc hands out record instances with a prototype; the validated copy must be a plain object. */
class DecodedRecord {
  constructor(fields: object) {
    Object.assign(this, fields);
  }
}

function rejection(type: InputEventType, value: unknown): RelearnError {
  try {
    validateInputEvent(type, value);
  } catch (error) {
    if (error instanceof RelearnError) return error;
    throw error;
  }
  throw new Error(`${type} event was accepted: ${JSON.stringify(value)}`);
}

describe('validateInputEvent', () => {
  it.each([
    ['transaction', transaction],
    ['expense', expense],
    ['sheet', sheet],
    ['label', label],
  ] as const)('accepts a valid %s and returns a plain copy', (type, event) => {
    const result = validateInputEvent(type, new DecodedRecord(event));
    expect(result).toEqual({ type, event });
    expect(Object.getPrototypeOf(result.event)).toBe(Object.prototype);
  });

  it('accepts an uncategorised transaction and a zero-expense sheet', () => {
    expect(validateInputEvent('transaction', { ...transaction, category: null }).event).toMatchObject({ category: null });
    expect(validateInputEvent('sheet', { ...sheet, expenseCount: 0 }).event).toMatchObject({ expenseCount: 0 });
  });

  it.each([
    ['transaction', { ...transaction, amount: Number.NaN }, 'transaction.amount'],
    ['expense', { ...expense, amount: Number.NaN }, 'expense.amount'],
    ['transaction', { ...transaction, amount: Number.POSITIVE_INFINITY }, 'transaction.amount'],
    ['expense', { ...expense, amount: Number.NEGATIVE_INFINITY }, 'expense.amount'],
    ['expense', { ...expense, amount: -1 }, 'expense.amount'],
    ['sheet', { ...sheet, expenseCount: -2 }, 'sheet.expenseCount'],
    ['sheet', { ...sheet, expenseCount: 1.5 }, 'sheet.expenseCount'],
    ['transaction', { ...transaction, eventId: '' }, 'transaction.eventId'],
    ['sheet', { ...sheet, eventId: '   ' }, 'sheet.eventId'],
    ['label', { ...label, eventId: '' }, 'label.eventId'],
    ['label', { ...label, scope: { type: 'team', id: 'x' } }, 'label.scope.type'],
    ['label', { ...label, scope: null }, 'label.scope'],
    ['transaction', { ...transaction, occurredAt: -5 }, 'transaction.occurredAt'],
  ] as const)('rejects a %s with a bad field as INVALID_EVENT naming %s', (type, value, field) => {
    const error = rejection(type, value);
    expect(error.code).toBe('INVALID_EVENT');
    expect(error.message.startsWith(`${field}:`)).toBe(true);
  });

  it('rejects a value that is not a record', () => {
    expect(rejection('sheet', null).code).toBe('INVALID_EVENT');
  });
});
