// A relearn service on the real test stack for one test: its own topic prefix and its
// own database, so tests share the servers and nothing else. Everything it makes is
// removed by `close()`.
import { randomUUID } from 'node:crypto';

import { MongoClient } from 'mongodb';

import { applyTopics } from '../../src/adapters/kafka/apply-topics.js';
import { KafkaEventBus } from '../../src/adapters/kafka/kafka-event-bus.js';
import { connectRealPorts, type RealPorts } from '../../src/app/composition-root.js';
import { defaultConfig, type RelearnConfig } from '../../src/config/relearn-config.js';
import { DEFAULT_SERVICE_OPTIONS, RelearnService } from '../../src/app/relearn-service.js';
import type { Role } from '../../src/app/relearn-system.js';
import { topicDefinitions, topicNames, type TopicNames } from '../../src/contract/topic-definitions.js';
import { DEFAULT_RETRAIN_POLICIES, type RetrainPolicies } from '../../src/domain/policy-config.js';
import type { IncomingRecord } from '../../src/ports/event-bus.js';
import { stackEnv } from './stack-env.js';

export interface RealStackRun {
  prefix: string;
  database: string;
  topics: TopicNames;
  config: RelearnConfig;
  /** An admin/consumer bus of the test's own, for producing input and reading outputs. */
  bus: KafkaEventBus;
  /** Ports of the test's own (not a service's) for asserting what is stored. */
  ports: RealPorts;
  startService(roles: readonly Role[], owner?: string): Promise<RelearnService>;
  close(): Promise<void>;
}

/**
 * Policies for a test that runs in seconds of wall time over months of event time: the
 * minimum interval between trainings is measured on the wall clock, so it is zero here;
 * every other number keeps its default.
 */
export function wallClockPolicies(): RetrainPolicies {
  const zeroInterval = (kind: keyof RetrainPolicies) => ({ ...DEFAULT_RETRAIN_POLICIES[kind], minIntervalMs: 0 });
  return { categorizer: zeroInterval('categorizer'), forecaster: zeroInterval('forecaster'), anomaly: zeroInterval('anomaly') };
}

export async function realStackRun(options: { policies?: RetrainPolicies } = {}): Promise<RealStackRun> {
  const env = stackEnv();
  const id = randomUUID().replaceAll('-', '').slice(0, 12);
  const prefix = `it-${id}.`;
  const database = `relearn-it-${id}`;
  const topics = topicNames(prefix);
  const config = defaultConfig({
    topics,
    policies: options.policies ?? wallClockPolicies(),
    groups: { ingest: `${prefix}ingest`, trainer: `${prefix}trainer` },
  });
  const stack = {
    kafka: { brokers: env.kafkaBrokers, clientId: `relearn-it-${id}`, ssl: false, sasl: null },
    schemaRegistry: { url: env.schemaRegistryUrl, username: null, password: null },
    mongodb: { uri: env.mongodbUri, database },
  };
  const bus = new KafkaEventBus({ brokers: env.kafkaBrokers, clientId: `relearn-it-${id}-test` });
  await bus.connect();
  const definitions = [...topicDefinitions()].map(([role, definition]) => ({ ...definition, name: topics[role] }));
  await applyTopics(bus, definitions, { replicationFactor: 1 });
  const ports = await connectRealPorts(stack);
  const services: RelearnService[] = [];
  const connections: RealPorts[] = [ports];
  return {
    prefix,
    database,
    topics,
    config,
    bus,
    ports,
    async startService(roles, owner = `it-${roles.join('+')}-${services.length}`) {
      // Each service gets its own connections, as a separate process would.
      const servicePorts = await connectRealPorts(stack);
      connections.push(servicePorts);
      const service = new RelearnService(servicePorts, config, {
        ...DEFAULT_SERVICE_OPTIONS,
        roles: new Set(roles),
        owner,
        trainerPollMs: 500,
        jobPollMs: 250,
        tickMs: 1_000,
      });
      await service.start();
      services.push(service);
      return service;
    },
    async close() {
      for (const service of services) await service.stop();
      for (const connection of connections) await connection.close();
      await bus.deleteTopics(Object.values(topics)).catch(() => undefined);
      await bus.close();
      const mongo = new MongoClient(env.mongodbUri);
      await mongo.connect();
      await mongo.db(database).dropDatabase();
      await mongo.close();
    },
  };
}

/** Every record now on `topic`, read by a fresh consumer group until its lag is zero. */
export async function readWholeTopic(bus: KafkaEventBus, topic: string): Promise<IncomingRecord[]> {
  const groupId = `reader-${randomUUID()}`;
  const received: IncomingRecord[] = [];
  const subscription = await bus.subscribe({ groupId, topics: [topic], fromBeginning: true }, (batch) => {
    received.push(...batch.records);
    return Promise.resolve();
  });
  try {
    await waitFor(async () => (await bus.consumerLag(groupId, [topic])).every((row) => row.lag === 0));
  } finally {
    await subscription.stop();
  }
  return received;
}

/**
 * Polls `condition` until it holds; the test's own timeout bounds the wait. A long wait
 * says every 15 s what it is still waiting on, so a hung test explains itself.
 */
export async function waitFor(condition: () => Promise<boolean> | boolean, options: { pollMs?: number; describe?: () => string } = {}): Promise<void> {
  const started = Date.now();
  let reported = started;
  for (;;) {
    if (await condition()) return;
    if (options.describe !== undefined && Date.now() - reported > 15_000) {
      reported = Date.now();
      process.stderr.write(`still waiting after ${Math.round((reported - started) / 1000)} s: ${options.describe()}\n`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 200));
  }
}
