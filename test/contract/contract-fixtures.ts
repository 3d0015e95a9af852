import type { Decision } from '../../src/domain/decision.js';
import type { ExpenseRecorded, InputEvent, LabelRecorded, SheetSubmitted, TrainingRequested, TransactionRecorded } from '../../src/domain/events.js';
import type { ModelKind } from '../../src/domain/model-kind.js';
import type { Scope } from '../../src/domain/scope.js';
import type { EventPosition, EventStore } from '../../src/ports/event-store.js';
import type { NewModelVersion } from '../../src/ports/model-registry.js';

/** Builders shared by the contract suites: valid values with only the fields a test cares about overridden. */

export function position(offset: number, topic = 'transactions', partition = 0): EventPosition {
  return { topic, partition, offset: String(offset) };
}

export function transaction(overrides: Partial<TransactionRecorded> = {}): TransactionRecorded {
  return {
    eventId: 'tx-event-1',
    userId: 'u1',
    transactionId: 't1',
    occurredAt: 1_000,
    amount: 12.5,
    currency: 'EUR',
    merchant: 'Bakery',
    description: 'bread',
    category: null,
    ...overrides,
  };
}

export function expense(overrides: Partial<ExpenseRecorded> = {}): ExpenseRecorded {
  return {
    eventId: 'ex-event-1',
    orgId: 'o1',
    sheetId: 's1',
    expenseId: 'e1',
    employeeId: 'emp1',
    occurredAt: 1_000,
    amount: 80,
    currency: 'EUR',
    category: 'travel',
    vendor: 'Rail',
    description: 'ticket',
    ...overrides,
  };
}

export function label(overrides: Partial<LabelRecorded> = {}): LabelRecorded {
  return {
    eventId: 'label-event-1',
    scope: { type: 'user', id: 'u1' },
    itemId: 't1',
    label: 'groceries',
    recordedAt: 2_000,
    ...overrides,
  };
}

export function trainingRequest(overrides: Partial<TrainingRequested> = {}): TrainingRequested {
  return {
    requestId: 'req-1',
    scope: 'user:u1',
    modelKind: 'categorizer',
    reason: 'new-data',
    counts: { sinceLastTraining: 50 },
    metric: null,
    requestedAt: 1_000,
    priority: 40,
    mode: 'full',
    lookbackDays: null,
    force: false,
    ...overrides,
  };
}

export function decision(overrides: Partial<Decision> = {}): Decision {
  return {
    decisionId: 'user:u1/categorizer/1',
    scope: 'user:u1',
    kind: 'categorizer',
    reason: 'new-data',
    mode: 'full',
    counts: { sinceLastTraining: 50 },
    metric: null,
    sinceLastTrainingMs: null,
    decidedAt: 1_000,
    priority: 40,
    lookbackDays: null,
    force: false,
    publishedAt: null,
    ...overrides,
  };
}

export function modelVersion(scope: Scope, kind: ModelKind, overrides: Partial<NewModelVersion> = {}): NewModelVersion {
  return {
    scope,
    kind,
    engine: 'baseline',
    mode: 'full',
    requestId: 'req-1',
    trainedAt: 1_000,
    trainedOn: { rows: 100, from: 0, to: 1_000 },
    metrics: { accuracy: 0.9 },
    championMetrics: null,
    previousVersion: null,
    promoted: true,
    decision: 'promoted',
    hyperparameters: { trees: 10 },
    ...overrides,
  };
}

/** The one-event appends the contract was first written with, over `appendBatch`. */
export function withSingleAppends(store: EventStore) {
  const one = async (input: InputEvent, at: EventPosition) => {
    const [result] = await store.appendBatch([{ input, position: at }]);
    if (result === undefined) throw new Error('appendBatch returned no result');
    return result;
  };
  return Object.assign(store, {
    appendTransaction: async (event: TransactionRecorded, at: EventPosition) => {
      const { outcome, labeled } = await one({ type: 'transaction', event }, at);
      return { outcome, labeled };
    },
    appendExpense: async (event: ExpenseRecorded, at: EventPosition) => ({ outcome: (await one({ type: 'expense', event }, at)).outcome }),
    appendSheet: async (event: SheetSubmitted, at: EventPosition) => ({ outcome: (await one({ type: 'sheet', event }, at)).outcome }),
    appendLabel: async (event: LabelRecorded, at: EventPosition) => {
      const { outcome, labeled, item } = await one({ type: 'label', event }, at);
      return { outcome, newlyLabeled: labeled, item };
    },
  });
}
