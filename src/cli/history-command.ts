import { Command } from 'commander';
import type { ModelKind } from '../domain/model-kind.js';
import type { Scope } from '../domain/scope.js';
import { apiClientOf, withApiOptions, type ApiFlags } from './api-options.js';
import type { HistoryEntryView } from './api-types.js';
import type { CliContext } from './cli-io.js';
import { formatKindMetrics } from './format-metrics.js';
import { formatTable, formatTime } from './format-table.js';
import { integerOption, kindOption, scopeOption } from './option-parsers.js';
import { printJson } from './print-json.js';

interface HistoryFlags extends ApiFlags {
  kind?: ModelKind;
  limit?: number;
}

export function historyCommand(context: CliContext): Command {
  return withApiOptions(new Command('history'))
    .description('training history, newest first: stored versions (trained or rejected by the promotion gate) and failed jobs')
    .argument('[scope]', 'only this scope (user:<id> or org:<id>)', scopeOption)
    .option('--kind <kind>', 'only this kind: categorizer, forecaster, anomaly', kindOption)
    .option('--limit <n>', 'at most this many (1..1000, default 100)', integerOption(1, 1000))
    .action(async (scope: Scope | undefined, flags: HistoryFlags, command: Command) => {
      const answer = await apiClientOf(flags, context, command).get<{ history: HistoryEntryView[] }>('/api/v1/history', { scope, kind: flags.kind, limit: flags.limit });
      if (flags.json) return printJson(context.io, answer);
      if (answer.history.length === 0) return context.io.out('no trainings yet\n');
      const rows = answer.history.map((entry) => [
        formatTime(entry.at),
        entry.scope,
        entry.kind,
        entry.version === null ? '-' : `v${entry.version}`,
        entry.status,
        entry.reason ?? '-',
        entry.status === 'failed' ? (entry.detail ?? '') : formatKindMetrics(entry.kind, entry.metrics),
      ]);
      context.io.out(`${formatTable(['AT', 'SCOPE', 'KIND', 'VERSION', 'STATUS', 'REASON', 'METRICS OR ERROR'], rows)}\n`);
    });
}
