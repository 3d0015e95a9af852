// Fault test: a rollback while Kafka is down, retried by its client (issue 13). One
// `relearn start --roles ingest,api` process; a (scope, kind) with two promoted versions
// (stored through the registry, as a trainer would); the Kafka broker is stopped; the
// rollback is sent, then sent again (a client's retry); the broker is started again with
// its data. Checks: both calls answer 200 while Kafka is down (the move and its
// announcement are one MongoDB write), the second changes nothing, the champion moved once,
// and once Kafka is back exactly one ModelUpdated announces the rollback, next to exactly one
// per stored version. It needs the stack of scripts/stack.sh (it restarts Kafka).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SeededRandom } from '../../src/simulate/index.js';
import { modelVersion } from '../contract/contract-fixtures.js';
import { checkModelUpdates } from './exactly-once-checks.js';
import { freePort, freshDeployment, type FaultDeployment } from './fault-deployment.js';
import { ProcessSupervisor } from './process-supervisor.js';
import { findStackDir, serverPid, stackScript } from './stack-control.js';

const SCOPE = 'user:rollback-outage';
const JOINED = /joined the consumer group/;
const log = (line: string) => process.stderr.write(`[rollback-outage] ${line}\n`);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

let run: FaultDeployment;
let service: ProcessSupervisor;
let stackDir: string;
let kafkaDown = false;
const answers: { status: number; body: { from?: number; to?: number; changed?: boolean } }[] = [];
let announced: Awaited<ReturnType<typeof checkModelUpdates>> | undefined;

beforeAll(async () => {
  stackDir = findStackDir();
  serverPid(stackDir, 'kafka');
  run = await freshDeployment('rollback');
  const port = await freePort();
  const token = `fault-write-${run.id}`;
  service = new ProcessSupervisor({
    name: 'ingest-api',
    args: ['start', '--roles', 'ingest,api'],
    env: { ...run.childEnv, RELEARN_API_HOST: '127.0.0.1', RELEARN_API_PORT: String(port), RELEARN_API_TOKENS: `${token}:read-write` },
    logDir: run.logDir,
    random: SeededRandom.fromSeed(1),
    killAfterMs: [1, 1],
  });
  service.start();
  await service.waitForLog(JOINED, 90_000);
  // Two promoted versions, as two trainings would have stored them; their announcements go out first.
  await run.ports.registry.store(modelVersion(SCOPE, 'categorizer', { requestId: 'r1', trainedAt: 1_000 }), new Uint8Array([1]), 1);
  await run.ports.registry.store(modelVersion(SCOPE, 'categorizer', { requestId: 'r2', trainedAt: 2_000, previousVersion: 1 }), new Uint8Array([2]), 2);
  for (let waited = 0; (await run.ports.announcements.unannounced(10)).length > 0 && waited < 30_000; waited += 250) await sleep(250);

  log(`stopping Kafka: ${await stackScript(stackDir, ['stop', 'kafka'])}`);
  kafkaDown = true;
  const rollback = async () => {
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/models/${encodeURIComponent(SCOPE)}/categorizer/rollback`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
      signal: AbortSignal.timeout(20_000),
    });
    answers.push({ status: response.status, body: (await response.json()) as (typeof answers)[number]['body'] });
  };
  await rollback();
  await rollback();
  // The relay tries while the broker is away (the service kicks it every 5 s).
  await sleep(8_000);
  log(`starting Kafka with its data: ${await stackScript(stackDir, ['start', 'kafka', '--keep-data'])}`);
  kafkaDown = false;
  for (let waited = 0; (await run.ports.announcements.unannounced(10)).length > 0 && waited < 90_000; waited += 500) await sleep(500);
  announced = await checkModelUpdates(run);
  await service.stop(40_000);
}, 300_000);

afterAll(async () => {
  if (kafkaDown) await stackScript(findStackDir(), ['start', 'kafka', '--keep-data']).catch((error: unknown) => log(`restarting Kafka failed: ${String(error)}`));
  await service.stop(5_000).catch(() => undefined);
  await run.close().catch((error: unknown) => log(`clean-up failed: ${String(error)}`));
});

describe('a rollback while Kafka is down, sent twice', () => {
  it('is answered while Kafka is down, once with the move and once with nothing changed', () => {
    expect(answers).toEqual([
      { status: 200, body: { from: 2, to: 1, changed: true } },
      { status: 200, body: { from: 2, to: 1, changed: false } },
    ]);
  });

  it('moves the champion once', async () => {
    expect((await run.ports.registry.champion(SCOPE, 'categorizer'))?.version).toBe(1);
  });

  it('announces the rollback exactly once when Kafka is back, and each version once', () => {
    expect(announced?.problems ?? ['not checked'], announced?.problems.join('; ')).toEqual([]);
    const rollbacks = (announced?.events ?? []).filter((event) => event.scope === SCOPE && event.requestId.startsWith('rollback:'));
    expect(rollbacks.map((event) => [event.version, event.previousVersion, event.decision])).toEqual([[1, 2, 'rolled back from v2']]);
  });
});
