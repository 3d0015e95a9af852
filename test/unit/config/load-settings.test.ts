import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../src/config/relearn-config.js';
import { loadSettings, resolveSettings } from '../../../src/config/load-settings.js';
import { SettingsError, type SettingProblem } from '../../../src/config/settings-error.js';
import { DEFAULT_RETRAIN_POLICIES } from '../../../src/domain/policy-config.js';

const REAL = { KAFKA_BROKERS: 'kafka-1:9092', SCHEMA_REGISTRY_URL: 'http://registry:8081', MONGODB_URI: 'mongodb://mongo:27017' };

const directory = mkdtempSync(join(tmpdir(), 'relearn-settings-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
let files = 0;
function settingsFile(content: unknown): string {
  files += 1;
  const path = join(directory, `settings-${files}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

function problemsOf(load: () => unknown): SettingProblem[] {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    return [...(error as SettingsError).problems];
  }
  throw new Error('expected a SettingsError');
}

describe('loadSettings: defaults', () => {
  it('gives the documented defaults with an empty environment (embedded mode)', () => {
    const settings = loadSettings({ env: {} });
    expect(settings.kafka).toEqual({ brokers: [], clientId: 'relearn', ssl: false, sasl: null });
    expect(settings.schemaRegistry).toEqual({ url: null, username: null, password: null });
    expect(settings.mongodb).toEqual({ uri: null, database: 'relearn' });
    expect(settings.api).toEqual({ host: '127.0.0.1', port: 8080, tokens: [] });
    expect(settings.roles).toEqual(['ingest', 'trainer', 'api']);
    expect(settings.shutdownTimeoutMs).toBe(30_000);
    expect(settings.log).toEqual({ level: 'info' });
    expect(settings.core).toEqual(defaultConfig());
  });

  it('is deep-frozen: no setting can be changed after start-up', () => {
    const settings = loadSettings({ env: {} });
    expect(Object.isFrozen(settings)).toBe(true);
    expect(Object.isFrozen(settings.core.policies.categorizer)).toBe(true);
    expect(Object.isFrozen(settings.core.training.maxRows)).toBe(true);
    expect(() => {
      (settings.api as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(() => {
      settings.roles.push('api');
    }).toThrow(TypeError);
  });

  it('treats blank variables as unset', () => {
    expect(loadSettings({ env: { RELEARN_API_PORT: '  ', KAFKA_BROKERS: '' } }).api.port).toBe(8080);
  });
});

describe('loadSettings: environment overrides', () => {
  it('reads every kind of value from its variable', () => {
    const settings = loadSettings({
      env: {
        ...REAL,
        KAFKA_BROKERS: ' kafka-1:9092 , kafka-2:9093 ',
        KAFKA_CLIENT_ID: 'relearn-eu',
        KAFKA_SSL: 'yes',
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: 'svc',
        KAFKA_SASL_PASSWORD: 'hunter2',
        MONGODB_DATABASE: 'relearn_eu',
        RELEARN_API_HOST: '0.0.0.0',
        RELEARN_API_PORT: '9090',
        RELEARN_API_TOKENS: 'reader-token:read, writer:token:read-write',
        RELEARN_ROLES: 'trainer',
        RELEARN_SHUTDOWN_TIMEOUT_MS: '45s',
        RELEARN_LOG_LEVEL: 'debug',
        RELEARN_TOPIC_PREFIX: 'eu.',
        RELEARN_TOPIC_DLQ: 'ops.dead-letters',
        RELEARN_SCHEDULE_CRON: '30 3 * * 1',
        RELEARN_SCHEDULE_LOOKBACK_DAYS: '90',
        RELEARN_TRAINING_WORKERS: '4',
        RELEARN_TRAINING_CONCURRENCY: '3',
        RELEARN_TRAINING_TIMEOUT_MS: '15m',
        RELEARN_TRAINING_WORKER_MEMORY_MB: '2048',
        RELEARN_INCREMENTAL_ON_NEW_DATA: 'false',
        RELEARN_ENGINE_CATEGORIZER: 'ml-random-forest',
        RELEARN_ENGINE_ANOMALY: 'ml-isolation-forest',
        RELEARN_HYPERPARAMETERS_CATEGORIZER: '{"nTrees": 40, "maxDepth": 12}',
        RELEARN_HYPERPARAMETERS_ANOMALY: '{"nTrees": 1000, "sampleSize": 4096}',
        RELEARN_POLICY_CATEGORIZER_MIN_NEW_DATA: '30',
        RELEARN_POLICY_CATEGORIZER_MIN_INTERVAL_MS: '3d',
        RELEARN_POLICY_ANOMALY_MAX_ANOMALY_RATE: '0.4',
      },
    });
    expect(settings.kafka).toEqual({
      brokers: ['kafka-1:9092', 'kafka-2:9093'],
      clientId: 'relearn-eu',
      ssl: true,
      sasl: { mechanism: 'scram-sha-512', username: 'svc', password: 'hunter2' },
    });
    expect(settings.mongodb).toEqual({ uri: 'mongodb://mongo:27017', database: 'relearn_eu' });
    expect(settings.api).toEqual({
      host: '0.0.0.0',
      port: 9090,
      tokens: [
        { token: 'reader-token', access: 'read' },
        { token: 'writer:token', access: 'read-write' },
      ],
    });
    expect(settings.roles).toEqual(['trainer']);
    expect(settings.shutdownTimeoutMs).toBe(45_000);
    expect(settings.log.level).toBe('debug');
    expect(settings.core.topics.transactions).toBe('eu.transactions.v1');
    expect(settings.core.topics['training-requests']).toBe('eu.relearn.training-requests.v1');
    expect(settings.core.topics.dlq).toBe('ops.dead-letters');
    expect(settings.core.schedule).toEqual({ cron: '30 3 * * 1', lookbackDays: 90 });
    expect(settings.core.training.workers).toBe(4);
    expect(settings.core.training.concurrency).toBe(3);
    expect(settings.core.training.timeoutMs).toBe(15 * 60_000);
    expect(settings.core.training.workerMemoryMb).toBe(2048);
    expect(settings.core.incrementalOnNewData).toBe(false);
    expect(settings.core.engines).toEqual({ categorizer: 'ml-random-forest', anomaly: 'ml-isolation-forest' });
    expect(settings.core.hyperparameters.categorizer).toEqual({ nTrees: 40, maxDepth: 12 });
    expect(settings.core.hyperparameters.anomaly).toEqual({ nTrees: 1000, sampleSize: 4096 });
    expect(settings.core.policies.categorizer.minNewData).toBe(30);
    expect(settings.core.policies.categorizer.minIntervalMs).toBe(3 * 86_400_000);
    expect(settings.core.policies.anomaly.maxAnomalyRate).toBe(0.4);
    // Untouched policy numbers keep their defaults, per kind.
    expect(settings.core.policies.forecaster).toEqual(DEFAULT_RETRAIN_POLICIES.forecaster);
    expect(settings.core.policies.categorizer.minInitialRows).toBe(DEFAULT_RETRAIN_POLICIES.categorizer.minInitialRows);
  });
});

describe('loadSettings: file and environment', () => {
  it('takes the file over the defaults and the environment over the file', () => {
    const file = settingsFile({
      kafka: { clientId: 'from-file', brokers: ['file-kafka:9092'] },
      schemaRegistry: { url: 'http://file-registry:8081' },
      mongodb: { uri: 'mongodb://file-mongo:27017' },
      api: { port: 9000, tokens: [{ token: 'file-token', access: 'read' }] },
      core: { policies: { categorizer: { minNewData: 30 } }, training: { maxRows: { anomaly: 800 } } },
    });
    const { settings, resolved } = resolveSettings({ file, env: { RELEARN_API_PORT: '9100', KAFKA_BROKERS: 'env-kafka:9092' } });
    expect(settings.api.port).toBe(9100);
    expect(settings.kafka.brokers).toEqual(['env-kafka:9092']);
    expect(settings.kafka.clientId).toBe('from-file');
    expect(settings.api.tokens).toEqual([{ token: 'file-token', access: 'read' }]);
    expect(settings.core.policies.categorizer.minNewData).toBe(30);
    expect(settings.core.training.maxRows).toEqual({ ...defaultConfig().training.maxRows, anomaly: 800 });
    const source = (path: string) => resolved.find((entry) => entry.path === path)?.source;
    expect(source('api.port')).toBe('env');
    expect(source('kafka.clientId')).toBe('file');
    expect(source('log.level')).toBe('default');
  });

  it('reads the file named by RELEARN_CONFIG_FILE when no file is given', () => {
    const file = settingsFile({ log: { level: 'warn' } });
    expect(loadSettings({ env: { RELEARN_CONFIG_FILE: file } }).log.level).toBe('warn');
  });

  it('names unknown keys, wrong types and bad values in the file with their path', () => {
    const file = settingsFile({ kafka: { brokerz: ['x:1'] }, api: 'everywhere', core: { policies: { anomaly: { minNewData: -1 } } } });
    const problems = problemsOf(() => loadSettings({ file, env: {} }));
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatchObject({ variable: `kafka.brokerz in ${file}`, value: '["x:1"]' });
    expect(problems[0]?.expected).toContain('brokers');
    expect(problems[1]).toMatchObject({ variable: `api in ${file}`, value: '"everywhere"' });
    expect(problems[2]).toMatchObject({ variable: `core.policies.anomaly.minNewData in ${file}`, value: '-1', expected: 'an integer >= 0' });
  });

  it.each([
    ['not JSON', '{ "api": '],
    ['not an object', '[1, 2]'],
  ])('rejects a file that is %s', (_what, content) => {
    const file = settingsFile(content);
    const problems = problemsOf(() => loadSettings({ file, env: {} }));
    expect(problems).toEqual([expect.objectContaining({ variable: 'config file', value: JSON.stringify(file) })]);
  });

  it('names RELEARN_CONFIG_FILE when the file it names cannot be read', () => {
    const missing = join(directory, 'missing.json');
    const problems = problemsOf(() => loadSettings({ env: { RELEARN_CONFIG_FILE: missing } }));
    expect(problems).toEqual([expect.objectContaining({ variable: 'RELEARN_CONFIG_FILE', value: JSON.stringify(missing) })]);
    expect(problems[0]?.expected).toMatch(/readable JSON file.*ENOENT/);
  });
});

describe('loadSettings: bad values', () => {
  it.each([
    ['RELEARN_API_PORT', 'http', 'an integer from 0 to 65535'],
    ['RELEARN_API_PORT', '70000', 'an integer from 0 to 65535'],
    ['RELEARN_API_PORT', '80.5', 'an integer from 0 to 65535'],
    ['KAFKA_SSL', 'maybe', 'true or false'],
    ['RELEARN_LOG_LEVEL', 'verbose', 'one of fatal, error, warn, info, debug, trace, silent'],
    ['RELEARN_ROLES', 'ingest,cook', 'a comma-separated, non-empty list of ingest, trainer, api'],
    ['RELEARN_ROLES', 'api,api', 'each once'],
    ['KAFKA_SASL_MECHANISM', 'gssapi', 'one of plain, scram-sha-256, scram-sha-512'],
    ['RELEARN_SHUTDOWN_TIMEOUT_MS', 'soon', 'a duration of at least 1 ms'],
    ['RELEARN_POLICY_CATEGORIZER_MAX_ACCURACY_DROP', '1.5', 'a number from 0 to 1'],
    ['RELEARN_POLICY_FORECASTER_MIN_INITIAL_ROWS', '0', 'an integer >= 1'],
    ['RELEARN_ENGINE_CATEGORIZER', 'xgboost', 'one of relearn-forest, ml-random-forest'],
    ['RELEARN_HYPERPARAMETERS_CATEGORIZER', '{nTrees: 3}', 'a JSON object with any of nTrees'],
    ['RELEARN_HYPERPARAMETERS_ANOMALY', '{"depth": 3}', 'unknown "depth"'],
    ['RELEARN_HYPERPARAMETERS_ANOMALY', '{"contamination": 0.9}', 'at contamination'],
    ['RELEARN_HYPERPARAMETERS_CATEGORIZER', '{"nTrees": 2001}', 'a JSON object with any of nTrees (integer 1..2000), maxDepth (integer 1..64)'],
    ['RELEARN_HYPERPARAMETERS_ANOMALY', '{"nTrees": 1001}', 'a JSON object with any of nTrees (integer 1..1000), sampleSize (integer 2..4096)'],
    ['RELEARN_HYPERPARAMETERS_ANOMALY', '{"sampleSize": 4097}', 'at sampleSize'],
    ['RELEARN_SCHEDULE_CRON', 'every night', 'a cron expression'],
    ['RELEARN_SCHEDULE_LOOKBACK_DAYS', '0', 'an integer from 1 to 36500'],
    ['RELEARN_TOPIC_PREFIX', 'eu/', 'letters, digits'],
    ['RELEARN_TOPIC_LABELS', 'labels v2', 'a Kafka topic name'],
    ['MONGODB_DATABASE', 'my.db', 'a MongoDB database name'],
  ])('%s=%j fails naming the variable, the value and what was expected', (variable, value, expected) => {
    const problems = problemsOf(() => loadSettings({ env: { [variable]: value } }));
    expect(problems).toHaveLength(1);
    expect(problems[0]?.variable).toBe(variable);
    expect(problems[0]?.value).toBe(JSON.stringify(value));
    expect(problems[0]?.expected).toContain(expected);
  });

  it.each([
    ['KAFKA_BROKERS', 'kafka-1'],
    ['SCHEMA_REGISTRY_URL', 'ftp://registry'],
    ['MONGODB_URI', 'postgres://db'],
  ])('%s=%j is rejected for its format even with the rest of the real stack set', (variable, value) => {
    const problems = problemsOf(() => loadSettings({ env: { ...REAL, [variable]: value } }));
    expect(problems.map((problem) => problem.variable)).toEqual([variable]);
  });

  it('lists every bad variable at once, in one error message', () => {
    let message = '';
    try {
      loadSettings({ env: { RELEARN_API_PORT: 'x', KAFKA_SSL: 'perhaps', RELEARN_TRAINING_WORKERS: '0' } });
    } catch (error) {
      expect(error).toBeInstanceOf(SettingsError);
      expect((error as SettingsError).problems).toHaveLength(3);
      message = (error as Error).message;
    }
    expect(message).toContain('3 problems');
    expect(message).toContain('RELEARN_API_PORT: got "x"; expected an integer from 0 to 65535');
    expect(message).toContain('KAFKA_SSL: got "perhaps"');
    expect(message).toContain('RELEARN_TRAINING_WORKERS: got "0"; expected an integer from 1 to 256');
  });

  it('defaults the training time limit to 10 minutes and the worker heap to 1024 MB, and names the bounds of bad values', () => {
    expect(loadSettings({ env: {} }).core.training).toMatchObject({ timeoutMs: 600_000, workerMemoryMb: 1024 });
    const problems = problemsOf(() => loadSettings({ env: { RELEARN_TRAINING_TIMEOUT_MS: '500ms', RELEARN_TRAINING_WORKER_MEMORY_MB: '32' } }));
    expect(problems.map((problem) => `${problem.variable}: ${problem.expected}`)).toEqual([
      'RELEARN_TRAINING_TIMEOUT_MS: a duration of at least 1000 ms: milliseconds, or a whole number with a unit (ms, s, m, h, d) such as 30s or 7d',
      'RELEARN_TRAINING_WORKER_MEMORY_MB: an integer from 64 to 1048576',
    ]);
  });

  it('rejects a token with an unknown access level and a token listed twice', () => {
    expect(problemsOf(() => loadSettings({ env: { RELEARN_API_TOKENS: 'abc:admin' } }))[0]?.expected).toContain('at item 1, access');
    expect(problemsOf(() => loadSettings({ env: { RELEARN_API_TOKENS: 'abc:read,abc:read-write' } }))[0]?.expected).toContain('the same token is listed twice');
  });

  it('rejects rules that cannot hold together: min above max, a window smaller than its minimum, two roles on one topic or group', () => {
    const problems = problemsOf(() =>
      loadSettings({
        env: {
          RELEARN_POLICY_ANOMALY_MIN_ANOMALY_RATE: '0.5',
          RELEARN_POLICY_FORECASTER_MIN_PERFORMANCE_SAMPLES: '9',
          RELEARN_TOPIC_LABELS: 'transactions.v1',
          RELEARN_GROUP_TRAINER: 'relearn-ingest',
        },
      }),
    );
    expect(problems.map((problem) => problem.variable)).toEqual([
      'RELEARN_POLICY_FORECASTER_MIN_PERFORMANCE_SAMPLES and RELEARN_POLICY_FORECASTER_PERFORMANCE_WINDOW',
      'RELEARN_POLICY_ANOMALY_MIN_ANOMALY_RATE and RELEARN_POLICY_ANOMALY_MAX_ANOMALY_RATE',
      'RELEARN_TOPIC_LABELS and RELEARN_TOPIC_TRANSACTIONS',
      'RELEARN_GROUP_INGEST and RELEARN_GROUP_TRAINER',
    ]);
  });
});

describe('loadSettings: real mode given partially', () => {
  it('names the missing services when only KAFKA_BROKERS is set', () => {
    const problems = problemsOf(() => loadSettings({ env: { KAFKA_BROKERS: 'kafka:9092' } }));
    expect(problems.map((problem) => problem.variable)).toEqual(['SCHEMA_REGISTRY_URL (schemaRegistry.url)', 'MONGODB_URI (mongodb.uri)']);
    expect(problems[0]?.value).toBeNull();
    expect(problems[0]?.expected).toContain('to be set together with KAFKA_BROKERS');
  });

  it('names KAFKA_BROKERS and SCHEMA_REGISTRY_URL when only MONGODB_URI is set', () => {
    const problems = problemsOf(() => loadSettings({ env: { MONGODB_URI: 'mongodb://mongo:27017' } }));
    expect(problems.map((problem) => problem.variable)).toEqual(['KAFKA_BROKERS (kafka.brokers)', 'SCHEMA_REGISTRY_URL (schemaRegistry.url)']);
  });

  it('accepts the three together', () => {
    const settings = loadSettings({ env: REAL });
    expect(settings.kafka.brokers).toEqual(['kafka-1:9092']);
    expect(settings.schemaRegistry.url).toBe('http://registry:8081');
    expect(settings.mongodb.uri).toBe('mongodb://mongo:27017');
  });

  it('does not add a "missing" problem for a service whose value was bad', () => {
    const problems = problemsOf(() => loadSettings({ env: { ...REAL, SCHEMA_REGISTRY_URL: 'registry' } }));
    expect(problems.map((problem) => problem.variable)).toEqual(['SCHEMA_REGISTRY_URL']);
  });

  it('names the missing SASL and basic-auth parts', () => {
    const problems = problemsOf(() => loadSettings({ env: { ...REAL, KAFKA_SASL_USERNAME: 'svc', SCHEMA_REGISTRY_PASSWORD: 'pw' } }));
    expect(problems.map((problem) => problem.variable)).toEqual([
      'KAFKA_SASL_MECHANISM (kafka.sasl.mechanism)',
      'KAFKA_SASL_PASSWORD (kafka.sasl.password)',
      'SCHEMA_REGISTRY_USERNAME (schemaRegistry.username)',
    ]);
  });
});
