import type { LatencyResult } from './latency-phase.js';
import type { PhaseResult } from './phase-result.js';

const LETTER: Readonly<Record<string, string>> = {
  'raw-consume': '(b)',
  'raw-insert': '(b)',
  ceiling: '(a)',
  ingest: '(c)',
  'ingest-all': '(c)',
};

const integer = (value: number) => Math.round(value).toLocaleString('en-US');
const seconds = (value: number | null) => (value === null ? 'n/a' : value.toFixed(1));

/** The throughput table: one row per measurement, in the order they ran. */
export function throughputTable(results: readonly PhaseResult[]): string {
  const head = ['measurement', 'records', 'wall s', 'records/s', 'pipeline CPU s', 'Kafka CPU s', 'MongoDB CPU s', 'load 1 min (start → end)'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, index) => (index === 0 ? '---' : '---:')).join('|')}|`];
  for (const result of results) {
    lines.push(
      `| ${LETTER[result.phase] ?? ''} ${result.label} | ${integer(result.records)} | ${seconds(result.wallMs / 1000)} | ${integer(result.recordsPerSecond)} | ${seconds(result.cpu.client)} (${result.clientProcess}) | ${seconds(result.cpu.kafka)} | ${seconds(result.cpu.mongo)} | ${result.load1.start.toFixed(2)} → ${result.load1.end.toFixed(2)} |`,
    );
  }
  return lines.join('\n');
}

/** (c)/(a) per relearn measurement, and each relearn process's start-up. */
export function ratioLines(results: readonly PhaseResult[]): string[] {
  const ceiling = results.find((result) => result.phase === 'ceiling');
  const lines: string[] = [];
  for (const result of results.filter((candidate) => candidate.clientProcess === 'relearn')) {
    const details = result.details as { spawnToReadyMs?: number; spawnToCaughtUpMs?: number; recordsPerSecondFromSpawn?: number };
    const ratio = ceiling === undefined ? 'no ceiling measured in this run' : `(c)/(a) = ${(result.recordsPerSecond / ceiling.recordsPerSecond).toFixed(3)}`;
    lines.push(
      `- ${result.label}: ${ratio}; ready ${seconds((details.spawnToReadyMs ?? Number.NaN) / 1000)} s after spawn, caught up ${seconds((details.spawnToCaughtUpMs ?? Number.NaN) / 1000)} s after spawn (${integer(details.recordsPerSecondFromSpawn ?? Number.NaN)} records/s counting start-up)`,
    );
  }
  return lines;
}

export function latencyTable(result: LatencyResult): string {
  const ms = (value: number | undefined) => (value === undefined ? 'n/a' : integer(value));
  const lines = [
    '| measure | p50 ms | p95 ms | p99 ms | max ms | mean ms | n |',
    '|---|---:|---:|---:|---:|---:|---:|',
    `| crossing sent → TrainingRequested received | ${ms(result.latencyMs?.p50)} | ${ms(result.latencyMs?.p95)} | ${ms(result.latencyMs?.p99)} | ${ms(result.latencyMs?.max)} | ${ms(result.latencyMs?.mean)} | ${result.latencyMs?.count ?? 0} |`,
    `| crossing sent → decision's requestedAt | ${ms(result.toDecisionMs?.p50)} | ${ms(result.toDecisionMs?.p95)} | ${ms(result.toDecisionMs?.p99)} | ${ms(result.toDecisionMs?.max)} | ${ms(result.toDecisionMs?.mean)} | ${result.toDecisionMs?.count ?? 0} |`,
  ];
  return [
    ...lines,
    '',
    `Crossings matched: ${result.matched} of ${result.users} (threshold ${result.threshold} labeled transactions, each user's within ${seconds(result.spanMs / 86_400_000)} days); ` +
      `${integer(result.records)} records at ${integer(result.producedRate)} records/s (target ${integer(result.targetRate)}); reasons ${JSON.stringify(result.reasons)}; ` +
      `lag 0 again ${seconds(result.drainAfterStreamMs / 1000)} s after the last send; load 1 min ${result.load1.start.toFixed(2)} → ${result.load1.end.toFixed(2)}.`,
  ].join('\n');
}
