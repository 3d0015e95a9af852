import { randomBytes } from 'node:crypto';

import { GenericContainer, RandomPortGenerator, Wait, getContainerRuntimeClient, type StartedTestContainer } from 'testcontainers';

import type { RunningStack } from './running-stack.js';

// The same servers as scripts/stack.sh, as containers, for machines where a Docker engine
// answers. Versions match the script's: Kafka 3.9.1 in KRaft mode, Apicurio Registry 3.0.9
// (Confluent-compatible API, canonical hashing) and a genuine MongoDB 7.
const KAFKA_IMAGE = 'apache/kafka:3.9.1';
const REGISTRY_IMAGE = 'apicurio/apicurio-registry:3.0.9';
const MONGO_IMAGE = 'mongo:7';
const STARTUP_TIMEOUT_MS = 180_000;

/** A started container and the address clients use to reach it from this machine. */
interface StartedServer {
  readonly container: StartedTestContainer;
  readonly address: string;
}

export async function startContainerStack(): Promise<RunningStack> {
  const runtime = await getContainerRuntimeClient();
  const host = runtime.info.containerRuntime.host;

  const results = await Promise.allSettled([startKafka(host), startRegistry(), startMongo()]);
  const containers = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value.container] : []));
  const [kafka, registry, mongo] = results;
  if (kafka?.status !== 'fulfilled' || registry?.status !== 'fulfilled' || mongo?.status !== 'fulfilled') {
    await stopAll(containers);
    const reasons = results.flatMap((result) => (result.status === 'rejected' ? [String(result.reason)] : []));
    throw new Error(`testcontainers could not start the stack:\n${reasons.join('\n')}`);
  }

  try {
    await requireBackwardCompatibility(registry.value.address);
  } catch (error) {
    await stopAll(containers);
    throw error;
  }

  return {
    variables: {
      KAFKA_BROKERS: kafka.value.address,
      SCHEMA_REGISTRY_URL: registry.value.address,
      MONGODB_URI: mongo.value.address,
    },
    description: `testcontainers: ${KAFKA_IMAGE}, ${REGISTRY_IMAGE}, ${MONGO_IMAGE}`,
    stop: () => stopAll(containers),
  };
}

/**
 * Kafka hands clients the address it advertises, so the host-side port must be known before
 * the broker starts: pick a free one and bind it explicitly. A second listener, advertised
 * inside the container, serves the broker's own connections.
 */
async function startKafka(host: string): Promise<StartedServer> {
  const hostPort = await new RandomPortGenerator().generatePort();
  const container = await new GenericContainer(KAFKA_IMAGE)
    .withExposedPorts({ container: 9092, host: hostPort })
    .withEnvironment({
      CLUSTER_ID: randomBytes(16).toString('base64url'),
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: 'HOST://0.0.0.0:9092,INTERNAL://0.0.0.0:19092,CONTROLLER://0.0.0.0:9093',
      KAFKA_ADVERTISED_LISTENERS: `HOST://${host}:${hostPort},INTERNAL://localhost:19092`,
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'HOST:PLAINTEXT,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT',
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_INTER_BROKER_LISTENER_NAME: 'INTERNAL',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
    })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .withStartupTimeout(STARTUP_TIMEOUT_MS)
    .start();
  return { container, address: `${host}:${hostPort}` };
}

async function startRegistry(): Promise<StartedServer> {
  const container = await new GenericContainer(REGISTRY_IMAGE)
    .withExposedPorts(8080)
    .withEnvironment({
      // Without canonical hashing a reformatted identical schema becomes a new version.
      APICURIO_CCOMPAT_USE_CANONICAL_HASH: 'true',
      QUARKUS_HTTP_ACCESS_LOG_ENABLED: 'false',
    })
    .withWaitStrategy(Wait.forHttp('/apis/ccompat/v7/subjects', 8080).forStatusCode(200))
    .withStartupTimeout(STARTUP_TIMEOUT_MS)
    .start();
  return { container, address: `http://${container.getHost()}:${container.getMappedPort(8080)}/apis/ccompat/v7` };
}

async function startMongo(): Promise<StartedServer> {
  const container = await new GenericContainer(MONGO_IMAGE)
    .withExposedPorts(27017)
    .withWaitStrategy(Wait.forLogMessage(/Waiting for connections/))
    .withStartupTimeout(STARTUP_TIMEOUT_MS)
    .start();
  return { container, address: `mongodb://${container.getHost()}:${container.getMappedPort(27017)}` };
}

/** Apicurio's global default is NONE; Confluent's, which relearn is written against, is BACKWARD. */
async function requireBackwardCompatibility(schemaRegistryUrl: string): Promise<void> {
  const response = await fetch(`${schemaRegistryUrl}/config`, {
    method: 'PUT',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ compatibility: 'BACKWARD' }),
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) {
    throw new Error(`PUT ${schemaRegistryUrl}/config BACKWARD answered ${response.status}: ${await response.text()}`);
  }
}

async function stopAll(containers: StartedTestContainer[]): Promise<void> {
  await Promise.allSettled(containers.map((container) => container.stop()));
}
