import { Command } from 'commander';
import type { ModelKind } from '../domain/model-kind.js';
import type { Scope } from '../domain/scope.js';
import type { JobStatus } from '../ports/job-queue.js';
import { apiPath } from './api-client.js';
import { apiClientOf, withApiOptions, type ApiFlags } from './api-options.js';
import type { JobView } from './api-types.js';
import type { CliContext } from './cli-io.js';
import { formatDuration, formatTable, formatTime } from './format-table.js';
import { integerOption, jobStatusOption, kindOption, nonEmptyOption, scopeOption } from './option-parsers.js';
import { printJson } from './print-json.js';

interface ListFlags extends ApiFlags {
  status?: JobStatus;
  scope?: Scope;
  kind?: ModelKind;
  limit?: number;
}

function durationOf(job: JobView): number | null {
  if (job.durationMs !== undefined && job.durationMs !== null) return job.durationMs;
  return job.startedAt !== null && job.finishedAt !== null ? job.finishedAt - job.startedAt : null;
}

export function formatJob(job: JobView): string {
  const lines = [
    `job ${job.jobId}`,
    `  scope ${job.scope}, kind ${job.kind}, reason ${job.request.reason}${job.request.force ? ' (forced)' : ''}, priority ${job.priority}`,
    `  status ${job.status}, stage ${job.stage}, progress ${Math.round(job.progress * 100)}%, attempts ${job.attempts}/${job.maxAttempts}`,
    `  created ${formatTime(job.createdAt)}, started ${formatTime(job.startedAt)}, finished ${formatTime(job.finishedAt)}, duration ${formatDuration(durationOf(job))}`,
  ];
  if (job.result !== null) lines.push(`  result version ${job.result.version ?? '-'}, ${job.result.promoted ? 'promoted' : 'not promoted'}: ${job.result.decision}`);
  if (job.error !== null) lines.push(`  error ${job.error}`);
  return lines.join('\n');
}

function listCommand(context: CliContext): Command {
  return withApiOptions(new Command('list'))
    .description('list training jobs, newest first')
    .option('--status <status>', 'only jobs with this status: queued, running, succeeded, failed, cancelled', jobStatusOption)
    .option('--scope <scope>', 'only this scope (user:<id> or org:<id>)', scopeOption)
    .option('--kind <kind>', 'only this kind: categorizer, forecaster, anomaly', kindOption)
    .option('--limit <n>', 'at most this many (1..1000, default 100)', integerOption(1, 1000))
    .action(async (flags: ListFlags, command: Command) => {
      const answer = await apiClientOf(flags, context, command).get<{ jobs: JobView[] }>('/api/v1/jobs', {
        status: flags.status,
        scope: flags.scope,
        kind: flags.kind,
        limit: flags.limit,
      });
      if (flags.json) return printJson(context.io, answer);
      if (answer.jobs.length === 0) return context.io.out('no jobs\n');
      const rows = answer.jobs.map((job) => [
        job.jobId,
        job.status,
        job.stage,
        `${Math.round(job.progress * 100)}%`,
        `${job.attempts}/${job.maxAttempts}`,
        formatTime(job.createdAt),
        formatDuration(durationOf(job)),
        job.error ?? '',
      ]);
      context.io.out(`${formatTable(['JOB', 'STATUS', 'STAGE', 'PROGRESS', 'ATTEMPTS', 'CREATED', 'DURATION', 'ERROR'], rows)}\n`);
    });
}

function showCommand(context: CliContext): Command {
  return withApiOptions(new Command('show'))
    .description('show one job: status, stage, progress, attempts, timings, result or error')
    .argument('<jobId>', 'the job id, which is its decision id: <scope>/<kind>/<sequence>', nonEmptyOption)
    .action(async (jobId: string, flags: ApiFlags, command: Command) => {
      const job = await apiClientOf(flags, context, command).get<JobView>(apiPath('api', 'v1', 'jobs', jobId));
      if (flags.json) return printJson(context.io, job);
      context.io.out(`${formatJob(job)}\n`);
    });
}

function actionCommand(context: CliContext, name: 'retry' | 'cancel', description: string): Command {
  return withApiOptions(new Command(name))
    .description(description)
    .argument('<jobId>', 'the job id: <scope>/<kind>/<sequence>', nonEmptyOption)
    .action(async (jobId: string, flags: ApiFlags, command: Command) => {
      const answer = await apiClientOf(flags, context, command).post<Record<string, unknown>>(apiPath('api', 'v1', 'jobs', jobId, name));
      if (flags.json) return printJson(context.io, answer);
      context.io.out(name === 'retry' ? `job ${jobId} queued again\n` : `job ${jobId} cancelled\n`);
    });
}

export function jobsCommand(context: CliContext): Command {
  return new Command('jobs')
    .description('training jobs: list, show, retry, cancel')
    .addCommand(listCommand(context))
    .addCommand(showCommand(context))
    .addCommand(actionCommand(context, 'retry', 'queue a failed or cancelled job again with a fresh attempt budget (read-write token)'))
    .addCommand(actionCommand(context, 'cancel', 'cancel a queued or running job (read-write token; 409 when it already finished)'));
}
