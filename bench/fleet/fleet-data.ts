// The fleet's training data: per user, the labeled transactions (categorizer) and the
// spending rows (forecaster) as the event store holds them when the user's Nth labeled
// transaction has arrived, and the same at an earlier point for the champions. Labels are
// the ones the user eventually gives (a few arrive after that point): for a throughput
// benchmark only the row counts and shapes matter.
import type { StoredTransaction } from '../../src/ports/event-store.js';
import { forecasterRows } from '../../src/training/trainers/forecaster-trainer.js';
import { simulatedUserStream, storedTransactions } from '../scenarios/simulated-user-stream.js';

export interface UserTrainingData {
  userId: string;
  /** What the first models (the champions of the retrain rounds) learn from. */
  initial: { labeled: StoredTransaction[]; spending: StoredTransaction[] };
  /** What the retrain rounds learn from: `labeled` holds exactly the requested count. */
  current: { labeled: StoredTransaction[]; spending: StoredTransaction[] };
  daysSimulated: number;
}

/** Long enough for nearly every regular user to label 500 transactions; the rest get twice as long. */
const FIRST_TRY_DAYS = 365;

function snapshot(rows: readonly StoredTransaction[], labeledCount: number): { labeled: StoredTransaction[]; spending: StoredTransaction[] } | null {
  const labeled = rows.filter((row) => row.label !== null);
  const last = labeled[labeledCount - 1];
  if (last === undefined) return null;
  return { labeled: labeled.slice(0, labeledCount), spending: forecasterRows(rows.filter((row) => row.occurredAt <= last.occurredAt)) };
}

export function userTrainingData(seed: number, userIndex: number, labeledCount: number, initialLabeledCount: number): UserTrainingData {
  for (let days = FIRST_TRY_DAYS; days <= FIRST_TRY_DAYS * 4; days *= 2) {
    const stream = simulatedUserStream({ seed, userIndex, days });
    const rows = storedTransactions(stream);
    const current = snapshot(rows, labeledCount);
    const initial = snapshot(rows, initialLabeledCount);
    if (current !== null && initial !== null) return { userId: stream.userId, initial, current, daysSimulated: days };
  }
  throw new Error(`user ${userIndex} of seed ${seed} never labels ${labeledCount} transactions`);
}
