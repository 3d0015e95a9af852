import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import type { CliContext } from '../../../src/cli/cli-io.js';
import { configCommand } from '../../../src/cli/config-command.js';
import { EXIT } from '../../../src/cli/exit-codes.js';
import { historyCommand } from '../../../src/cli/history-command.js';
import { jobsCommand } from '../../../src/cli/jobs-command.js';
import { modelsCommand } from '../../../src/cli/models-command.js';
import { produceCommand } from '../../../src/cli/produce-command.js';
import { simulateCommand } from '../../../src/cli/simulate-command.js';
import { statusCommand } from '../../../src/cli/status-command.js';
import { trainCommand } from '../../../src/cli/train-command.js';
import { run, testContext } from './cli-test-context.js';

const REAL = { KAFKA_BROKERS: 'kafka:9092', SCHEMA_REGISTRY_URL: 'http://registry:8081', MONGODB_URI: 'mongodb://mongo:27017' };

/** Nothing here may reach a service: every case fails before a request or a connection. */
const unreachable = () => Promise.reject(new Error('a usage error must not connect'));

const commands = (context: CliContext): Command[] => [
  simulateCommand(context),
  configCommand(context),
  produceCommand(context, unreachable),
  statusCommand(context),
  historyCommand(context),
  modelsCommand(context),
  jobsCommand(context),
  trainCommand(context),
];

// A port fetch refuses to call, so a case that wrongly got past validation fails with 3, not 2.
const API = ['--api-url', 'http://127.0.0.1:9'];

describe('usage errors name the option or argument and what was expected, and exit 2', () => {
  it.each([
    [['produce', '--rate', '0'], "'--rate <events/s>'", 'events per second above 0'],
    [['produce', '--rate', 'fast'], "'--rate <events/s>'", 'events per second'],
    [['produce', '--count', '-3'], "'--count <n>'", 'expected an integer from 1'],
    [['produce', '--start', '2026-02-30'], "'--start <date>'", 'expected a date YYYY-MM-DD'],
    [['produce', '--invalid-rate', '1'], "'--invalid-rate <r>'", 'up to but not including 1'],
    [['produce', '--resend-rate', '2'], "'--resend-rate <r>'", 'expected a number from 0 to 1'],
    [['status', 'bob', ...API], "'scope'", 'expected a scope user:<id> or org:<id>'],
    [['status', '--limit', '0', ...API], "'--limit <n>'", 'expected an integer from 1 to 1000'],
    [['status', '--api-url', 'ftp://relearn'], "'--api-url <url>'", 'expected an http:// or https:// URL'],
    [['status', '--token', ' ', ...API], "'--token <token>'", 'expected a non-empty value'],
    [['history', '--kind', 'regressor', ...API], "'--kind <kind>'", 'expected one of categorizer, forecaster, anomaly'],
    [['history', '--limit', '5000', ...API], "'--limit <n>'", 'expected an integer from 1 to 1000'],
    [['models', 'list', '--scope', 'team:a', ...API], "'--scope <scope>'", 'expected a scope'],
    [['models', 'show', 'user:u-1', 'regressor', ...API], "'kind'", 'expected one of categorizer, forecaster, anomaly'],
    [['models', 'show', 'user:u-1', 'categorizer', 'v2', ...API], "'version'", 'expected an integer from 1'],
    [['models', 'rollback', 'user:u-1', 'categorizer', '--to', '0', ...API], "'--to <version>'", 'expected an integer from 1'],
    [['jobs', 'list', '--status', 'done', ...API], "'--status <status>'", 'expected one of queued, running, succeeded, failed, cancelled'],
    [['train', '--all', '--days', '0', ...API], "'--days <n>'", 'expected an integer from 1 to 36500'],
    [['train', '--all', '--min-data', '-1', ...API], "'--min-data <n>'", 'expected an integer from 0'],
    [['train', '--all', '--timeout', 'soon', ...API], "'--timeout <seconds>'", 'expected an integer from 1'],
    [['train', '--scope', 'user', ...API], "'--scope <scope>'", 'expected a scope'],
  ])('relearn %j', async (args, named, expected) => {
    const result = await run(testContext(), commands, ...args);
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toContain(named);
    expect(result.stderr).toContain(expected);
    expect(result.stdout).toBe('');
  });

  it.each([
    [['train', ...API], 'give exactly one of --all or --scope <scope>'],
    [['train', '--all', '--scope', 'user:u-1', ...API], 'give exactly one of --all or --scope <scope>'],
    [['jobs', 'show', ...API], "missing required argument 'jobId'"],
    [['models', 'rollback', 'user:u-1', ...API], "missing required argument 'kind'"],
    [['models', 'retrain', ...API], "unknown command 'retrain'"],
    [['jobs', 'list', '--colour', ...API], "unknown option '--colour'"],
    [['status', 'user:u-1', 'extra', ...API], "too many arguments for 'status'"],
    [['deploy'], "unknown command 'deploy'"],
  ])('relearn %j', async (args, message) => {
    const result = await run(testContext(), commands, ...args);
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toContain(message);
  });

  it('names RELEARN_API_URL when the environment holds a bad URL', async () => {
    const result = await run(testContext({ RELEARN_API_URL: 'relearn.internal:8080' }), commands, 'status');
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toContain('environment variable RELEARN_API_URL: expected an http:// or https:// URL, got "relearn.internal:8080"');
  });

  it('exits 2 naming the variable when the configuration is bad (config, produce)', async () => {
    for (const args of [['config'], ['produce']]) {
      const result = await run(testContext({ ...REAL, RELEARN_API_PORT: 'eighty' }), commands, ...args);
      expect(result.code).toBe(EXIT.usage);
      expect(result.stderr).toContain('RELEARN_API_PORT: got "eighty"; expected an integer from 0 to 65535');
    }
  });

  it('refuses to produce in embedded mode, saying what to set', async () => {
    const result = await run(testContext({}), commands, 'produce', '--count', '10');
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toContain('set KAFKA_BROKERS, SCHEMA_REGISTRY_URL and MONGODB_URI');
  });

  it('refuses a --count above what the simulation generates', async () => {
    const result = await run(testContext(REAL), commands, 'produce', '--users', '1', '--orgs', '0', '--days', '7', '--count', '100000');
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toMatch(/'--count <n>' argument '100000' is invalid\. expected at most \d+, the records this simulation generates/);
  });
});

const COMMAND_PATHS = [
  [],
  ['simulate'],
  ['config'],
  ['produce'],
  ['status'],
  ['history'],
  ['models'],
  ['models', 'list'],
  ['models', 'show'],
  ['models', 'rollback'],
  ['jobs'],
  ['jobs', 'list'],
  ['jobs', 'show'],
  ['jobs', 'retry'],
  ['jobs', 'cancel'],
  ['train'],
];

describe('--help', () => {
  it.each(COMMAND_PATHS)('relearn %s --help prints usage on stdout and exits 0', async (...path) => {
    const result = await run(testContext(), commands, ...path, '--help');
    expect(result.code).toBe(EXIT.ok);
    expect(result.stdout).toContain(`Usage: relearn${path.length === 0 ? '' : ` ${path.join(' ')}`}`);
    expect(result.stderr).toBe('');
  });

  it('documents the shared API options on every client command', async () => {
    for (const path of [['status'], ['history'], ['models', 'list'], ['models', 'show'], ['models', 'rollback'], ['jobs', 'list'], ['jobs', 'retry'], ['train']]) {
      const { stdout } = await run(testContext(), commands, ...path, '--help');
      expect(stdout).toContain('--api-url <url>');
      expect(stdout).toContain('RELEARN_API_TOKEN');
      expect(stdout).toContain('--json');
    }
  });
});
