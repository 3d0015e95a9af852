import { Command } from 'commander';
import type { ScopeCounters } from '../domain/counters.js';
import { MODEL_KINDS } from '../domain/model-kind.js';
import type { Scope } from '../domain/scope.js';
import type { ChampionPointer } from '../ports/model-registry.js';
import { apiPath, type ApiClient } from './api-client.js';
import { apiClientOf, withApiOptions, type ApiFlags } from './api-options.js';
import type { JobView, ModelVersionView, ReadinessView } from './api-types.js';
import type { CliContext } from './cli-io.js';
import { EXIT, ExitWith } from './exit-codes.js';
import { formatKindMetrics } from './format-metrics.js';
import { formatTable, formatTime } from './format-table.js';
import { integerOption, scopeOption } from './option-parsers.js';
import { printJson } from './print-json.js';

interface StatusFlags extends ApiFlags {
  limit: number;
}

interface ScopeListing {
  scopes: { scope: Scope; counters: ScopeCounters[]; champions: Omit<ChampionPointer, 'scope'>[] }[];
  events?: Record<string, number>;
}

interface ScopeDetail {
  scope: Scope;
  counters: ScopeCounters[];
  champions: ModelVersionView[];
}

const JOB_LIST_LIMIT = 1000;

function readinessLine(url: string, readiness: ReadinessView): string {
  const checks = Object.entries(readiness.checks).map(([name, check]) => (check.ok ? `${name} ok` : `${name} FAILING: ${check.error ?? 'no answer'}`));
  return `relearn at ${url}: ${readiness.ready ? 'ready' : 'NOT READY'}${checks.length === 0 ? '' : ` (${checks.join(', ')})`}`;
}

async function countJobs(client: ApiClient): Promise<Record<'queued' | 'running' | 'failed', number>> {
  const statuses = ['queued', 'running', 'failed'] as const;
  const lists = await Promise.all(statuses.map((status) => client.get<{ jobs: JobView[] }>('/api/v1/jobs', { status, limit: JOB_LIST_LIMIT })));
  return { queued: lists[0]?.jobs.length ?? 0, running: lists[1]?.jobs.length ?? 0, failed: lists[2]?.jobs.length ?? 0 };
}

async function overview(client: ApiClient, flags: StatusFlags, context: CliContext): Promise<void> {
  const readiness = (await client.probe<ReadinessView>('/ready')).body;
  const listing = await client.get<ScopeListing>('/api/v1/scopes', { limit: flags.limit });
  const jobs = await countJobs(client);
  if (flags.json) {
    printJson(context.io, { ready: readiness.ready, checks: readiness.checks, jobs, events: listing.events ?? null, scopes: listing.scopes });
  } else {
    const lines = [readinessLine(client.baseUrl, readiness)];
    if (listing.events !== undefined) lines.push(`events stored: ${Object.entries(listing.events).map(([name, count]) => `${name} ${count}`).join(', ')}`);
    const more = (count: number) => (count >= JOB_LIST_LIMIT ? `${count}+` : String(count));
    lines.push(`jobs: ${more(jobs.running)} running, ${more(jobs.queued)} queued, ${more(jobs.failed)} failed`);
    const perKind = MODEL_KINDS.map((kind) => {
      const scopes = listing.scopes.filter((entry) => entry.counters.some((counter) => counter.kind === kind)).length;
      const champions = listing.scopes.filter((entry) => entry.champions.some((champion) => champion.kind === kind)).length;
      return `${kind} ${champions}/${scopes}`;
    });
    lines.push(`scopes: ${listing.scopes.length}${listing.scopes.length >= flags.limit ? ` (the first ${flags.limit}; raise --limit)` : ''}; with a champion per kind: ${perKind.join(', ')}`);
    const rows = listing.scopes.flatMap((entry) =>
      entry.counters.map((counter) => {
        const champion = entry.champions.find((pointer) => pointer.kind === counter.kind);
        return [entry.scope, counter.kind, String(counter.total), String(counter.sinceLastTraining), formatTime(counter.lastTrainedAt), champion === undefined ? '-' : `v${champion.version}`];
      }),
    );
    if (rows.length > 0) lines.push('', formatTable(['SCOPE', 'KIND', 'DATA', 'NEW', 'LAST TRAINED', 'CHAMPION'], rows));
    context.io.out(`${lines.join('\n')}\n`);
  }
  if (!readiness.ready) throw new ExitWith(EXIT.unavailable, 'the service is not ready');
}

async function oneScope(client: ApiClient, scope: Scope, flags: StatusFlags, context: CliContext): Promise<void> {
  const detail = await client.get<ScopeDetail>(apiPath('api', 'v1', 'scopes', scope));
  if (flags.json) return printJson(context.io, detail);
  const lines: string[] = [detail.scope];
  for (const counter of detail.counters) {
    const extra = counter.kind === 'anomaly' ? `, sheets ${counter.sheets}` : '';
    lines.push(
      `  ${counter.kind.padEnd(12)} data ${counter.total} (${counter.sinceLastTraining} new since the last training${extra}), events ${formatTime(counter.firstEventAt)} .. ${formatTime(counter.lastEventAt)}`,
    );
    lines.push(`  ${''.padEnd(12)} last trained ${formatTime(counter.lastTrainedAt)}, decisions ${counter.decisions}`);
    const champion = detail.champions.find((version) => version.kind === counter.kind);
    lines.push(
      `  ${''.padEnd(12)} champion ${champion === undefined ? 'none' : `v${champion.version} trained ${formatTime(champion.trainedAt)} on ${champion.trainedOn.rows} rows: ${formatKindMetrics(champion.kind, champion.metrics)}`}`,
    );
  }
  context.io.out(`${lines.join('\n')}\n`);
}

export function statusCommand(context: CliContext): Command {
  return withApiOptions(new Command('status'))
    .description("the service's readiness, jobs and scopes; or one scope's counters and champions")
    .argument('[scope]', 'one scope: user:<id> or org:<id>', scopeOption)
    .option('--limit <n>', 'scopes listed (1..1000)', integerOption(1, 1000), 100)
    .addHelpText('after', '\nWithout a scope, exits 3 when the service is not ready (Kafka or MongoDB unreachable).')
    .action(async (scope: Scope | undefined, flags: StatusFlags, command: Command) => {
      const client = apiClientOf(flags, context, command);
      if (scope === undefined) await overview(client, flags, context);
      else await oneScope(client, scope, flags, context);
    });
}
