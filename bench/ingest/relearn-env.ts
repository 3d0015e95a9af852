import type { StackEndpoints } from './test-stack.js';

/** Names one relearn deployment of the run: its database, consumer groups and output topics. */
export interface RelearnDeployment {
  /** Short label, used in names: letters, digits and '-'. */
  label: string;
  database: string;
  ingestGroup: string;
  trainerGroup: string;
}

/** Variables of the machine a child process keeps; every relearn setting comes from the bench. */
const INHERITED = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TMPDIR', 'TZ'] as const;

/**
 * The environment of a relearn process of this run (docs/configuration.md): the stack's
 * endpoints, the run's topic prefix for the input topics, and, per deployment, its own
 * database, consumer groups and output topics, so that one phase's decisions, models and
 * trainings never reach another's.
 */
export function relearnEnv(endpoints: StackEndpoints, topicPrefix: string, deployment: RelearnDeployment, extra: { apiToken: string; logLevel: string; clientId: string; nodeOptions?: string }): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of INHERITED) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  const outputs = `${topicPrefix}${deployment.label}.`;
  return {
    ...env,
    KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
    KAFKA_CLIENT_ID: extra.clientId,
    SCHEMA_REGISTRY_URL: endpoints.schemaRegistryUrl,
    MONGODB_URI: endpoints.mongodbUri,
    MONGODB_DATABASE: deployment.database,
    RELEARN_TOPIC_PREFIX: topicPrefix,
    RELEARN_TOPIC_TRAINING_REQUESTS: `${outputs}relearn.training-requests.v1`,
    RELEARN_TOPIC_MODEL_UPDATES: `${outputs}relearn.model-updates.v1`,
    RELEARN_TOPIC_SHEET_ANALYSES: `${outputs}relearn.sheet-analyses.v1`,
    RELEARN_TOPIC_DLQ: `${outputs}relearn.dlq.v1`,
    RELEARN_GROUP_INGEST: deployment.ingestGroup,
    RELEARN_GROUP_TRAINER: deployment.trainerGroup,
    RELEARN_API_TOKENS: `${extra.apiToken}:read-write`,
    // Any free port: other jobs on the machine may hold 8080.
    RELEARN_API_PORT: '0',
    RELEARN_LOG_LEVEL: extra.logLevel,
    ...(extra.nodeOptions === undefined || extra.nodeOptions === '' ? {} : { NODE_OPTIONS: extra.nodeOptions }),
  };
}
