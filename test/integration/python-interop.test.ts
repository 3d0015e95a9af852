// Interoperability with a client relearn did not write: Python's confluent-kafka
// (librdkafka) with the Confluent Avro serializers, installed into .venv by
// scripts/python-env.sh. It produces labeled transactions relearn must ingest and train
// on, and decodes the model-updated event relearn publishes.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SimulatedProducer } from '../../src/app/simulated-producer.js';
import { PACKAGE_ROOT, topicDefinitions } from '../../src/contract/topic-definitions.js';
import { userScope } from '../../src/domain/scope.js';
import { realStackRun, waitFor, type RealStackRun } from './real-service-harness.js';
import { stackEnv, toEnvVariables } from './stack-env.js';

const run$ = promisify(execFile);
const client = fileURLToPath(new URL('./python/interop_client.py', import.meta.url));
let python = '';
let run: RealStackRun;

async function pythonClient(args: readonly string[]): Promise<string> {
  const { stdout } = await run$(python, [client, ...args], { env: { ...process.env, ...toEnvVariables(stackEnv()) }, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

beforeAll(async () => {
  // Installs the venv on a fresh machine (pinned scripts/requirements.txt); a no-op after.
  const { stdout } = await run$('bash', [`${PACKAGE_ROOT}scripts/python-env.sh`], { maxBuffer: 16 * 1024 * 1024 });
  python = stdout.trim().split('\n').at(-1) ?? '';
  run = await realStackRun();
  // relearn registers the contract's schemas; the Python app writes with the latest version.
  await new SimulatedProducer(run.bus, run.ports.codec, run.topics, topicDefinitions()).registerSchemas();
  await run.startService(['ingest', 'trainer']);
}, 600_000);

afterAll(async () => {
  await run?.close();
});

describe('a Python confluent-kafka client', () => {
  it('produces events relearn ingests and trains on, and decodes the model-updated event relearn publishes', async () => {
    const user = 'py-user';
    const count = 60;
    const produced = await pythonClient(['produce', '--topic', run.topics.transactions, '--schema', `${PACKAGE_ROOT}schemas/transaction-recorded.avsc`, '--user', user, '--count', String(count)]);
    expect(JSON.parse(produced)).toEqual({ produced: count });

    await waitFor(async () => (await run.ports.registry.champion(userScope(user), 'categorizer')) !== null);
    const stored = await run.ports.store.transactions(user);
    expect(stored).toHaveLength(count);
    expect(stored.every((row) => row.category !== null && row.amount < 0)).toBe(true);

    // 60 days of spending also make a first forecaster (its first model needs 8 weeks): both, then every update.
    await waitFor(async () => (await run.ports.registry.champion(userScope(user), 'forecaster')) !== null);
    await waitFor(async () => (await run.ports.jobs.list({ status: 'queued', limit: 1 })).length + (await run.ports.jobs.list({ status: 'running', limit: 1 })).length === 0);
    const versions = await run.ports.registry.list({ scope: userScope(user) });
    const lines = (await pythonClient(['consume', '--topic', run.topics['model-updates'], '--expect', String(versions.length), '--timeout', '60'])).trim().split('\n');
    const updates = lines.map((line) => JSON.parse(line) as { scope?: string; modelKind?: string; version?: number; promoted?: boolean; metrics?: Record<string, number> });
    expect(updates).toHaveLength(versions.length);
    const update = updates.find((each) => each.modelKind === 'categorizer') ?? {};
    const champion = await run.ports.registry.champion(userScope(user), 'categorizer');
    expect(update.scope).toBe(userScope(user));
    expect(update.modelKind).toBe('categorizer');
    expect(update.version).toBe(champion?.version);
    expect(update.promoted).toBe(true);
    expect(typeof update.metrics?.accuracy).toBe('number');
  });
});
