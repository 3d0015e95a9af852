import { Command } from 'commander';
import type { ModelKind } from '../domain/model-kind.js';
import type { Scope } from '../domain/scope.js';
import { apiPath, type ApiClient } from './api-client.js';
import { apiClientOf, withApiOptions, type ApiFlags } from './api-options.js';
import type { JobView, ModelVersionView, TrainingRequestView } from './api-types.js';
import type { CliContext } from './cli-io.js';
import { EXIT, ExitWith } from './exit-codes.js';
import { formatTrainingSummary } from './format-training-summary.js';
import { formatTable } from './format-table.js';
import { integerOption, kindOption, scopeOption } from './option-parsers.js';
import { printJson } from './print-json.js';
import { progressLine } from './progress-line.js';
import { summarizeTraining } from './training-summary.js';
import { waitForJobs } from './wait-for-jobs.js';

interface TrainFlags extends ApiFlags {
  all: boolean;
  scope?: Scope;
  kind?: ModelKind;
  force: boolean;
  minData?: number;
  days?: number;
  wait: boolean;
  timeout: number;
  pollMs: number;
  verbose: boolean;
}

/** The request body of POST /api/v1/trainings (docs: api contract). */
function requestBody(flags: TrainFlags): Record<string, unknown> {
  const body: Record<string, unknown> = flags.all ? { all: true } : { scope: flags.scope };
  if (flags.kind !== undefined) body.kind = flags.kind;
  if (flags.force) body.force = true;
  if (flags.minData !== undefined) body.minData = flags.minData;
  if (flags.days !== undefined) body.lookbackDays = flags.days;
  return body;
}

async function trainedVersions(client: ApiClient, jobs: Iterable<JobView | undefined>): Promise<Map<string, ModelVersionView>> {
  const wanted = [...jobs].filter((job): job is JobView => job?.status === 'succeeded' && job.result?.version !== null && job.result?.version !== undefined);
  const versions = new Map<string, ModelVersionView>();
  for (let start = 0; start < wanted.length; start += 16) {
    const chunk = await Promise.all(
      wanted.slice(start, start + 16).map((job) => client.get<ModelVersionView>(apiPath('api', 'v1', 'models', job.scope, job.kind, job.result?.version ?? 0))),
    );
    for (const version of chunk) versions.set(`${version.scope}/${version.kind}/${version.version}`, version);
  }
  return versions;
}

export function trainCommand(context: CliContext): Command {
  return withApiOptions(new Command('train'))
    .description('request trainings (reason manual), follow their jobs with a progress bar, then print what was trained, what had too little data and what failed')
    .option('--all', 'every known scope', false)
    .option('--scope <scope>', 'one scope: user:<id> or org:<id>', scopeOption)
    .option('--kind <kind>', "only this kind (default: every kind of the scope's type)", kindOption)
    .option('--force', 'train even when the retrain thresholds are not met', false)
    .option('--min-data <n>', 'rows needed to train, instead of the policy\'s first-model threshold', integerOption(0))
    .option('--days <n>', 'train on the last N days of data only', integerOption(1, 36_500))
    .option('--no-wait', 'print the requests and return without following the jobs')
    .option('--timeout <seconds>', 'stop waiting after this long (the jobs keep running); exit 1', integerOption(1, 7 * 86_400), 3_600)
    .option('--poll-ms <ms>', 'how often to ask for the jobs\' progress', integerOption(50, 60_000), 500)
    .option('--verbose', 'one line per scope and kind, however many', false)
    .addHelpText(
      'after',
      '\nExit code 1 when a training failed or the wait timed out; insufficient data is not a failure.\n' +
        'Examples:\n  relearn train --all --token $TOKEN\n  relearn train --scope user:u-0001 --kind categorizer --force --days 90',
    )
    .action(async (flags: TrainFlags, command: Command) => {
      if (flags.all === (flags.scope !== undefined)) command.error('error: give exactly one of --all or --scope <scope>');
      const client = apiClientOf(flags, context, command);
      const { requests } = await client.post<{ requests: TrainingRequestView[] }>('/api/v1/trainings', requestBody(flags));
      const jobIds = requests.filter((request) => request.outcome === 'requested' && request.decisionId !== null).map((request) => request.decisionId as string);
      if (!flags.wait) {
        if (flags.json) return printJson(context.io, { requests });
        if (requests.length === 0) return context.io.out('nothing to train: no known scope matched\n');
        const rows = requests.map((request) => [request.scope, request.kind, request.outcome, request.decisionId ?? '-', request.reason]);
        return context.io.out(`${formatTable(['SCOPE', 'KIND', 'OUTCOME', 'JOB', 'REASON'], rows)}\n`);
      }
      context.io.err(`training: ${jobIds.length} requested, ${requests.length - jobIds.length} not requested (insufficient data or skipped)\n`);
      const progress = jobIds.length === 0 ? undefined : progressLine('training', context.io);
      const started = context.now();
      const { jobs, unfinished } = await waitForJobs(client, jobIds, {
        pollMs: flags.pollMs,
        timeoutMs: flags.timeout * 1_000,
        sleep: (ms) => context.sleep(ms),
        now: () => context.now(),
        onProgress: (state) =>
          progress?.update(state.done, state.total, `${state.finished}/${state.total} done, ${state.running} running, ${state.queued} queued, ${state.waiting} waiting`),
      });
      progress?.finish();
      const summary = summarizeTraining(requests, jobs, await trainedVersions(client, jobs.values()));
      if (flags.json) {
        printJson(context.io, { requests, items: summary.items, summary: summary.byKind, waitedMs: context.now() - started });
      } else {
        context.io.out(`${formatTrainingSummary(summary, flags.verbose)}\n`);
      }
      const failed = summary.items.filter((item) => item.outcome === 'failed').length;
      if (unfinished.length > 0) throw new ExitWith(EXIT.failure, `${unfinished.length} trainings still running after ${flags.timeout} s (follow them with relearn jobs list)`);
      if (failed > 0) throw new ExitWith(EXIT.failure, `${failed} ${failed === 1 ? 'training' : 'trainings'} failed (relearn jobs show <job> for details)`);
    });
}
