import { MODEL_KINDS } from '../domain/model-kind.js';
import { formatKindMetrics, formatMetrics, SHOWN_METRICS } from './format-metrics.js';
import type { KindTrainingSummary, TrainingItem, TrainingSummary } from './training-summary.js';

/** Items are listed one per line up to this many; past it only failures are (they need attention). */
export const ITEM_LINES_LIMIT = 20;

function counts(summary: KindTrainingSummary): string {
  const parts = [
    `trained ${summary.trained} (promoted ${summary.promoted}, rejected ${summary.rejected})`,
    `insufficient data ${summary.insufficientData}`,
    `failed ${summary.failed}`,
  ];
  if (summary.skipped > 0) parts.push(`skipped ${summary.skipped}`);
  if (summary.cancelled > 0) parts.push(`cancelled ${summary.cancelled}`);
  if (summary.unfinished > 0) parts.push(`unfinished ${summary.unfinished}`);
  return parts.join(', ');
}

function itemLine(item: TrainingItem): string {
  const name = `${item.scope} ${item.kind}`;
  switch (item.outcome) {
    case 'trained':
      return `  ${name}: trained v${item.version ?? '?'}, ${item.promoted ? 'promoted' : 'champion kept'}${item.metrics === null ? '' : `, ${formatKindMetrics(item.kind, item.metrics)}`}`;
    case 'insufficient-data':
      return `  ${name}: insufficient data (${item.detail})`;
    default:
      return `  ${name}: ${item.outcome} (${item.detail})`;
  }
}

/** The people-facing end of `train`, like the seeds' "TRAINING SUMMARY". */
export function formatTrainingSummary(summary: TrainingSummary, verbose: boolean): string {
  const lines: string[] = ['training summary'];
  for (const kind of MODEL_KINDS) {
    const kindSummary = summary.byKind[kind];
    if (kindSummary.requested === 0) continue;
    lines.push(`  ${kind.padEnd(12)} ${counts(kindSummary)}`);
    const metrics = formatMetrics(kindSummary.metrics, SHOWN_METRICS[kind] ?? []);
    if (metrics !== '') lines.push(`  ${''.padEnd(12)} mean metrics of the trained versions: ${metrics}`);
  }
  const shownItems = verbose || summary.items.length <= ITEM_LINES_LIMIT ? summary.items : summary.items.filter((item) => item.outcome === 'failed');
  if (shownItems.length > 0) {
    lines.push('');
    lines.push(...shownItems.map(itemLine));
  }
  const total = Object.values(summary.byKind).reduce(
    (sum, kind) => ({ trained: sum.trained + kind.trained, insufficient: sum.insufficient + kind.insufficientData, failed: sum.failed + kind.failed }),
    { trained: 0, insufficient: 0, failed: 0 },
  );
  lines.push('');
  lines.push(`total: trained ${total.trained}, insufficient data ${total.insufficient}, failed ${total.failed} (of ${summary.items.length} scope/kind pairs)`);
  return lines.join('\n');
}
