import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliContext } from '../../../src/cli/cli-io.js';
import { EXIT } from '../../../src/cli/exit-codes.js';
import { historyCommand } from '../../../src/cli/history-command.js';
import { jobsCommand } from '../../../src/cli/jobs-command.js';
import { modelsCommand } from '../../../src/cli/models-command.js';
import { statusCommand } from '../../../src/cli/status-command.js';
import { trainCommand } from '../../../src/cli/train-command.js';
import type { Scope } from '../../../src/domain/scope.js';
import { READ_TOKEN, WRITE_TOKEN, startApiHarness, type ApiHarness } from './api-harness.js';
import { closedPort, run, testContext } from './cli-test-context.js';

const commands = (context: CliContext): Command[] => [statusCommand(context), historyCommand(context), modelsCommand(context), jobsCommand(context), trainCommand(context)];

let api: ApiHarness;
/** A user with a categorizer champion after the embedded run. */
let trainedUser: Scope;

beforeAll(async () => {
  api = await startApiHarness();
  const champion = (await api.ports.registry.list({ kind: 'categorizer' })).find((version) => version.promoted);
  if (champion === undefined) throw new Error('the embedded run trained no categorizer: make the simulation longer');
  trainedUser = champion.scope;
}, 120_000);

afterAll(async () => {
  await api.close();
});

function relearn(...args: string[]) {
  return run(testContext({ RELEARN_API_URL: api.url, RELEARN_API_TOKEN: READ_TOKEN }), commands, ...args);
}

function json<T>(stdout: string): T {
  return JSON.parse(stdout) as T;
}

describe('relearn status', () => {
  it('reports readiness, jobs and every scope, as the stores hold them', async () => {
    const result = await relearn('status', '--json');
    expect(result.code).toBe(EXIT.ok);
    const answer = json<{ ready: boolean; jobs: Record<string, number>; scopes: { scope: string }[] }>(result.stdout);
    const scopes = new Set((await api.ports.counters.list()).map((counter) => counter.scope));
    expect(answer.ready).toBe(true);
    expect(answer.scopes.map((entry) => entry.scope).sort()).toEqual([...scopes].sort());
    const people = await relearn('status');
    expect(people.stdout).toContain(`relearn at ${api.url}: ready (kafka ok, mongodb ok)`);
    expect(people.stdout).toContain(`scopes: ${scopes.size}`);
    expect(people.stdout).toContain(trainedUser);
  });

  it("shows one scope's counters and champion", async () => {
    const champion = await api.ports.registry.champion(trainedUser, 'categorizer');
    const result = await relearn('status', trainedUser);
    expect(result.code).toBe(EXIT.ok);
    expect(result.stdout).toContain(`categorizer`);
    expect(result.stdout).toContain(`champion v${champion?.version}`);
  });

  it('exits 3 and says why when the service is not ready', async () => {
    api.readiness.ready = false;
    try {
      const result = await relearn('status');
      expect(result.code).toBe(EXIT.unavailable);
      expect(result.stdout).toContain('NOT READY');
      expect(result.stdout).toContain('mongodb FAILING: connection refused');
    } finally {
      api.readiness.ready = true;
    }
  });

  it('exits 4 with the API error for an unknown scope', async () => {
    const result = await relearn('status', 'user:nobody');
    expect(result.code).toBe(EXIT.rejected);
    expect(result.stderr).toContain('404 not-found');
    expect(result.stdout).toBe('');
  });

  it('exits 4 naming the missing token, and 3 when nothing listens', async () => {
    const noToken = await run(testContext({ RELEARN_API_URL: api.url }), commands, 'status', 'user:x');
    expect(noToken.code).toBe(EXIT.rejected);
    expect(noToken.stderr).toContain('401 unauthorized');
    const port = await closedPort();
    const closed = await run(testContext(), commands, 'status', '--api-url', `http://127.0.0.1:${port}`, '--token', READ_TOKEN);
    expect(closed.code).toBe(EXIT.unavailable);
    expect(closed.stderr).toContain(`cannot reach the relearn API at http://127.0.0.1:${port}: ECONNREFUSED`);
  });
});

describe('relearn history and models', () => {
  it('lists the training history of a scope and kind', async () => {
    const versions = await api.ports.registry.list({ scope: trainedUser, kind: 'categorizer' });
    const result = await relearn('history', trainedUser, '--kind', 'categorizer', '--json');
    expect(result.code).toBe(EXIT.ok);
    const { history } = json<{ history: { scope: string; kind: string; version: number | null }[] }>(result.stdout);
    expect(history.filter((entry) => entry.version !== null).map((entry) => entry.version).sort()).toEqual(versions.map((version) => version.version).sort());
    expect(history.every((entry) => entry.scope === trainedUser && entry.kind === 'categorizer')).toBe(true);
    const people = await relearn('history', trainedUser, '--kind', 'categorizer');
    expect(people.stdout).toMatch(/AT +SCOPE +KIND +VERSION +STATUS/);
  });

  it('lists, shows and shows one version of a model', async () => {
    const champion = await api.ports.registry.champion(trainedUser, 'categorizer');
    const list = await relearn('models', 'list', '--scope', trainedUser, '--json');
    expect(json<{ models: unknown[] }>(list.stdout).models).toHaveLength((await api.ports.registry.list({ scope: trainedUser })).length);
    const show = await relearn('models', 'show', trainedUser, 'categorizer');
    expect(show.code).toBe(EXIT.ok);
    expect(show.stdout).toContain(`champion\n${trainedUser} categorizer v${champion?.version}`);
    expect(show.stdout).toMatch(/metrics .*accuracy/);
    const one = await relearn('models', 'show', trainedUser, 'categorizer', String(champion?.version), '--json');
    expect(json<{ version: number; metrics: Record<string, number> }>(one.stdout)).toMatchObject({ version: champion?.version, metrics: champion?.metrics });
    const missing = await relearn('models', 'show', trainedUser, 'categorizer', '999');
    expect(missing.code).toBe(EXIT.rejected);
  });

  it('refuses a rollback with a read-only token (403) and does it with a read-write one', async () => {
    const versions = await api.ports.registry.list({ scope: trainedUser, kind: 'categorizer' });
    const champion = await api.ports.registry.champion(trainedUser, 'categorizer');
    const target = versions.find((version) => version.version !== champion?.version && version.promoted);
    const readOnly = await relearn('models', 'rollback', trainedUser, 'categorizer', '--to', String(target?.version ?? 1));
    expect(readOnly.code).toBe(EXIT.rejected);
    expect(readOnly.stderr).toContain('403 forbidden');
    if (target === undefined) {
      const nothing = await relearn('models', 'rollback', trainedUser, 'categorizer', '--token', WRITE_TOKEN);
      expect(nothing.code).toBe(EXIT.rejected);
      expect(nothing.stderr).toContain('409');
      return;
    }
    const result = await relearn('models', 'rollback', trainedUser, 'categorizer', '--to', String(target.version), '--token', WRITE_TOKEN);
    expect(result.code).toBe(EXIT.ok);
    expect(result.stdout).toBe(`${trainedUser} categorizer: champion rolled back from v${champion?.version} to v${target.version}\n`);
    expect((await api.ports.registry.champion(trainedUser, 'categorizer'))?.version).toBe(target.version);
  });
});

describe('relearn jobs', () => {
  it('lists jobs by status and shows one', async () => {
    const succeeded = await api.ports.jobs.list({ status: 'succeeded', limit: 1000 });
    const list = await relearn('jobs', 'list', '--status', 'succeeded', '--limit', '1000', '--json');
    expect(list.code).toBe(EXIT.ok);
    expect(json<{ jobs: { jobId: string }[] }>(list.stdout).jobs.map((job) => job.jobId)).toEqual(succeeded.map((job) => job.jobId));
    const job = succeeded[0];
    if (job === undefined) throw new Error('no succeeded job after the embedded run');
    const show = await relearn('jobs', 'show', job.jobId);
    expect(show.code).toBe(EXIT.ok);
    expect(show.stdout).toContain(`job ${job.jobId}\n  scope ${job.scope}, kind ${job.kind}`);
    expect(show.stdout).toContain('status succeeded');
  });

  it('answers 409 (exit 4) when cancelling or retrying a finished job, and 404 for an unknown one', async () => {
    const job = (await api.ports.jobs.list({ status: 'succeeded', limit: 1 }))[0];
    const cancel = await relearn('jobs', 'cancel', job?.jobId ?? '', '--token', WRITE_TOKEN);
    expect(cancel.code).toBe(EXIT.rejected);
    expect(cancel.stderr).toContain('409');
    const retry = await relearn('jobs', 'retry', job?.jobId ?? '', '--token', WRITE_TOKEN);
    expect(retry.code).toBe(EXIT.rejected);
    const unknown = await relearn('jobs', 'show', 'user:nobody/categorizer/1');
    expect(unknown.code).toBe(EXIT.rejected);
    expect(unknown.stderr).toContain('404');
  });
});

describe('relearn train', () => {
  it('trains one scope for real, follows the job and prints the summary with metrics', async () => {
    const before = (await api.ports.registry.list({ scope: trainedUser, kind: 'categorizer' })).length;
    const result = await relearn('train', '--scope', trainedUser, '--kind', 'categorizer', '--force', '--poll-ms', '50', '--token', WRITE_TOKEN);
    expect(result.stderr).toContain('training: 1 requested');
    expect(result.code).toBe(EXIT.ok);
    expect(result.stdout).toMatch(/categorizer +trained 1 \(promoted \d, rejected \d\), insufficient data 0, failed 0/);
    expect(result.stdout).toMatch(/mean metrics of the trained versions: accuracy \d\.\d{3}/);
    expect(result.stdout).toContain(`${trainedUser} categorizer: trained v${before + 1}`);
    expect(await api.ports.registry.list({ scope: trainedUser, kind: 'categorizer' })).toHaveLength(before + 1);
  });

  it('reports every scope as insufficient data when --min-data is above what any has, in JSON', async () => {
    const pairs = await api.ports.counters.list();
    const result = await relearn('train', '--all', '--min-data', '100000000', '--json', '--token', WRITE_TOKEN);
    expect(result.code).toBe(EXIT.ok);
    const answer = json<{ summary: Record<string, { insufficientData: number; trained: number }>; items: { outcome: string }[] }>(result.stdout);
    expect(answer.items).toHaveLength(pairs.length);
    expect(answer.items.every((item) => item.outcome === 'insufficient-data')).toBe(true);
    expect(Object.values(answer.summary).reduce((sum, kind) => sum + kind.insufficientData, 0)).toBe(pairs.length);
  });

  it('prints the requests and returns at once with --no-wait', async () => {
    const result = await relearn('train', '--scope', trainedUser, '--kind', 'forecaster', '--force', '--no-wait', '--json', '--token', WRITE_TOKEN);
    expect(result.code).toBe(EXIT.ok);
    const { requests } = json<{ requests: { scope: string; kind: string; outcome: string; decisionId: string | null }[] }>(result.stdout);
    expect(requests).toEqual([expect.objectContaining({ scope: trainedUser, kind: 'forecaster', outcome: 'requested' })]);
    expect(requests[0]?.decisionId).toMatch(new RegExp(`^${trainedUser}/forecaster/\\d+$`));
  });

  it('exits 1 and shows the error when a training fails', async () => {
    const org = (await api.ports.counters.list({ kind: 'anomaly' }))[0]?.scope ?? 'org:none';
    const result = await relearn('train', '--scope', org, '--force', '--poll-ms', '50', '--token', WRITE_TOKEN);
    expect(result.code).toBe(EXIT.failure);
    expect(result.stdout).toContain('anomaly      trained 0 (promoted 0, rejected 0), insufficient data 0, failed 1');
    expect(result.stdout).toMatch(new RegExp(`${org} anomaly: failed \\(.+\\)`));
    expect(result.stderr).toContain('1 training failed (relearn jobs show <job> for details)');
  });

  it('exits 4 with a read-only token', async () => {
    const result = await relearn('train', '--all');
    expect(result.code).toBe(EXIT.rejected);
    expect(result.stderr).toContain('403 forbidden');
  });
});
