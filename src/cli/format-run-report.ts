import type { EmbeddedRunResult } from '../app/embedded-run.js';
import { SHOWN_METRICS, formatMetrics } from './format-metrics.js';

/** The people-facing summary, like the seeds' initial-training report. */
export function formatRunReport(result: EmbeddedRunResult): string {
  const { report, timing } = result;
  const lines: string[] = [];
  lines.push('relearn embedded run');
  lines.push(`  events ingested ${report.eventsIngested}, duplicates ignored ${report.duplicatesIgnored}`);
  const dead = Object.entries(report.deadLettered);
  lines.push(`  dead-lettered ${dead.reduce((sum, [, count]) => sum + count, 0)}${dead.length === 0 ? '' : ': ' + dead.map(([reason, count]) => `${reason} ${count}`).join(', ')}`);
  lines.push('');
  lines.push('models');
  for (const [kind, summary] of Object.entries(report.summary)) {
    lines.push(
      `  ${kind.padEnd(12)} trained ${summary.trained} (promoted ${summary.promoted}, rejected ${summary.rejected}, incremental ${summary.incremental}), insufficient data ${summary.insufficientData}, failed ${summary.failed}`,
    );
    const versions = summary.championVersions === null ? 'none' : `v${summary.championVersions.min}..v${summary.championVersions.max} (mean ${summary.championVersions.mean})`;
    lines.push(`  ${''.padEnd(12)} champions ${summary.champions}/${summary.scopes} scopes, versions ${versions}`);
    const metrics = formatMetrics(summary.metrics, SHOWN_METRICS[kind] ?? []);
    if (metrics !== '') lines.push(`  ${''.padEnd(12)} champion metrics (mean): ${metrics}`);
  }
  lines.push('');
  lines.push(`decisions ${report.decisions.total}: ${Object.entries(report.decisions.byReason).map(([reason, count]) => `${reason} ${count}`).join(', ')}`);
  lines.push(
    `sheet analyses ${report.sheetAnalyses.total} (trained before analysis ${report.sheetAnalyses.trainedBeforeAnalysis}, mean anomaly rate ${report.sheetAnalyses.meanAnomalyRate})`,
  );
  lines.push('');
  lines.push(
    `wall ${(timing.wallMs / 1000).toFixed(1)} s, peak RSS ${(timing.peakRssBytes / 2 ** 20).toFixed(0)} MiB, mean train ms: ${Object.entries(timing.trainMsByKind).map(([kind, ms]) => `${kind} ${ms}`).join(', ')}`,
  );
  return lines.join('\n');
}
