// Roles split across processes (here: services with connections of their own), and
// recovery of a decision recorded by a process that died before publishing it.
import { afterEach, describe, expect, it } from 'vitest';

import type { RelearnService } from '../../src/app/relearn-service.js';
import { SimulatedProducer } from '../../src/app/simulated-producer.js';
import { INPUT_ROLES, topicDefinitions } from '../../src/contract/topic-definitions.js';
import { decisionId, type Decision } from '../../src/domain/decision.js';
import type { TrainingRequested } from '../../src/domain/events.js';
import { userScope } from '../../src/domain/scope.js';
import { generateEvents } from '../../src/simulate/index.js';
import { realStackRun, readWholeTopic, waitFor, type RealStackRun } from './real-service-harness.js';

let run: RealStackRun | undefined;

afterEach(async () => {
  await run?.close();
  run = undefined;
});

async function quiet(stack: RealStackRun, services: readonly RelearnService[]): Promise<boolean> {
  const inputTopics = INPUT_ROLES.map((role) => stack.topics[role]);
  const lags = [...(await stack.bus.consumerLag(stack.config.groups.ingest, inputTopics)), ...(await stack.bus.consumerLag(stack.config.groups.trainer, [stack.topics['training-requests']]))];
  if (lags.some((row) => row.lag > 0)) return false;
  if ((await stack.ports.outbox.pending(1)).length > 0) return false;
  for (const status of ['queued', 'running'] as const) if ((await stack.ports.jobs.list({ status, limit: 1 })).length > 0) return false;
  return services.every((service) => service.system.pendingWork === 0 && service.system.activeSteps === 0 && (service.system.trainer?.busy ?? 0) === 0);
}

describe('roles split across processes', () => {
  it('two trainer processes share the training work and never run the same job', async () => {
    const stack = await realStackRun();
    run = stack;
    const producer = new SimulatedProducer(stack.bus, stack.ports.codec, stack.topics, topicDefinitions());
    await producer.registerSchemas();
    const ingest = await stack.startService(['ingest'], 'ingest-only');
    const trainers = [await stack.startService(['trainer'], 'trainer-a'), await stack.startService(['trainer'], 'trainer-b')];
    const records = generateEvents({ users: 16, orgs: 2, days: 60, seed: 5, invalidRate: 0, resendRate: 0.03, drift: false, start: Date.UTC(2026, 0, 5) });
    for (let index = 0; index < records.length; index += 500) await producer.send(records.slice(index, index + 500));
    const services = [ingest, ...trainers];
    await waitFor(async () => (await quiet(stack, services)) && (await quiet(stack, services)));

    const jobs = await stack.ports.jobs.list({ limit: 100_000 });
    const succeeded = jobs.filter((job) => job.status === 'succeeded');
    expect(succeeded.length).toBeGreaterThan(20);
    expect(jobs.every((job) => job.status === 'succeeded')).toBe(true);
    // One stored version per job: a job run twice would have stored two.
    const versions = await stack.ports.registry.list({ limit: 100_000 });
    expect(versions).toHaveLength(succeeded.length);
    expect(new Set(versions.map((version) => version.requestId)).size).toBe(versions.length);
    const owners = new Map<string, number>();
    for (const job of succeeded) owners.set(job.leaseOwner ?? 'none', (owners.get(job.leaseOwner ?? 'none') ?? 0) + 1);
    expect([...owners.keys()].sort()).toEqual(['trainer-a', 'trainer-b']);
    // The ingest-only process decided everything and trained nothing.
    expect(ingest.system.trainer).toBeUndefined();
    expect(ingest.system.relay.published).toBe((await stack.ports.outbox.list({ limit: 100_000 })).length);
  });

  it('publishes a decision that was recorded by a process that died before publishing it', async () => {
    const stack = await realStackRun();
    run = stack;
    const producer = new SimulatedProducer(stack.bus, stack.ports.codec, stack.topics, topicDefinitions());
    await producer.registerSchemas();
    const scope = userScope('crashed-user');
    const orphan: Decision = {
      decisionId: decisionId(scope, 'categorizer', 1),
      scope,
      kind: 'categorizer',
      reason: 'manual',
      mode: 'full',
      counts: { total: 0, labeled: 0, sinceLastTraining: 0 },
      metric: null,
      sinceLastTrainingMs: null,
      decidedAt: Date.now(),
      priority: 3,
      lookbackDays: null,
      force: true,
      publishedAt: null,
    };
    expect(await stack.ports.outbox.record(orphan)).toBe(true);
    const service = await stack.startService(['ingest', 'trainer']);
    await waitFor(async () => (await stack.ports.outbox.pending(1)).length === 0 && (await quiet(stack, [service])));
    const requests = await readWholeTopic(stack.bus, stack.topics['training-requests']);
    const decoded = await Promise.all(requests.map(async (record) => ({ ...((await stack.ports.codec.decode(record.value ?? Buffer.alloc(0))) as TrainingRequested) })));
    expect(decoded.map((request) => request.requestId)).toEqual([orphan.decisionId]);
    // With no data the forced training fails as a job, not as a crash of the service.
    const job = await stack.ports.jobs.get(orphan.decisionId);
    expect(job?.status === 'failed' || job?.status === 'succeeded').toBe(true);
  });
});
