import { Command } from 'commander';
import type { ModelKind } from '../domain/model-kind.js';
import type { Scope } from '../domain/scope.js';
import { apiPath } from './api-client.js';
import { apiClientOf, withApiOptions, type ApiFlags } from './api-options.js';
import type { ModelVersionView } from './api-types.js';
import type { CliContext } from './cli-io.js';
import { formatKindMetrics } from './format-metrics.js';
import { formatTable, formatTime } from './format-table.js';
import { integerOption, kindOption, scopeOption } from './option-parsers.js';
import { printJson } from './print-json.js';

interface ListFlags extends ApiFlags {
  scope?: Scope;
  kind?: ModelKind;
  limit?: number;
}

function versionRows(versions: readonly ModelVersionView[], championVersion: number | null): string[][] {
  return versions.map((version) => [
    version.scope,
    version.kind,
    `v${version.version}${version.version === championVersion ? ' *' : ''}`,
    version.engine,
    version.mode,
    formatTime(version.trainedAt),
    String(version.trainedOn.rows),
    version.promoted ? 'yes' : 'no',
    formatKindMetrics(version.kind, version.metrics),
  ]);
}

const VERSION_HEADERS = ['SCOPE', 'KIND', 'VERSION', 'ENGINE', 'MODE', 'TRAINED', 'ROWS', 'PROMOTED', 'METRICS'];

export function formatModelVersion(version: ModelVersionView): string {
  const lines = [
    `${version.scope} ${version.kind} v${version.version} (${version.modelId})`,
    `  engine ${version.engine}, mode ${version.mode}, trained ${formatTime(version.trainedAt)} on ${version.trainedOn.rows} rows from ${formatTime(version.trainedOn.from)} to ${formatTime(version.trainedOn.to)}`,
    `  ${version.promoted ? 'promoted' : 'not promoted'}: ${version.decision} (previous champion ${version.previousVersion === null ? 'none' : `v${version.previousVersion}`})`,
    `  request ${version.requestId}, artifact ${version.artifactBytes} bytes`,
    `  metrics ${Object.entries(version.metrics).map(([name, value]) => `${name} ${value.toFixed(4)}`).join(', ') || '-'}`,
  ];
  if (version.championMetrics !== null) {
    lines.push(`  champion on the same held-out data ${Object.entries(version.championMetrics).map(([name, value]) => `${name} ${value.toFixed(4)}`).join(', ')}`);
  }
  const hyperparameters = Object.entries(version.hyperparameters);
  if (hyperparameters.length > 0) lines.push(`  hyperparameters ${hyperparameters.map(([name, value]) => `${name}=${String(value)}`).join(', ')}`);
  return lines.join('\n');
}

function listCommand(context: CliContext): Command {
  return withApiOptions(new Command('list'))
    .description('list model versions, newest first')
    .option('--scope <scope>', 'only this scope (user:<id> or org:<id>)', scopeOption)
    .option('--kind <kind>', 'only this kind: categorizer, forecaster, anomaly', kindOption)
    .option('--limit <n>', 'at most this many (1..1000, default 100)', integerOption(1, 1000))
    .action(async (flags: ListFlags, command: Command) => {
      const answer = await apiClientOf(flags, context, command).get<{ models: ModelVersionView[] }>('/api/v1/models', { scope: flags.scope, kind: flags.kind, limit: flags.limit });
      if (flags.json) return printJson(context.io, answer);
      if (answer.models.length === 0) return context.io.out('no models\n');
      context.io.out(`${formatTable(VERSION_HEADERS, versionRows(answer.models, null))}\n`);
    });
}

function showCommand(context: CliContext): Command {
  return withApiOptions(new Command('show'))
    .description("show a model's champion and versions, or one version with its metrics and validation results")
    .argument('<scope>', 'user:<id> or org:<id>', scopeOption)
    .argument('<kind>', 'categorizer, forecaster or anomaly', kindOption)
    .argument('[version]', 'a version number (default: the champion and every version)', integerOption(1))
    .action(async (scope: Scope, kind: ModelKind, version: number | undefined, flags: ApiFlags, command: Command) => {
      const client = apiClientOf(flags, context, command);
      if (version !== undefined) {
        const answer = await client.get<ModelVersionView>(apiPath('api', 'v1', 'models', scope, kind, version));
        if (flags.json) return printJson(context.io, answer);
        return context.io.out(`${formatModelVersion(answer)}\n`);
      }
      const answer = await client.get<{ champion: ModelVersionView | null; versions: ModelVersionView[] }>(apiPath('api', 'v1', 'models', scope, kind));
      if (flags.json) return printJson(context.io, answer);
      const champion = answer.champion;
      context.io.out(champion === null ? `${scope} ${kind}: no champion\n` : `champion\n${formatModelVersion(champion)}\n`);
      if (answer.versions.length > 0) context.io.out(`\nversions (* champion)\n${formatTable(VERSION_HEADERS, versionRows(answer.versions, champion?.version ?? null))}\n`);
    });
}

function rollbackCommand(context: CliContext): Command {
  return withApiOptions(new Command('rollback'))
    .description('make an earlier version the champion again (read-write token; idempotent: a retry changes nothing; 409 when there is nothing to roll back to)')
    .argument('<scope>', 'user:<id> or org:<id>', scopeOption)
    .argument('<kind>', 'categorizer, forecaster or anomaly', kindOption)
    .option('--to <version>', 'the version to restore (default: undo the newest promotion by training)', integerOption(1))
    .option('--force', 'allow a version the promotion gate rejected')
    .action(async (scope: Scope, kind: ModelKind, flags: ApiFlags & { to?: number; force?: boolean }, command: Command) => {
      const body = { ...(flags.to === undefined ? {} : { toVersion: flags.to }), ...(flags.force === true ? { force: true } : {}) };
      const answer = await apiClientOf(flags, context, command).post<{ from: number; to: number; changed: boolean }>(apiPath('api', 'v1', 'models', scope, kind, 'rollback'), body);
      if (flags.json) return printJson(context.io, answer);
      context.io.out(
        answer.changed ? `${scope} ${kind}: champion rolled back from v${answer.from} to v${answer.to}\n` : `${scope} ${kind}: v${answer.to} is the champion already (nothing changed)\n`,
      );
    });
}

export function modelsCommand(context: CliContext): Command {
  return new Command('models')
    .description('model versions: list, show, rollback')
    .addCommand(listCommand(context))
    .addCommand(showCommand(context))
    .addCommand(rollbackCommand(context));
}
