/** The metrics people read first, per kind; --json carries all of them. */
export const SHOWN_METRICS: Readonly<Record<string, readonly string[]>> = {
  categorizer: ['accuracy', 'macroF1'],
  forecaster: ['mae', 'baselineMae', 'mape', 'baselineMape'],
  anomaly: ['anomalyRate', 'rocAuc', 'precision'],
};

/** `accuracy 0.912, macroF1 0.874` for the names given that the metrics hold. */
export function formatMetrics(metrics: Record<string, number>, names: readonly string[]): string {
  return names
    .filter((name) => metrics[name] !== undefined)
    .map((name) => `${name} ${metrics[name]?.toFixed(3)}`)
    .join(', ');
}

/** The shown metrics of one kind, or `-` when there are none. */
export function formatKindMetrics(kind: string, metrics: Record<string, number> | null | undefined): string {
  if (metrics === null || metrics === undefined) return '-';
  const text = formatMetrics(metrics, SHOWN_METRICS[kind] ?? Object.keys(metrics).slice(0, 3));
  return text === '' ? '-' : text;
}
