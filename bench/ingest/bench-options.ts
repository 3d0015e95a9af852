import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

/** The measurements one run can make, in the order they run. */
export const PHASES = ['raw-consume', 'raw-insert', 'ceiling', 'ingest', 'ingest-all', 'latency'] as const;
export type Phase = (typeof PHASES)[number];

export interface BenchOptions {
  /** The relearn build under test: `<dist>/cli/main.js` is spawned. */
  dist: string;
  phases: ReadonlySet<Phase>;
  transactions: number;
  users: number;
  /** Share of transactions that carry `category` when produced. */
  labelShare: number;
  /** Share of the unlabeled transactions that get a LabelRecorded on labels.v1 later. */
  labelEventShare: number;
  /** Share of events sent a second time with the same eventId. */
  resendRate: number;
  seed: number;
  produceBatch: number;
  insertBatch: number;
  /** partitionsConsumedConcurrently of the ceiling pipeline (relearn's composition root uses 6). */
  ceilingConcurrency: number;
  lagPollMs: number;
  phaseTimeoutMs: number;
  readyTimeoutMs: number;
  latencyUsers: number;
  /** Share of (c)'s measured records/s the latency stream is produced at. */
  latencyRateShare: number;
  latencyTimeoutMs: number;
  relearnLogLevel: string;
  /** NODE_OPTIONS of the relearn processes (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`); empty: none. */
  relearnNodeOptions: string;
  /** Do not read the Kafka and MongoDB server processes' CPU (a stack without pid files). */
  serverCpu: boolean;
  out: string | undefined;
}

const USAGE = `usage: npm run bench:ingest -- [options]

  --dist <dir>                relearn build to run (default ./dist): <dir>/cli/main.js
  --phases <list>             comma-separated, among ${PHASES.join(', ')} (default: all)
  --latency                   only the trigger-latency section (runs 'ingest' first for its rate)
  --no-latency                every phase but the latency section
  --transactions <n>          backlog transactions (default 50000)
  --users <n>                 backlog users (default 1000)
  --label-share <r>           share of transactions produced with a category (default 0.6)
  --label-event-share <r>     share of unlabeled transactions labeled later on labels.v1 (default 0.3)
  --resend-rate <r>           share of events sent twice with the same eventId (default 0.01)
  --seed <n>                  data seed (default 1)
  --produce-batch <n>         records per producer request (default 1000)
  --insert-batch <n>          rows per insertMany in the raw insert phase (default 1000)
  --ceiling-concurrency <n>   partitions the ceiling pipeline handles at once (default 6)
  --lag-poll-ms <n>           lag polling interval for relearn phases (default 250)
  --phase-timeout-ms <n>      a phase that has not caught up by then fails (default 1800000)
  --ready-timeout-ms <n>      relearn must print its ready line by then (default 120000)
  --latency-users <n>         users crossing the categorizer's first-model threshold (default 120)
  --latency-rate-share <r>    latency stream rate as a share of (c)'s records/s (default 0.5)
  --latency-timeout-ms <n>    wait for the last TrainingRequested after the stream ends (default 180000)
  --relearn-log-level <l>     RELEARN_LOG_LEVEL of the relearn processes (default info)
  --relearn-node-options <s>  NODE_OPTIONS of the relearn processes, e.g. '--cpu-prof --cpu-prof-dir=DIR'
  --no-server-cpu             do not read the Kafka and MongoDB processes' CPU (no pid files)
  --out <file>                JSON results (default bench/results/ingest-<timestamp>.json)

Starts the real stack with scripts/stack.sh (and stops it) unless KAFKA_BROKERS,
SCHEMA_REGISTRY_URL and MONGODB_URI are all set.`;

export class UsageError extends Error {}

function integer(name: string, text: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`--${name}: expected an integer from ${min} to ${max}, got ${JSON.stringify(text)}`);
  return value;
}

function fraction(name: string, text: string, max = 1): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > max) throw new UsageError(`--${name}: expected a number from 0 to ${max}, got ${JSON.stringify(text)}`);
  return value;
}

function phases(text: string | undefined, latencyOnly: boolean, noLatency: boolean): Set<Phase> {
  if (latencyOnly && noLatency) throw new UsageError('--latency and --no-latency exclude each other');
  if (latencyOnly && text !== undefined) throw new UsageError('--latency and --phases exclude each other');
  let chosen: Set<Phase>;
  if (latencyOnly) chosen = new Set<Phase>(['ingest', 'latency']);
  else if (text === undefined) chosen = new Set(PHASES);
  else {
    const names = text.split(',').map((name) => name.trim());
    const unknown = names.filter((name) => !(PHASES as readonly string[]).includes(name));
    if (names.length === 0 || unknown.length > 0) throw new UsageError(`--phases: expected a comma-separated list of ${PHASES.join(', ')}, got ${JSON.stringify(text)}`);
    chosen = new Set(names as Phase[]);
  }
  if (noLatency) chosen.delete('latency');
  // The latency stream's rate is half of what (c) measured, on the process (c) caught up.
  if (chosen.has('latency')) chosen.add('ingest');
  if (chosen.size === 0) throw new UsageError('no phase left to run');
  return chosen;
}

export function parseBenchOptions(argv: readonly string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      dist: { type: 'string', default: 'dist' },
      phases: { type: 'string' },
      latency: { type: 'boolean', default: false },
      'no-latency': { type: 'boolean', default: false },
      transactions: { type: 'string', default: '50000' },
      users: { type: 'string', default: '1000' },
      'label-share': { type: 'string', default: '0.6' },
      'label-event-share': { type: 'string', default: '0.3' },
      'resend-rate': { type: 'string', default: '0.01' },
      seed: { type: 'string', default: '1' },
      'produce-batch': { type: 'string', default: '1000' },
      'insert-batch': { type: 'string', default: '1000' },
      'ceiling-concurrency': { type: 'string', default: '6' },
      'lag-poll-ms': { type: 'string', default: '250' },
      'phase-timeout-ms': { type: 'string', default: '1800000' },
      'ready-timeout-ms': { type: 'string', default: '120000' },
      'latency-users': { type: 'string', default: '120' },
      'latency-rate-share': { type: 'string', default: '0.5' },
      'latency-timeout-ms': { type: 'string', default: '180000' },
      'relearn-log-level': { type: 'string', default: 'info' },
      'relearn-node-options': { type: 'string', default: '' },
      'no-server-cpu': { type: 'boolean', default: false },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  const latencyRateShare = fraction('latency-rate-share', values['latency-rate-share'], 10);
  if (latencyRateShare === 0) throw new UsageError('--latency-rate-share: expected a number above 0');
  return {
    dist: resolve(values.dist),
    phases: phases(values.phases, values.latency, values['no-latency']),
    transactions: integer('transactions', values.transactions, 1),
    users: integer('users', values.users, 1),
    labelShare: fraction('label-share', values['label-share']),
    labelEventShare: fraction('label-event-share', values['label-event-share']),
    resendRate: fraction('resend-rate', values['resend-rate']),
    seed: integer('seed', values.seed, 0, 2 ** 31 - 1),
    produceBatch: integer('produce-batch', values['produce-batch'], 1),
    insertBatch: integer('insert-batch', values['insert-batch'], 1),
    ceilingConcurrency: integer('ceiling-concurrency', values['ceiling-concurrency'], 1, 1000),
    lagPollMs: integer('lag-poll-ms', values['lag-poll-ms'], 10),
    phaseTimeoutMs: integer('phase-timeout-ms', values['phase-timeout-ms'], 1000),
    readyTimeoutMs: integer('ready-timeout-ms', values['ready-timeout-ms'], 1000),
    latencyUsers: integer('latency-users', values['latency-users'], 1),
    latencyRateShare,
    latencyTimeoutMs: integer('latency-timeout-ms', values['latency-timeout-ms'], 1000),
    relearnLogLevel: values['relearn-log-level'],
    relearnNodeOptions: values['relearn-node-options'],
    serverCpu: !values['no-server-cpu'],
    out: values.out,
  };
}

export { USAGE };
