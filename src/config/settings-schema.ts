import { Cron } from 'croner';
import { z } from 'zod';
import { topicDefinitions, type TopicRole } from '../contract/topic-definitions.js';
import { MODEL_KINDS, type ModelKind } from '../domain/model-kind.js';
import { DEFAULT_RETRAIN_POLICIES, type RetrainPolicyConfig } from '../domain/policy-config.js';
import { anomalyEngineNames, classifierEngineNames } from '../engines/engine-names.js';
import type { Hyperparameters } from '../training/training-task.js';
import { HYPERPARAMETER_SCHEMAS, HYPERPARAMETERS_EXPECTED } from '../training/hyperparameter-schemas.js';
import { defaultConfig } from './relearn-config.js';
import { LOG_LEVELS, SASL_MECHANISMS, SERVICE_ROLES, TOKEN_ACCESS, type ApiToken } from './relearn-settings.js';
import type { Setting } from './setting.js';
import {
  booleanSetting,
  choiceSetting,
  defineSetting,
  durationSetting,
  fractionSetting,
  integerSetting,
  jsonSetting,
  listSetting,
  optionalChoiceSetting,
  optionalIntegerSetting,
  optionalTextSetting,
  readList,
  textSetting,
} from './setting-kinds.js';

const DEFAULTS = defaultConfig();

/** Kafka's legal topic and group characters. */
const KAFKA_NAME = /^[A-Za-z0-9._-]+$/;

function screamingSnake(camel: string): string {
  return camel.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/-/g, '_').toUpperCase();
}

function isCron(expression: string): boolean {
  try {
    new Cron(expression, { paused: true, timezone: 'UTC' });
    return true;
  } catch {
    return false;
  }
}

/** `<token>:read` or `<token>:read-write`; the token itself may hold colons, the access is after the last one. */
function readTokens(text: string): unknown {
  return readList(text).map((entry) => {
    const colon = entry.lastIndexOf(':');
    return colon <= 0 ? { token: entry, access: '' } : { token: entry.slice(0, colon), access: entry.slice(colon + 1) };
  });
}

const apiTokenSchema: z.ZodType<ApiToken> = z.strictObject({
  token: z.string().regex(/^[^\s,]+$/),
  access: z.enum(TOKEN_ACCESS),
});

const tokensSchema = z
  .array(apiTokenSchema)
  .refine((tokens) => new Set(tokens.map((entry) => entry.token)).size === tokens.length, 'the same token is listed twice');

type PolicySettings = { [Name in keyof RetrainPolicyConfig]: Setting<RetrainPolicyConfig[Name]> };

function policySettings(kind: ModelKind): PolicySettings {
  const defaults = DEFAULT_RETRAIN_POLICIES[kind];
  const prefix = `RELEARN_POLICY_${screamingSnake(kind)}_`;
  const common = <Name extends keyof RetrainPolicyConfig>(name: Name, description: string) => ({
    env: `${prefix}${screamingSnake(name)}`,
    default: defaults[name],
    description,
  });
  return {
    minInitialRows: integerSetting({ ...common('minInitialRows', 'rows needed for the first model (labeled transactions, transactions or expenses)'), min: 1 }),
    minInitialSheets: integerSetting({ ...common('minInitialSheets', 'anomaly: submitted sheets needed for the first model'), min: 0 }),
    minInitialSpanMs: durationSetting(common('minInitialSpanMs', 'forecaster: the data must span at least this long for the first model')),
    minNewData: integerSetting({ ...common('minNewData', 'new rows (sheets for the anomaly model) since the last training needed for a retrain'), min: 0 }),
    minIntervalMs: durationSetting(common('minIntervalMs', 'time since the last training needed for a retrain (together with MIN_NEW_DATA)')),
    performanceWindow: integerSetting({ ...common('performanceWindow', 'live-performance window size, in samples'), min: 1, max: 1_000_000 }),
    minPerformanceSamples: integerSetting({ ...common('minPerformanceSamples', 'samples needed in the window before the performance rule may fire'), min: 1, max: 1_000_000 }),
    maxAccuracyDrop: fractionSetting(common('maxAccuracyDrop', 'categorizer: retrain when prequential accuracy falls this far (0..1) below validation accuracy')),
    minAnomalyRate: fractionSetting(common('minAnomalyRate', 'anomaly: retrain when the recent anomaly rate falls below this')),
    maxAnomalyRate: fractionSetting(common('maxAnomalyRate', 'anomaly: retrain when the recent anomaly rate rises above this')),
    performanceCooldownMs: durationSetting(common('performanceCooldownMs', 'minimum time between two performance-triggered trainings')),
  };
}

function perKind<T>(make: (kind: ModelKind) => T): Record<ModelKind, T> {
  return Object.fromEntries(MODEL_KINDS.map((kind) => [kind, make(kind)])) as Record<ModelKind, T>;
}

function topicSettings(): Record<TopicRole, Setting<string | null>> {
  const settings = {} as Record<TopicRole, Setting<string | null>>;
  for (const [role, definition] of topicDefinitions()) {
    settings[role] = optionalTextSetting({
      env: `RELEARN_TOPIC_${screamingSnake(role)}`,
      default: null,
      description: `full name of the ${role} topic (default ${definition.name} after the prefix); the prefix is not added to it`,
      schema: z.string().regex(KAFKA_NAME),
      expected: 'a Kafka topic name (letters, digits, ".", "_", "-")',
    });
  }
  return settings;
}

/**
 * Every setting relearn reads, grouped as in the JSON file. The environment variable
 * beside each one overrides the file. docs/configuration.md lists them all (a unit
 * test checks it does).
 */
export const SETTINGS = {
  kafka: {
    brokers: listSetting({
      env: 'KAFKA_BROKERS',
      default: [] as string[],
      item: z.string().regex(/^[^\s:,]+:\d{1,5}$/),
      expected: 'a comma-separated list of host:port (JSON array in the file)',
      description: 'Kafka bootstrap brokers. Empty: embedded mode (in-memory bus and stores, no other service needed)',
    }),
    clientId: textSetting({ env: 'KAFKA_CLIENT_ID', default: 'relearn', pattern: KAFKA_NAME, expected: 'letters, digits, ".", "_", "-"', description: 'Kafka client id' }),
    ssl: booleanSetting({ env: 'KAFKA_SSL', default: false, description: 'connect to Kafka over TLS' }),
    sasl: {
      mechanism: optionalChoiceSetting({ env: 'KAFKA_SASL_MECHANISM', default: null, choices: SASL_MECHANISMS, description: 'SASL mechanism; set with username and password, or none of them' }),
      username: optionalTextSetting({ env: 'KAFKA_SASL_USERNAME', default: null, description: 'SASL username' }),
      password: optionalTextSetting({ env: 'KAFKA_SASL_PASSWORD', default: null, secret: 'whole', description: 'SASL password (masked in output)' }),
    },
  },
  schemaRegistry: {
    url: optionalTextSetting({
      env: 'SCHEMA_REGISTRY_URL',
      default: null,
      schema: z.url({ protocol: /^https?$/ }),
      expected: 'an http:// or https:// URL',
      secret: 'url-credentials',
      description: 'Confluent-compatible schema registry; required with KAFKA_BROKERS',
    }),
    username: optionalTextSetting({ env: 'SCHEMA_REGISTRY_USERNAME', default: null, description: 'schema registry basic-auth user; set with the password' }),
    password: optionalTextSetting({ env: 'SCHEMA_REGISTRY_PASSWORD', default: null, secret: 'whole', description: 'schema registry basic-auth password (masked in output)' }),
  },
  mongodb: {
    uri: optionalTextSetting({
      env: 'MONGODB_URI',
      default: null,
      schema: z.string().regex(/^mongodb(\+srv)?:\/\/\S+$/),
      expected: 'a mongodb:// or mongodb+srv:// connection string',
      secret: 'url-credentials',
      description: 'MongoDB connection string; required with KAFKA_BROKERS (its password is masked in output)',
    }),
    database: textSetting({ env: 'MONGODB_DATABASE', default: 'relearn', pattern: /^[^\s/\\."$]{1,63}$/, expected: 'a MongoDB database name (no spaces, /, \\, ., ", $; at most 63 characters)', description: 'database name' }),
  },
  api: {
    host: textSetting({ env: 'RELEARN_API_HOST', default: '127.0.0.1', pattern: /^\S+$/, expected: 'a host name or IP address', description: 'address the HTTP API listens on (0.0.0.0 to accept connections from other machines)' }),
    port: integerSetting({ env: 'RELEARN_API_PORT', default: 8080, min: 0, max: 65_535, description: 'HTTP API port (0: any free port)' }),
    tokens: defineSetting({
      env: 'RELEARN_API_TOKENS',
      default: [] as ApiToken[],
      schema: tokensSchema,
      fromEnv: readTokens,
      secret: 'whole',
      expected: 'a comma-separated list of <token>:read or <token>:read-write, each token once (in the file: [{"token": "...", "access": "read"}])',
      description: 'bearer tokens accepted by the API; read-only tokens get 403 on every write (masked in output)',
    }),
  },
  roles: listSetting({
    env: 'RELEARN_ROLES',
    default: [...SERVICE_ROLES],
    item: z.enum(SERVICE_ROLES),
    minItems: 1,
    expected: `a comma-separated, non-empty list of ${SERVICE_ROLES.join(', ')}, each once`,
    description: 'roles this process runs; scale out by running several processes with different roles',
  }),
  shutdownTimeoutMs: durationSetting({ env: 'RELEARN_SHUTDOWN_TIMEOUT_MS', default: 30_000, min: 1, description: 'on SIGTERM/SIGINT, the longest the graceful shutdown may take before the process exits anyway' }),
  log: {
    level: choiceSetting({ env: 'RELEARN_LOG_LEVEL', default: 'info', choices: LOG_LEVELS, description: 'log level (JSON lines on stderr)' }),
  },
  core: {
    topicPrefix: textSetting({ env: 'RELEARN_TOPIC_PREFIX', default: '', pattern: /^[A-Za-z0-9._-]*$/, expected: 'letters, digits, ".", "_", "-" (or empty)', description: 'prefix added to every default topic name' }),
    topics: topicSettings(),
    policies: perKind(policySettings),
    incrementalOnNewData: booleanSetting({
      env: 'RELEARN_INCREMENTAL_ON_NEW_DATA',
      default: DEFAULTS.incrementalOnNewData,
      description: 'new-data retrains grow the champion forest with trees trained on the new rows instead of rebuilding it (categorizer)',
    }),
    engines: {
      categorizer: choiceSetting({ env: 'RELEARN_ENGINE_CATEGORIZER', default: 'relearn-forest', choices: classifierEngineNames, description: 'classification engine of the categorizer' }),
      anomaly: choiceSetting({ env: 'RELEARN_ENGINE_ANOMALY', default: 'relearn-isolation', choices: anomalyEngineNames, description: 'outlier engine of the anomaly model' }),
    },
    hyperparameters: perKind((kind) =>
      jsonSetting<Hyperparameters>({
        env: `RELEARN_HYPERPARAMETERS_${screamingSnake(kind)}`,
        default: DEFAULTS.hyperparameters[kind],
        schema: HYPERPARAMETER_SCHEMAS[kind],
        expected: HYPERPARAMETERS_EXPECTED[kind],
        description: `${kind} hyperparameters (JSON); unset ones keep the engine's defaults`,
      }),
    ),
    training: {
      maxRows: perKind((kind) =>
        integerSetting({
          env: `RELEARN_TRAINING_MAX_ROWS_${screamingSnake(kind)}`,
          default: DEFAULTS.training.maxRows[kind],
          min: 1,
          description: `${kind}: train on at most the newest N rows`,
        }),
      ),
      heldOutFraction: fractionSetting({ env: 'RELEARN_TRAINING_HELD_OUT_FRACTION', default: DEFAULTS.training.heldOutFraction, min: 0.05, max: 0.5, description: 'share of the most recent rows held out for validation and the champion comparison' }),
      maxTrees: integerSetting({ env: 'RELEARN_TRAINING_MAX_TREES', default: DEFAULTS.training.maxTrees, min: 1, max: 100_000, description: 'incremental updates retire the oldest trees past this many' }),
      workers: integerSetting({ env: 'RELEARN_TRAINING_WORKERS', default: DEFAULTS.training.workers, min: 1, max: 256, description: 'worker threads that run trainings off the event loop' }),
      concurrency: integerSetting({ env: 'RELEARN_TRAINING_CONCURRENCY', default: DEFAULTS.training.concurrency, min: 1, max: 256, description: 'trainings in flight per trainer process' }),
      leaseMs: durationSetting({ env: 'RELEARN_TRAINING_LEASE_MS', default: DEFAULTS.training.leaseMs, min: 1_000, description: "a job's lease: a crashed trainer's job is retried after it expires" }),
      maxAttempts: integerSetting({ env: 'RELEARN_TRAINING_MAX_ATTEMPTS', default: DEFAULTS.training.maxAttempts, min: 1, max: 100, description: 'attempts per job before it is marked failed' }),
      seed: integerSetting({ env: 'RELEARN_TRAINING_SEED', default: DEFAULTS.training.seed, min: 0, max: 2 ** 32 - 1, description: 'base seed of every training (mixed with the request id): same data, same model' }),
      timeoutMs: durationSetting({
        env: 'RELEARN_TRAINING_TIMEOUT_MS',
        default: DEFAULTS.training.timeoutMs,
        min: 1_000,
        description: 'the longest one training may run; past it its worker thread is terminated and the job fails (not retried: it would time out again)',
      }),
      workerMemoryMb: integerSetting({
        env: 'RELEARN_TRAINING_WORKER_MEMORY_MB',
        default: DEFAULTS.training.workerMemoryMb,
        min: 64,
        max: 1_048_576,
        description: "heap limit of each training worker thread (V8 old generation, MB); a training that needs more fails alone, not retried (the model's typed arrays are outside this heap)",
      }),
    },
    schedule: {
      cron: defineSetting({
        env: 'RELEARN_SCHEDULE_CRON',
        default: DEFAULTS.schedule.cron,
        schema: z.string().refine(isCron),
        expected: 'a cron expression (5 fields, or 6 with seconds), read in UTC',
        description: 'when the scheduled re-check of time-based rules runs (UTC)',
      }),
      lookbackDays: optionalIntegerSetting({ env: 'RELEARN_SCHEDULE_LOOKBACK_DAYS', default: DEFAULTS.schedule.lookbackDays, min: 1, max: 36_500, description: 'scheduled trainings use only the last N days of data (unset: all)' }),
    },
    groups: {
      ingest: textSetting({ env: 'RELEARN_GROUP_INGEST', default: DEFAULTS.groups.ingest, pattern: KAFKA_NAME, expected: 'a Kafka group id (letters, digits, ".", "_", "-")', description: 'consumer group of the ingest role' }),
      trainer: textSetting({ env: 'RELEARN_GROUP_TRAINER', default: DEFAULTS.groups.trainer, pattern: KAFKA_NAME, expected: 'a Kafka group id (letters, digits, ".", "_", "-")', description: 'consumer group of the trainer role' }),
    },
  },
} as const;

export type SettingsSchema = typeof SETTINGS;
