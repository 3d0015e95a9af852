// One relearn deployment for a fault test: its own topic prefix, consumer groups and
// MongoDB database on the shared real stack, created through the product's own
// functions (`applyContractTopics`, `registerContractSchemas`), plus the clients the test
// needs to produce input and read results. `close()` deletes the topics and drops the
// database. The variables in `childEnv` are what every `relearn start` process of the
// deployment is given, so the test and the processes read the very same settings.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';

import { KafkaEventBus } from '../../src/adapters/kafka/kafka-event-bus.js';
import { applyContractTopics, connectRealPorts, realStackSettings, registerContractSchemas, type RealPorts } from '../../src/app/composition-root.js';
import { loadSettings } from '../../src/config/load-settings.js';
import type { RelearnSettings } from '../../src/config/relearn-settings.js';
import { INPUT_ROLES, type TopicNames } from '../../src/contract/topic-definitions.js';
import { stackEnv } from '../integration/stack-env.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Variables of the caller's environment that would change a child's settings: never inherited. */
const SETTING_VARIABLE = /^(RELEARN_|KAFKA_|SCHEMA_REGISTRY_|MONGODB_)/;

export interface FaultDeployment {
  readonly id: string;
  readonly prefix: string;
  readonly database: string;
  readonly settings: RelearnSettings;
  readonly topics: TopicNames;
  readonly inputTopics: readonly string[];
  /** The environment of every relearn process of this deployment (the caller's, less its relearn settings, plus these). */
  readonly childEnv: NodeJS.ProcessEnv;
  /** Ports of the test's own, on the deployment's database: what is asserted is read through these. */
  readonly ports: RealPorts;
  /** The product's Kafka adapter, used here only as a consumer-lag probe. */
  readonly lagProbe: KafkaEventBus;
  /** A plain kafkajs client for the test's producer and topic readers. */
  readonly kafka: Kafka;
  /** Where the processes' logs go. */
  readonly logDir: string;
  /** Records of the input topics the ingest group has committed (log end minus lag, summed). */
  ingestCommitted(): Promise<number>;
  /** The ingest group's lag per input topic (0 everywhere when it is caught up). */
  ingestLag(): Promise<Record<string, number>>;
  /** Sum of the log-end offsets of `topic`'s partitions: grows with every record written to it. */
  endOffset(topic: string): Promise<number>;
  close(): Promise<void>;
}

export async function freshDeployment(label: string): Promise<FaultDeployment> {
  const stack = stackEnv();
  const id = randomUUID().replaceAll('-', '').slice(0, 10);
  const prefix = `fault-${label}-${id}.`;
  const database = `relearn-fault-${id}`;
  const variables: Record<string, string> = {
    KAFKA_BROKERS: stack.kafkaBrokers.join(','),
    KAFKA_CLIENT_ID: `relearn-fault-${id}`,
    SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl,
    MONGODB_URI: stack.mongodbUri,
    MONGODB_DATABASE: database,
    RELEARN_TOPIC_PREFIX: prefix,
    RELEARN_GROUP_INGEST: `${prefix}ingest`,
    RELEARN_GROUP_TRAINER: `${prefix}trainer`,
    RELEARN_LOG_LEVEL: 'info',
  };
  const settings = loadSettings({ env: variables });
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !SETTING_VARIABLE.test(name)));
  const childEnv: NodeJS.ProcessEnv = { ...inherited, ...variables };
  const topics = settings.core.topics;
  const inputTopics = INPUT_ROLES.map((role) => topics[role]);

  await applyContractTopics(settings, { replicationFactor: 1 });
  await registerContractSchemas(settings);
  const ports = await connectRealPorts(realStackSettings(settings));
  const lagProbe = new KafkaEventBus({ brokers: [...stack.kafkaBrokers], clientId: `relearn-fault-${id}-probe` });
  await lagProbe.connect();
  const kafka = new Kafka({ brokers: [...stack.kafkaBrokers], clientId: `relearn-fault-${id}-test`, logLevel: logLevel.ERROR });
  const admin = kafka.admin();
  await admin.connect();
  const logDir = `${REPO_ROOT}test/faults/output/logs/${label}-${id}`;
  mkdirSync(logDir, { recursive: true });

  const endOffset = async (topic: string): Promise<number> => {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, partition) => sum + Number(partition.high), 0);
  };
  const ingestLag = async (): Promise<Record<string, number>> => {
    const lag: Record<string, number> = {};
    for (const row of await lagProbe.consumerLag(settings.core.groups.ingest, inputTopics)) lag[row.topic] = (lag[row.topic] ?? 0) + row.lag;
    return lag;
  };
  return {
    id,
    prefix,
    database,
    settings,
    topics,
    inputTopics,
    childEnv,
    ports,
    lagProbe,
    kafka,
    logDir,
    ingestLag,
    endOffset,
    async ingestCommitted() {
      const lag = await ingestLag();
      let committed = 0;
      for (const topic of inputTopics) committed += (await endOffset(topic)) - (lag[topic] ?? 0);
      return committed;
    },
    async close() {
      await ports.close().catch(() => undefined);
      await lagProbe.close().catch(() => undefined);
      if (process.env.RELEARN_FAULT_KEEP === '1') {
        await admin.disconnect();
        return;
      }
      const existing = new Set(await admin.listTopics());
      const mine = Object.values(topics).filter((topic) => existing.has(topic));
      if (mine.length > 0) await admin.deleteTopics({ topics: mine }).catch(() => undefined);
      await admin.disconnect();
      const mongo = new MongoClient(stack.mongodbUri);
      await mongo.connect();
      await mongo.db(database).dropDatabase();
      await mongo.close();
    },
  };
}

/** A TCP port free right now on 127.0.0.1, for a relearn process's API. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A positive number from the environment (a fault test's investigation knob), else `fallback`. */
export function envNumber(name: string, fallback: number): number {
  const text = process.env[name]?.trim();
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name}=${text}: expected a positive number`);
  return value;
}
