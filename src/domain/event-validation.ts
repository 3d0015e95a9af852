import { RelearnError } from './errors.js';
import type { ExpenseRecorded, InputEvent, InputEventType, LabelRecorded, SheetSubmitted, TransactionRecorded } from './events.js';

/**
 * Checks what a schema cannot: values that decode fine but are impossible. Throws
 * RelearnError INVALID_EVENT naming the field and what was expected, so the DLQ record
 * says exactly what is wrong.
 */
type Fields = Record<string, unknown>;

function invalid(type: InputEventType, field: string, expected: string, value: unknown): never {
  const shown = typeof value === 'number' || typeof value === 'string' ? JSON.stringify(value) : typeof value;
  throw new RelearnError('INVALID_EVENT', `${type}.${field}: expected ${expected}, got ${shown}`);
}

function text(type: InputEventType, value: Fields, field: string): string {
  const found = value[field];
  if (typeof found !== 'string' || found.trim().length === 0) invalid(type, field, 'a non-empty string', found);
  return found;
}

function finite(type: InputEventType, value: Fields, field: string): number {
  const found = value[field];
  if (typeof found !== 'number' || !Number.isFinite(found)) invalid(type, field, 'a finite number', found);
  return found;
}

function timestamp(type: InputEventType, value: Fields, field: string): number {
  const found = finite(type, value, field);
  if (found < 0) invalid(type, field, 'a timestamp at or after 1970', found);
  return found;
}

function validateTransaction(value: Fields): TransactionRecorded {
  const type = 'transaction';
  const category = value.category;
  if (category !== null && (typeof category !== 'string' || category.trim().length === 0)) invalid(type, 'category', 'null or a non-empty string', category);
  return {
    eventId: text(type, value, 'eventId'),
    userId: text(type, value, 'userId'),
    transactionId: text(type, value, 'transactionId'),
    occurredAt: timestamp(type, value, 'occurredAt'),
    amount: finite(type, value, 'amount'),
    currency: text(type, value, 'currency'),
    merchant: text(type, value, 'merchant'),
    description: typeof value.description === 'string' ? value.description : invalid(type, 'description', 'a string', value.description),
    category,
  };
}

function validateExpense(value: Fields): ExpenseRecorded {
  const type = 'expense';
  const amount = finite(type, value, 'amount');
  if (amount < 0) invalid(type, 'amount', 'a non-negative amount', amount);
  return {
    eventId: text(type, value, 'eventId'),
    orgId: text(type, value, 'orgId'),
    sheetId: text(type, value, 'sheetId'),
    expenseId: text(type, value, 'expenseId'),
    employeeId: text(type, value, 'employeeId'),
    occurredAt: timestamp(type, value, 'occurredAt'),
    amount,
    currency: text(type, value, 'currency'),
    category: text(type, value, 'category'),
    vendor: text(type, value, 'vendor'),
    description: typeof value.description === 'string' ? value.description : invalid(type, 'description', 'a string', value.description),
  };
}

function validateSheet(value: Fields): SheetSubmitted {
  const type = 'sheet';
  const expenseCount = finite(type, value, 'expenseCount');
  if (!Number.isInteger(expenseCount) || expenseCount < 0) invalid(type, 'expenseCount', 'a non-negative integer', expenseCount);
  return {
    eventId: text(type, value, 'eventId'),
    orgId: text(type, value, 'orgId'),
    sheetId: text(type, value, 'sheetId'),
    expenseCount,
    submittedAt: timestamp(type, value, 'submittedAt'),
  };
}

function validateLabel(value: Fields): LabelRecorded {
  const type = 'label';
  const scope = value.scope as Fields | null | undefined;
  if (typeof scope !== 'object' || scope === null) invalid(type, 'scope', 'a {type, id} record', scope);
  const scopeType = scope.type;
  if (scopeType !== 'user' && scopeType !== 'org') invalid(type, 'scope.type', "'user' or 'org'", scopeType);
  const scopeId = scope.id;
  if (typeof scopeId !== 'string' || scopeId.trim().length === 0) invalid(type, 'scope.id', 'a non-empty string', scopeId);
  return {
    eventId: text(type, value, 'eventId'),
    scope: { type: scopeType, id: scopeId },
    itemId: text(type, value, 'itemId'),
    label: text(type, value, 'label'),
    recordedAt: timestamp(type, value, 'recordedAt'),
  };
}

/** Returns a plain, validated copy of a decoded value (avsc gives record instances). */
export function validateInputEvent(type: InputEventType, decoded: unknown): InputEvent {
  if (typeof decoded !== 'object' || decoded === null) invalid(type, '(value)', 'a record', decoded);
  const value = decoded as Fields;
  switch (type) {
    case 'transaction':
      return { type, event: validateTransaction(value) };
    case 'expense':
      return { type, event: validateExpense(value) };
    case 'sheet':
      return { type, event: validateSheet(value) };
    case 'label':
      return { type, event: validateLabel(value) };
  }
}
