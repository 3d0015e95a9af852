import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configCommand } from '../../../src/cli/config-command.js';
import { EXIT } from '../../../src/cli/exit-codes.js';
import { loadSettings } from '../../../src/config/load-settings.js';
import { maskSettings } from '../../../src/config/mask-settings.js';
import { settingLeaves } from '../../../src/config/setting.js';
import { SETTINGS } from '../../../src/config/settings-schema.js';
import { run, testContext } from './cli-test-context.js';

const ENV = {
  KAFKA_BROKERS: 'kafka:9092',
  SCHEMA_REGISTRY_URL: 'http://registry:8081',
  MONGODB_URI: 'mongodb://relearn:mongo-secret@mongo:27017',
  RELEARN_API_TOKENS: 'token-one:read',
  RELEARN_POLICY_CATEGORIZER_MIN_INTERVAL_MS: '2d',
};

const directory = mkdtempSync(join(tmpdir(), 'relearn-config-command-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function config(env: NodeJS.ProcessEnv, ...args: string[]) {
  return run(testContext(env), (context) => [configCommand(context)], 'config', ...args);
}

describe('relearn config', () => {
  it('prints the effective settings as JSON with secrets masked', async () => {
    const result = await config(ENV, '--json');
    expect(result.code).toBe(EXIT.ok);
    expect(JSON.parse(result.stdout)).toEqual(JSON.parse(JSON.stringify(maskSettings(loadSettings({ env: ENV })))));
    expect(result.stdout).not.toContain('mongo-secret');
    expect(result.stdout).not.toContain('token-one');
  });

  it('lists every setting with its variable, value and source for people', async () => {
    const result = await config(ENV);
    expect(result.code).toBe(EXIT.ok);
    expect(result.stdout).toContain('mode real (Kafka kafka:9092)');
    for (const { path, setting } of settingLeaves(SETTINGS)) expect(result.stdout).toMatch(new RegExp(`^${path.replace(/\./g, '\\.')} +${setting.env} `, 'm'));
    expect(result.stdout).toMatch(/^core\.policies\.categorizer\.minIntervalMs +RELEARN_POLICY_CATEGORIZER_MIN_INTERVAL_MS +172800000 \(2\.0 d\) +env$/m);
    expect(result.stdout).toMatch(/^mongodb\.uri +MONGODB_URI +mongodb:\/\/relearn:\*\*\*\*@mongo:27017 +env$/m);
    expect(result.stdout).not.toContain('token-one');
  });

  it('shows only what differs from the defaults with --changed, and reads --config', async () => {
    const file = join(directory, 'relearn.json');
    writeFileSync(file, JSON.stringify({ log: { level: 'debug' } }));
    const result = await config({ RELEARN_API_PORT: '9999' }, '--changed', '--config', file);
    expect(result.code).toBe(EXIT.ok);
    expect(result.stdout).toContain(`file ${file}`);
    const rows = result.stdout.split('\n').filter((line) => /^[a-z]+\.[\w.]+ /.test(line));
    expect(rows).toEqual([expect.stringMatching(/^api\.port +RELEARN_API_PORT +9999 +env$/), expect.stringMatching(/^log\.level +RELEARN_LOG_LEVEL +debug +file$/)]);
  });

  it('says so when every setting has its default', async () => {
    expect((await config({}, '--changed')).stdout).toContain('every setting has its default value');
  });
});
