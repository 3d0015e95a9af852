/**
 * Spend forecaster: for each series (one category's weekly spend), a blend of the
 * seasonal average (same phase in the last few seasons) and the recent level (mean of
 * the last weeks). The blend weight is fitted per series by one-step-ahead error on the
 * training weeks. Small, explainable, and measured against the seasonal-naive baseline.
 */
export interface SeasonalForecasterOptions {
  /** Weeks per season: 4 ≈ the monthly rhythm of rent and salary. */
  seasonLength: number;
  /** Weeks averaged for the recent level. */
  recentWindow: number;
  /** Seasons averaged for the seasonal component. */
  seasons: number;
  /** Blend weights tried (weight of the seasonal component). */
  candidates: readonly number[];
}

export const DEFAULT_FORECASTER_OPTIONS: SeasonalForecasterOptions = {
  seasonLength: 4,
  recentWindow: 4,
  seasons: 3,
  candidates: [0, 0.25, 0.5, 0.75, 1],
};

export interface SeasonalForecasterModel {
  options: SeasonalForecasterOptions;
  /** Seasonal weight per series name. */
  weights: Record<string, number>;
}

function meanOf(values: readonly number[], from: number, to: number): number | undefined {
  let sum = 0;
  let count = 0;
  for (let index = Math.max(0, from); index < to; index += 1) {
    sum += values[index] ?? 0;
    count += 1;
  }
  return count === 0 ? undefined : sum / count;
}

/** The seasonal-naive baseline: the value one season ago (or the last value if the history is shorter). */
export function seasonalNaive(history: readonly number[], t: number, seasonLength: number): number {
  if (t - seasonLength >= 0) return history[t - seasonLength] ?? 0;
  return t > 0 ? (history[t - 1] ?? 0) : 0;
}

/** Forecast for week `t` from `history[0..t)`. */
export function forecastAt(history: readonly number[], t: number, weight: number, options: SeasonalForecasterOptions): number {
  const recent = meanOf(history, t - options.recentWindow, t) ?? 0;
  let seasonalSum = 0;
  let seasonalCount = 0;
  for (let season = 1; season <= options.seasons; season += 1) {
    const index = t - season * options.seasonLength;
    if (index < 0) break;
    seasonalSum += history[index] ?? 0;
    seasonalCount += 1;
  }
  const seasonal = seasonalCount === 0 ? recent : seasonalSum / seasonalCount;
  return weight * seasonal + (1 - weight) * recent;
}

export function fitSeasonalForecaster(series: Readonly<Record<string, readonly number[]>>, options: SeasonalForecasterOptions = DEFAULT_FORECASTER_OPTIONS): SeasonalForecasterModel {
  const weights: Record<string, number> = {};
  for (const [name, values] of Object.entries(series)) {
    let best = 0.5;
    let bestError = Number.POSITIVE_INFINITY;
    for (const weight of options.candidates) {
      let error = 0;
      for (let t = 1; t < values.length; t += 1) error += Math.abs(forecastAt(values, t, weight, options) - (values[t] ?? 0));
      if (error < bestError - 1e-9) {
        bestError = error;
        best = weight;
      }
    }
    weights[name] = best;
  }
  return { options: { ...options, candidates: [...options.candidates] }, weights };
}

export interface ForecastErrors {
  mae: number;
  mape: number;
  baselineMae: number;
  baselineMape: number;
  points: number;
}

/**
 * One-step-ahead errors over weeks [from, to) of every series, for the model and the
 * seasonal-naive baseline. MAPE skips weeks with zero actual spend (undefined there).
 */
export function forecastErrors(model: SeasonalForecasterModel, series: Readonly<Record<string, readonly number[]>>, from: number, to: number): ForecastErrors {
  let absolute = 0;
  let baselineAbsolute = 0;
  let percent = 0;
  let baselinePercent = 0;
  let points = 0;
  let percentPoints = 0;
  for (const [name, values] of Object.entries(series)) {
    const weight = model.weights[name] ?? 0.5;
    for (let t = Math.max(1, from); t < Math.min(to, values.length); t += 1) {
      const actual = values[t] ?? 0;
      const predicted = forecastAt(values, t, weight, model.options);
      const naive = seasonalNaive(values, t, model.options.seasonLength);
      absolute += Math.abs(predicted - actual);
      baselineAbsolute += Math.abs(naive - actual);
      points += 1;
      if (actual > 0) {
        percent += Math.abs(predicted - actual) / actual;
        baselinePercent += Math.abs(naive - actual) / actual;
        percentPoints += 1;
      }
    }
  }
  const safe = (sum: number, count: number): number => (count === 0 ? 0 : sum / count);
  return {
    mae: safe(absolute, points),
    mape: safe(percent, percentPoints),
    baselineMae: safe(baselineAbsolute, points),
    baselineMape: safe(baselinePercent, percentPoints),
    points,
  };
}
