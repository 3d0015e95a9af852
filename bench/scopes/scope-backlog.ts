import type { ExpenseRecorded, LabelRecorded, SheetSubmitted, TransactionRecorded } from '../../src/domain/events.js';
import { EXPENSE_VENDORS } from '../../src/simulate/expense-catalogue.js';
import { SeededRandom } from '../../src/simulate/seeded-random.js';
import { benchLabel, benchTransaction, benchUser, DAY_MS, HOUR_MS } from '../ingest/synthetic-transaction.js';

/** The input topic roles the scopes backlog writes to. */
export const SCOPE_ROLES = ['transactions', 'labels', 'expenses', 'expense-sheets'] as const;
export type ScopeRole = (typeof SCOPE_ROLES)[number];

/** One record to produce on its topic role, with the key relearn's topics use (userId, sheetId). */
export type ScopeRecord =
  | { role: 'transactions'; key: string; event: TransactionRecorded }
  | { role: 'labels'; key: string; event: LabelRecorded }
  | { role: 'expenses'; key: string; event: ExpenseRecorded }
  | { role: 'expense-sheets'; key: string; event: SheetSubmitted };

export interface ScopeBacklogShape {
  users: number;
  /** Transactions per user: uniform in [min, max]. */
  transactionsPerUser: { min: number; max: number };
  /** Share of transactions produced with a category. */
  labelShare: number;
  /** Share of the unlabeled transactions that get a LabelRecorded later. */
  labelEventShare: number;
  orgs: number;
  sheetsPerOrg: number;
  expensesPerSheet: number;
  seed: number;
  /** Events fall in the `days` days before `end`. */
  days: number;
  end: number;
}

export interface ScopeBacklogCounts {
  transactions: number;
  labeledAtCreation: number;
  labelEvents: number;
  expenses: number;
  sheets: number;
  records: number;
  /** Users with at least one labeled transaction (a categorizer counter). */
  labeledUsers: number;
}

/**
 * The backlog of many small scopes, in chunks of about `chunkUsers` users (their
 * transactions, then their labels) followed by the organisations (each sheet's expenses,
 * then the sheet). Each user stays far below every first-model threshold, so the run
 * measures what ingest keeps per scope, not trainings. Same shape and seed, same records.
 */
export function* scopeBacklog(shape: ScopeBacklogShape, chunkUsers: number, counts: ScopeBacklogCounts): Generator<ScopeRecord[]> {
  const random = SeededRandom.fromSeed(shape.seed).fork('bench-scopes/backlog');
  const start = shape.end - shape.days * DAY_MS;
  const span = shape.end - start - 3 * DAY_MS;
  for (let first = 0; first < shape.users; first += chunkUsers) {
    const chunk: ScopeRecord[] = [];
    const labels: ScopeRecord[] = [];
    for (let index = first; index < Math.min(shape.users, first + chunkUsers); index++) {
      const user = benchUser(random, `user-${String(index).padStart(6, '0')}`);
      const transactions = random.int(shape.transactionsPerUser.min, shape.transactionsPerUser.max);
      let labeledUser = false;
      for (let n = 0; n < transactions; n++) {
        const occurredAt = Math.floor(start + random.next() * span);
        const labeled = random.chance(shape.labelShare);
        const id = `${index}-${n}`;
        const transaction = benchTransaction(random, user, { eventId: `tx-${shape.seed}-${id}`, transactionId: `t-${id}` }, occurredAt, labeled);
        chunk.push({ role: 'transactions', key: user.userId, event: transaction });
        counts.transactions++;
        if (labeled) {
          counts.labeledAtCreation++;
          labeledUser = true;
        } else if (random.chance(shape.labelEventShare)) {
          const label = benchLabel(transaction, `lb-${shape.seed}-${id}`, occurredAt + Math.floor(random.uniform(1, 48) * HOUR_MS));
          labels.push({ role: 'labels', key: user.userId, event: label });
          counts.labelEvents++;
          labeledUser = true;
        }
      }
      if (labeledUser) counts.labeledUsers++;
    }
    chunk.push(...labels);
    counts.records += chunk.length;
    yield chunk;
  }
  for (let first = 0; first < shape.orgs; first += Math.max(1, Math.floor(chunkUsers / 10))) {
    const chunk: ScopeRecord[] = [];
    for (let index = first; index < Math.min(shape.orgs, first + Math.max(1, Math.floor(chunkUsers / 10))); index++) {
      const orgId = `org-${String(index).padStart(5, '0')}`;
      for (let s = 0; s < shape.sheetsPerOrg; s++) {
        const sheetId = `${orgId}-sheet-${s}`;
        let at = Math.floor(start + random.next() * span);
        for (let e = 0; e < shape.expensesPerSheet; e++) {
          const vendor = random.pick(EXPENSE_VENDORS);
          at += Math.floor(random.uniform(1, 30) * HOUR_MS);
          const expense: ExpenseRecorded = {
            eventId: `ex-${shape.seed}-${sheetId}-${e}`,
            orgId,
            sheetId,
            expenseId: `${sheetId}-e${e}`,
            employeeId: `${orgId}-emp-${random.int(0, 19)}`,
            occurredAt: at,
            amount: Math.round(random.logNormal(vendor.typicalAmount, vendor.spread) * 100) / 100,
            currency: 'GBP',
            category: vendor.category,
            vendor: vendor.name,
            description: random.pick(vendor.descriptions).replace('{city}', 'LONDON').replace('{vendor}', vendor.name),
          };
          chunk.push({ role: 'expenses', key: sheetId, event: expense });
          counts.expenses++;
        }
        const sheet: SheetSubmitted = { eventId: `sh-${shape.seed}-${sheetId}`, orgId, sheetId, expenseCount: shape.expensesPerSheet, submittedAt: at + HOUR_MS };
        chunk.push({ role: 'expense-sheets', key: sheetId, event: sheet });
        counts.sheets++;
      }
    }
    counts.records += chunk.length;
    yield chunk;
  }
}

export function emptyCounts(): ScopeBacklogCounts {
  return { transactions: 0, labeledAtCreation: 0, labelEvents: 0, expenses: 0, sheets: 0, records: 0, labeledUsers: 0 };
}
