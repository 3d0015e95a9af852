import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

export interface ScopesOptions {
  dist: string;
  users: number;
  minTransactions: number;
  maxTransactions: number;
  labelShare: number;
  labelEventShare: number;
  orgs: number;
  sheetsPerOrg: number;
  expensesPerSheet: number;
  seed: number;
  /** Users generated, encoded and produced per chunk (keeps the bench's own memory small). */
  chunkUsers: number;
  produceBatch: number;
  catchUpTimeoutMs: number;
  readyTimeoutMs: number;
  idleMs: number;
  sampleMs: number;
  /** A heap snapshot of the child after the last idle reading, written here. */
  heapSnapshots: string | null;
  relearnLogLevel: string;
  /** Extra environment of the relearn child (NAME=value), e.g. a cache bound to try. */
  relearnEnv: Record<string, string>;
  /** Leave the database, topics and group behind (for inspection); default: delete them. */
  keep: boolean;
  out: string | undefined;
}

export const USAGE = `usage: npm run bench:scopes -- [options]

  --dist <dir>                 relearn build to run (default ./dist): <dir>/cli/main.js
  --users <n>                  users (default 100000)
  --transactions <min-max>     transactions per user, uniform (default 2-4)
  --label-share <r>            share of transactions produced with a category (default 0.5)
  --label-event-share <r>      share of unlabeled transactions labeled later on labels.v1 (default 0.2)
  --orgs <n>                   organisations (default 1000)
  --sheets-per-org <n>         submitted sheets per organisation (default 2)
  --expenses-per-sheet <n>     expenses per sheet (default 6)
  --seed <n>                   data seed (default 1)
  --chunk-users <n>            users generated and produced per chunk (default 5000)
  --produce-batch <n>          records per producer request (default 1000)
  --catch-up-timeout-s <n>     the backlog must be ingested within this (default 480)
  --ready-timeout-s <n>        relearn must print its ready line within this (default 120)
  --idle-s <n>                 idle period after catching up (default 240)
  --sample-s <n>               RSS after GC sampled this often while idle (default 30)
  --heap-snapshots <dir>       write a heap snapshot of relearn after the last idle reading (writing
                               one raises its RSS by hundreds of MB, so never before a reading)
  --relearn-log-level <l>      RELEARN_LOG_LEVEL of relearn (default info)
  --relearn-env NAME=value     extra environment of relearn (repeatable)
  --keep                       keep the database, topics and consumer group
  --out <file>                 JSON results (default bench/results/scopes-<timestamp>.json)

Needs a running stack: KAFKA_BROKERS, SCHEMA_REGISTRY_URL and MONGODB_URI (else
scripts/stack.sh starts one and stops it at the end).`;

export class UsageError extends Error {}

function integer(name: string, text: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`--${name}: expected an integer from ${min} to ${max}, got ${JSON.stringify(text)}`);
  return value;
}

function fraction(name: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) throw new UsageError(`--${name}: expected a number from 0 to 1, got ${JSON.stringify(text)}`);
  return value;
}

export function parseScopesOptions(argv: readonly string[]): ScopesOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      dist: { type: 'string', default: 'dist' },
      users: { type: 'string', default: '100000' },
      transactions: { type: 'string', default: '2-4' },
      'label-share': { type: 'string', default: '0.5' },
      'label-event-share': { type: 'string', default: '0.2' },
      orgs: { type: 'string', default: '1000' },
      'sheets-per-org': { type: 'string', default: '2' },
      'expenses-per-sheet': { type: 'string', default: '6' },
      seed: { type: 'string', default: '1' },
      'chunk-users': { type: 'string', default: '5000' },
      'produce-batch': { type: 'string', default: '1000' },
      'catch-up-timeout-s': { type: 'string', default: '480' },
      'ready-timeout-s': { type: 'string', default: '120' },
      'idle-s': { type: 'string', default: '240' },
      'sample-s': { type: 'string', default: '30' },
      'heap-snapshots': { type: 'string' },
      'relearn-log-level': { type: 'string', default: 'info' },
      'relearn-env': { type: 'string', multiple: true, default: [] },
      keep: { type: 'boolean', default: false },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  const range = /^(\d+)-(\d+)$/.exec(values.transactions);
  if (range?.[1] === undefined || range[2] === undefined) throw new UsageError(`--transactions: expected <min>-<max>, got ${JSON.stringify(values.transactions)}`);
  const minTransactions = integer('transactions', range[1], 1, 1000);
  const maxTransactions = integer('transactions', range[2], minTransactions, 1000);
  const relearnEnv: Record<string, string> = {};
  for (const pair of values['relearn-env']) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`--relearn-env: expected NAME=value, got ${JSON.stringify(pair)}`);
    relearnEnv[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return {
    dist: resolve(values.dist),
    users: integer('users', values.users, 1),
    minTransactions,
    maxTransactions,
    labelShare: fraction('label-share', values['label-share']),
    labelEventShare: fraction('label-event-share', values['label-event-share']),
    orgs: integer('orgs', values.orgs, 0),
    sheetsPerOrg: integer('sheets-per-org', values['sheets-per-org'], 1),
    expensesPerSheet: integer('expenses-per-sheet', values['expenses-per-sheet'], 1),
    seed: integer('seed', values.seed, 0, 2 ** 31 - 1),
    chunkUsers: integer('chunk-users', values['chunk-users'], 10),
    produceBatch: integer('produce-batch', values['produce-batch'], 1),
    catchUpTimeoutMs: integer('catch-up-timeout-s', values['catch-up-timeout-s'], 1) * 1000,
    readyTimeoutMs: integer('ready-timeout-s', values['ready-timeout-s'], 1) * 1000,
    idleMs: integer('idle-s', values['idle-s'], 0) * 1000,
    sampleMs: integer('sample-s', values['sample-s'], 1) * 1000,
    heapSnapshots: values['heap-snapshots'] === undefined ? null : resolve(values['heap-snapshots']),
    relearnLogLevel: values['relearn-log-level'],
    relearnEnv,
    keep: values.keep,
    out: values.out,
  };
}
