import { weekIndex, weeklySpend } from '../domain/features/weekly-spend.js';
import type { SeasonalForecasterModel } from '../engines/seasonal-forecaster.js';
import { forecastErrors } from '../engines/seasonal-forecaster.js';
import type { StoredTransaction } from '../ports/event-store.js';
import { predictCategories, type LoadedCategorizer } from '../training/trainers/categorizer-trainer.js';

/** Prequential: the champion predicts a labeled transaction before it becomes training data. 1 = hit. */
export function prequentialSample(champion: LoadedCategorizer, transaction: StoredTransaction): number | undefined {
  if (transaction.label === null) return undefined;
  const [predicted] = predictCategories(champion, [transaction]);
  return predicted === transaction.label ? 1 : 0;
}

/**
 * A closed week's forecast error relative to the seasonal-naive baseline (above 1: the
 * champion did worse than naive). Undefined when the week had no spend to judge by.
 */
export function closedWeekErrorRatio(champion: SeasonalForecasterModel, history: readonly StoredTransaction[], closedWeek: number): number | undefined {
  const spend = weeklySpend(history, closedWeek);
  const t = closedWeek - spend.firstWeek;
  if (t < 1 || t >= spend.weeks) return undefined;
  const errors = forecastErrors(champion, spend.series, t, t + 1);
  if (errors.points === 0 || errors.baselineMae === 0) return undefined;
  return errors.mae / errors.baselineMae;
}

export { weekIndex };
