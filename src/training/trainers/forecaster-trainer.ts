import { weekIndex, weeklySpend } from '../../domain/features/weekly-spend.js';
import {
  DEFAULT_FORECASTER_OPTIONS,
  fitSeasonalForecaster,
  forecastErrors,
  type SeasonalForecasterModel,
} from '../../engines/seasonal-forecaster.js';
import type { StoredTransaction } from '../../ports/event-store.js';
import { windowOf } from '../held-out-split.js';
import { packArtifact, unpackArtifact } from '../model-artifact.js';
import type { TrainingOutcome, TrainingTask } from '../training-task.js';
import { readableChampion } from '../readable-champion.js';

export const FORECASTER_ENGINE = 'seasonal-blend';

export function loadForecaster(artifact: Uint8Array): SeasonalForecasterModel {
  const { header, payload } = unpackArtifact(artifact);
  if (header.kind !== 'forecaster') throw new Error(`artifact holds a ${header.kind} model, not a forecaster`);
  return JSON.parse(new TextDecoder().decode(payload)) as SeasonalForecasterModel;
}

/**
 * Weekly spend per category. The last weeks are held out (only complete weeks: the
 * current one is still filling up) and both the challenger and the champion forecast
 * them one step ahead; the seasonal-naive baseline's errors are reported beside them.
 */
export function trainForecaster(task: Extract<TrainingTask, { kind: 'forecaster' }>): TrainingOutcome {
  const started = performance.now();
  const rows = [...task.rows].sort((a, b) => a.occurredAt - b.occurredAt);
  const lastCompleteWeek = rows.length === 0 ? 0 : weekIndex(rows[rows.length - 1]?.occurredAt ?? 0) - 1;
  const spend = weeklySpend(rows, lastCompleteWeek);
  const heldOutWeeks = Math.min(Math.max(2, Math.round(spend.weeks * task.heldOutFraction)), Math.floor(spend.weeks / 2));
  const trainWeeks = spend.weeks - heldOutWeeks;
  const trainingSeries: Record<string, number[]> = {};
  for (const [name, values] of Object.entries(spend.series)) trainingSeries[name] = values.slice(0, trainWeeks);
  const model = fitSeasonalForecaster(trainingSeries, DEFAULT_FORECASTER_OPTIONS);
  const errors = forecastErrors(model, spend.series, trainWeeks, spend.weeks);
  const champion = readableChampion(task.championArtifact, loadForecaster);
  const championErrors = champion === null ? null : forecastErrors(champion, spend.series, trainWeeks, spend.weeks);
  const asMetrics = (e: typeof errors): Record<string, number> => ({
    mae: e.mae,
    mape: e.mape,
    baselineMae: e.baselineMae,
    baselineMape: e.baselineMape,
    // Negated so "higher is better" holds for the promotion gate.
    negMae: -e.mae,
    maeVsBaseline: e.baselineMae === 0 ? 1 : e.mae / e.baselineMae,
    heldOutWeeks,
    categories: Object.keys(spend.series).length,
  });
  const trainRows = rows.filter((row) => weekIndex(row.occurredAt) < spend.firstWeek + trainWeeks);
  return {
    kind: 'forecaster',
    engine: FORECASTER_ENGINE,
    mode: 'full',
    artifact: packArtifact({ kind: 'forecaster', engine: FORECASTER_ENGINE, meta: { weeks: trainWeeks } }, new TextEncoder().encode(JSON.stringify(model))),
    metrics: asMetrics(errors),
    championMetrics: championErrors === null ? null : asMetrics(championErrors),
    primaryMetric: { name: 'negMae', higherIsBetter: true },
    trainedOn: windowOf(trainRows),
    hyperparameters: { seasonLength: model.options.seasonLength, recentWindow: model.options.recentWindow, seasons: model.options.seasons },
    trainMs: performance.now() - started,
  };
}

export function forecasterRows(rows: readonly StoredTransaction[]): StoredTransaction[] {
  return rows.filter((row) => row.amount < 0);
}
