import { describe, expect, it } from 'vitest';
import { loadSettings, resolveSettings } from '../../../src/config/load-settings.js';
import { maskSettings, maskUrlCredentials } from '../../../src/config/mask-settings.js';
import { SettingsError } from '../../../src/config/settings-error.js';

const SECRETS = ['sasl-secret', 'registry-secret', 'mongo-secret', 'reader-token-1', 'writer-token-2'];

const ENV = {
  KAFKA_BROKERS: 'kafka:9092',
  KAFKA_SASL_MECHANISM: 'plain',
  KAFKA_SASL_USERNAME: 'svc',
  KAFKA_SASL_PASSWORD: 'sasl-secret',
  SCHEMA_REGISTRY_URL: 'http://registry:8081',
  SCHEMA_REGISTRY_USERNAME: 'reg',
  SCHEMA_REGISTRY_PASSWORD: 'registry-secret',
  MONGODB_URI: 'mongodb://relearn:mongo-secret@mongo-1:27017,mongo-2:27017/?replicaSet=rs0',
  RELEARN_API_TOKENS: 'reader-token-1:read,writer-token-2:read-write',
};

describe('maskSettings', () => {
  it('hides every secret and keeps what is not secret', () => {
    const settings = loadSettings({ env: ENV });
    const masked = maskSettings(settings);
    const text = JSON.stringify(masked);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    expect(masked.kafka.sasl).toEqual({ mechanism: 'plain', username: 'svc', password: '****' });
    expect(masked.schemaRegistry).toEqual({ url: 'http://registry:8081', username: 'reg', password: '****' });
    expect(masked.mongodb.uri).toBe('mongodb://relearn:****@mongo-1:27017,mongo-2:27017/?replicaSet=rs0');
    expect(masked.api.tokens).toEqual([
      { token: '****', access: 'read' },
      { token: '****', access: 'read-write' },
    ]);
    expect(masked.core).toBe(settings.core);
  });

  it('leaves the settings themselves untouched', () => {
    const settings = loadSettings({ env: ENV });
    maskSettings(settings);
    expect(settings.kafka.sasl?.password).toBe('sasl-secret');
    expect(settings.api.tokens[0]?.token).toBe('reader-token-1');
  });

  it('keeps unset secrets visible as null', () => {
    const masked = maskSettings(loadSettings({ env: {} }));
    expect(masked.kafka.sasl).toBeNull();
    expect(masked.schemaRegistry.password).toBeNull();
    expect(masked.mongodb.uri).toBeNull();
  });

  it('masks secrets in the per-setting listing of `relearn config` too', () => {
    const text = JSON.stringify(resolveSettings({ env: ENV }).resolved);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    expect(text).toContain('mongodb://relearn:****@mongo-1');
  });

  it('never echoes a secret in an error message', () => {
    try {
      loadSettings({ env: { ...ENV, RELEARN_API_TOKENS: 'very-secret-token:admin', MONGODB_URI: 'mongo://u:mongo-secret@host' } });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(SettingsError);
      const message = (error as Error).message;
      expect(message).toContain('RELEARN_API_TOKENS: got "****"');
      expect(message).toContain('MONGODB_URI: got "mongo://u:****@host"');
      expect(message).not.toContain('very-secret-token');
      expect(message).not.toContain('mongo-secret');
    }
  });
});

describe('maskUrlCredentials', () => {
  it.each([
    ['https://user:pw@registry.example:8081/path', 'https://user:****@registry.example:8081/path'],
    ['mongodb+srv://app:p%40ss@cluster.example/db', 'mongodb+srv://app:****@cluster.example/db'],
    ['http://registry:8081', 'http://registry:8081'],
    ['mongodb://user@host:27017', 'mongodb://user@host:27017'],
  ])('%s → %s', (url, masked) => {
    expect(maskUrlCredentials(url)).toBe(masked);
  });
});
