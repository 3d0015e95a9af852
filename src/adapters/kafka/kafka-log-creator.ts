import { createRequire } from 'node:module';

import { logLevel, type LogEntry, type logCreator } from 'kafkajs';

export type KafkaLogLevel = 'error' | 'warn' | 'info' | 'debug';

/** One log line of the Kafka adapter (kafkajs's own lines and the adapter's), as an object. */
export interface KafkaLogEntry {
  level: KafkaLogLevel;
  /** Epoch milliseconds. */
  time: number;
  /** kafkajs's namespace (Connection, Runner, Consumer, ...) or `relearn.kafka` for the adapter's own lines. */
  namespace: string;
  message: string;
  [field: string]: unknown;
}

export type KafkaLogWriter = (entry: KafkaLogEntry) => void;

const LEVEL_RANK: Readonly<Record<KafkaLogLevel, number>> = { error: 1, warn: 2, info: 4, debug: 5 };

const LEVEL_OF_KAFKAJS: ReadonlyMap<logLevel, KafkaLogLevel> = new Map([
  [logLevel.ERROR, 'error'],
  [logLevel.WARN, 'warn'],
  [logLevel.INFO, 'info'],
  [logLevel.DEBUG, 'debug'],
]);

export function kafkajsLogLevel(level: KafkaLogLevel): logLevel {
  switch (level) {
    case 'error':
      return logLevel.ERROR;
    case 'warn':
      return logLevel.WARN;
    case 'info':
      return logLevel.INFO;
    case 'debug':
      return logLevel.DEBUG;
  }
}

interface ProtocolErrorCode {
  type: string;
  retriable: boolean;
  message: string;
}

/** Not retriable in kafkajs's table, but answered during every ordinary group join or rebalance, and handled by rejoining. */
const ROUTINE_GROUP_ERRORS: ReadonlySet<string> = new Set(['REBALANCE_IN_PROGRESS', 'MEMBER_ID_REQUIRED']);

/** A member that lost its place (session timed out) rejoins by itself; worth a warning, not an error. */
const REJOIN_GROUP_ERRORS: ReadonlySet<string> = new Set(['ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID']);

/**
 * kafkajs logs the text of every protocol error a broker answers, at error level, even when
 * it retries or rejoins (the coordinator is loading, the group is rebalancing, a leader is
 * being elected): on a fresh broker that is pages of "errors" that are not failures. Its log
 * line carries only the message, so errors are recognised through kafkajs's own table
 * (internal to the pinned kafkajs 2.2.4; if it moved, nothing would be demoted).
 */
function protocolMessageLevels(): ReadonlyMap<string, KafkaLogLevel> {
  const levels = new Map<string, KafkaLogLevel>();
  try {
    const table = createRequire(import.meta.url)('kafkajs/src/protocol/error.js') as { errorCodes?: ProtocolErrorCode[] };
    for (const code of table.errorCodes ?? []) {
      if (code.retriable || ROUTINE_GROUP_ERRORS.has(code.type)) levels.set(code.message, 'info');
      else if (REJOIN_GROUP_ERRORS.has(code.type)) levels.set(code.message, 'warn');
    }
  } catch {
    // Left empty: every line keeps kafkajs's level.
  }
  return levels;
}

const PROTOCOL_MESSAGE_LEVELS = protocolMessageLevels();

/**
 * Messages kafkajs logs as warnings during normal group membership changes, and at every
 * producer creation: relearn bounds the idempotent producer's retries by its delivery
 * timeout on purpose and replaces a producer that gave up (producer-delivery.ts).
 */
const ROUTINE_MESSAGES: readonly RegExp[] = [/^The group is rebalancing, re-joining$/, /^Limiting retries for the idempotent producer may invalidate EoS guarantees$/];

function atMost(level: KafkaLogLevel, cap: KafkaLogLevel | undefined): KafkaLogLevel {
  return cap !== undefined && LEVEL_RANK[cap] > LEVEL_RANK[level] ? cap : level;
}

/**
 * The level a kafkajs line deserves: what kafkajs retries or rejoins from anyway goes to
 * info, so that the default (warn) shows what needs an operator. A retry that finally
 * fails still reaches the caller as a rejected promise or a consumer crash, logged as errors.
 */
export function effectiveLevel(level: KafkaLogLevel, message: string, error: unknown): KafkaLogLevel {
  if (level !== 'error' && level !== 'warn') return level;
  if (ROUTINE_MESSAGES.some((pattern) => pattern.test(message))) return 'info';
  if (typeof error === 'string') return atMost(level, PROTOCOL_MESSAGE_LEVELS.get(error));
  const failedSend = /^Failed to send messages: (.*)$/.exec(message)?.[1];
  return atMost(level, PROTOCOL_MESSAGE_LEVELS.get(failedSend ?? message));
}

export function stderrJsonWriter(entry: KafkaLogEntry): void {
  process.stderr.write(`${JSON.stringify(entry)}\n`);
}

/** Forwards kafkajs's log lines at `threshold` and above to `write`, demoting retry noise first. */
export function kafkaLogCreator(threshold: KafkaLogLevel, write: KafkaLogWriter): logCreator {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const original = LEVEL_OF_KAFKAJS.get(level);
      if (original === undefined) return;
      const { timestamp, message, ...fields } = log;
      const demoted = effectiveLevel(original, message, fields.error);
      if (LEVEL_RANK[demoted] > LEVEL_RANK[threshold]) return;
      const parsed = Date.parse(timestamp);
      write({ ...fields, level: demoted, time: Number.isNaN(parsed) ? Date.now() : parsed, namespace: namespace || 'kafkajs', message });
    };
}

/** The adapter's own lines, through the same threshold and writer as kafkajs's. */
export function adapterLogger(threshold: KafkaLogLevel, write: KafkaLogWriter): (level: KafkaLogLevel, message: string, fields?: Record<string, unknown>) => void {
  return (level, message, fields = {}) => {
    if (LEVEL_RANK[level] > LEVEL_RANK[threshold]) return;
    write({ ...fields, level, time: Date.now(), namespace: 'relearn.kafka', message });
  };
}
