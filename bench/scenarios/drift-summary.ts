// Per-user figures of one replay around a drift point, and the user-averaged curve they make.
import { mean, sum } from '../fleet/summary-stats.js';
import type { ReplayResult } from './categorizer-replay.js';

/** Labeled events before the drift whose prequential accuracy is the pre-drift level. */
export const PRE_WINDOW = 100;
/** Post-drift labeled events are averaged in bins of this many. */
export const BIN = 20;
/** How far after the drift the curve is followed (labeled events per user). */
export const POST_WINDOW = 300;

export interface TrainingTally {
  trainings: number;
  promoted: number;
  byReason: Record<string, number>;
  /** Keyed by the mode actually trained (an incremental request falls back to full when it cannot apply). */
  byMode: Record<string, { count: number; trainMs: number }>;
  /** Incremental requests the trainer turned into full trainings. */
  fellBackToFull: number;
}

export interface UserDriftSummary {
  userId: string;
  preLevel: number;
  /** Prequential accuracy over every pre-drift labeled event that had a champion. */
  preAccuracy: number;
  /** Per complete post-drift bin: the retraining arm's and the frozen champion's accuracy. */
  bins: number[];
  frozenBins: number[];
  /** Over the first POST_WINDOW post-drift events (or as many as there are). */
  postAccuracy: number;
  postEvents: number;
  tally: TrainingTally;
}

function tally(result: ReplayResult): TrainingTally {
  const byReason: Record<string, number> = {};
  const byMode: Record<string, { count: number; trainMs: number }> = {};
  for (const training of result.trainings) {
    byReason[training.reason] = (byReason[training.reason] ?? 0) + 1;
    const entry = (byMode[training.mode] ??= { count: 0, trainMs: 0 });
    entry.count += 1;
    entry.trainMs += training.trainMs;
  }
  return {
    trainings: result.trainings.length,
    promoted: result.trainings.filter((training) => training.promoted).length,
    byReason,
    byMode,
    fellBackToFull: result.trainings.filter((training) => training.requestedMode === 'incremental' && training.mode === 'full').length,
  };
}

export function summarizeUser(userId: string, result: ReplayResult, driftStartsAt: number): UserDriftSummary {
  const before = result.events.filter((event) => event.at < driftStartsAt && event.hit !== undefined);
  const after = result.events.filter((event) => event.at >= driftStartsAt).slice(0, POST_WINDOW);
  const bins: number[] = [];
  const frozenBins: number[] = [];
  for (let start = 0; start + BIN <= after.length; start += BIN) {
    const bin = after.slice(start, start + BIN);
    bins.push(mean(bin.map((event) => event.hit ?? 0)));
    frozenBins.push(mean(bin.map((event) => event.frozenHit ?? 0)));
  }
  return {
    userId,
    preLevel: mean(before.slice(-PRE_WINDOW).map((event) => event.hit ?? 0)),
    preAccuracy: mean(before.map((event) => event.hit ?? 0)),
    bins,
    frozenBins,
    postAccuracy: mean(after.map((event) => event.hit ?? 0)),
    postEvents: after.length,
    tally: tally(result),
  };
}

export interface DriftCurve {
  users: number;
  preLevel: number;
  /** User-averaged accuracy per bin (users who completed that bin). */
  curve: number[];
  frozenCurve: number[];
  usersPerBin: number[];
  /** Labeled events per user until the curve is first back within `tolerance` of the pre-drift level; null if never within POST_WINDOW. */
  recoveredAfter: number | null;
  /** Whether every later bin stays within the tolerance too. */
  staysRecovered: boolean;
}

export function driftCurve(users: readonly UserDriftSummary[], tolerance: number): DriftCurve {
  const preLevel = mean(users.map((user) => user.preLevel));
  const binCount = Math.max(0, ...users.map((user) => user.bins.length));
  const curve: number[] = [];
  const frozenCurve: number[] = [];
  const usersPerBin: number[] = [];
  for (let bin = 0; bin < binCount; bin++) {
    const present = users.filter((user) => user.bins[bin] !== undefined);
    usersPerBin.push(present.length);
    curve.push(mean(present.map((user) => user.bins[bin] ?? 0)));
    frozenCurve.push(mean(present.map((user) => user.frozenBins[bin] ?? 0)));
  }
  const recoveredBin = curve.findIndex((value) => value >= preLevel - tolerance);
  return {
    users: users.length,
    preLevel,
    curve,
    frozenCurve,
    usersPerBin,
    recoveredAfter: recoveredBin < 0 ? null : (recoveredBin + 1) * BIN,
    staysRecovered: recoveredBin >= 0 && curve.slice(recoveredBin).every((value) => value >= preLevel - tolerance),
  };
}

/** Mean of the curve's bins from event `from` (inclusive) to `to` (exclusive), in labeled events. */
export function curveMean(curve: readonly number[], from: number, to: number): number {
  return mean(curve.slice(Math.floor(from / BIN), Math.floor(to / BIN)));
}

export function totalTally(users: readonly UserDriftSummary[]): TrainingTally {
  const total: TrainingTally = { trainings: 0, promoted: 0, byReason: {}, byMode: {}, fellBackToFull: 0 };
  for (const { tally: one } of users) {
    total.trainings += one.trainings;
    total.promoted += one.promoted;
    total.fellBackToFull += one.fellBackToFull;
    for (const [reason, count] of Object.entries(one.byReason)) total.byReason[reason] = (total.byReason[reason] ?? 0) + count;
    for (const [mode, entry] of Object.entries(one.byMode)) {
      const into = (total.byMode[mode] ??= { count: 0, trainMs: 0 });
      into.count += entry.count;
      into.trainMs += entry.trainMs;
    }
  }
  return total;
}

export function totalTrainMs(one: TrainingTally): number {
  return sum(Object.values(one.byMode).map((entry) => entry.trainMs));
}
