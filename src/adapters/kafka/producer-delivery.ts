import type { RetryOptions } from 'kafkajs';

/**
 * How the idempotent producer retries and when it gives up (kafkajs 2.2.4).
 *
 * kafkajs means an idempotent producer to retry without limit (`retries:
 * Number.MAX_SAFE_INTEGER` when no `retry` is given), but `Kafka.producer()` always hands
 * the producer an object (`{ ...clusterRetry, ...retry }`, `{}` when neither is set), which
 * counts as given: the producer then runs on the retrier's defaults, 5 retries (about 9 s of
 * back-off) — and an object holding `undefined` values would even override those defaults
 * (`Object.assign` copies them). So relearn passes every field.
 *
 * Unlimited retries do not fit either: a send abandoned at its deadline keeps retrying
 * inside kafkajs forever, reconnecting even after `disconnect()`. Instead, like Java's
 * `delivery.timeout.ms`, a send has a delivery timeout: the retry count is the largest whose
 * longest possible total back-off fits in it, so kafkajs stops retrying by itself about when
 * the caller stops waiting, and the caller races the send against the timeout.
 *
 * kafkajs's delays: the first is `initialRetryTime` randomised by ±`factor`; each next one is
 * the previous randomised by ±`factor`, times `multiplier`, capped at `maxRetryTime`
 * (src/retry/index.js).
 */
export const DEFAULT_DELIVERY_TIMEOUT_MS = 20_000;

const INITIAL_RETRY_MS = 300;
/** Back-off stops growing at 5 s: a broker back after a restart is found within seconds. */
const MAX_RETRY_MS = 5_000;
const FACTOR = 0.2;
const MULTIPLIER = 2;

/** The longest back-off kafkajs may wait before each retry, in order, for `retries` retries. */
export function longestRetryDelays(options: Required<Pick<RetryOptions, 'initialRetryTime' | 'maxRetryTime' | 'factor' | 'multiplier'>>, retries: number): number[] {
  const delays: number[] = [];
  let delay = Math.ceil(options.initialRetryTime * (1 + options.factor));
  for (let index = 0; index < retries; index += 1) {
    delays.push(delay);
    delay = Math.min(Math.ceil(delay * (1 + options.factor)) * options.multiplier, options.maxRetryTime);
  }
  return delays;
}

/** The producer's `retry`: every field set; as many retries as fit, at their longest, in `deliveryTimeoutMs` (at least 1: kafkajs requires it for idempotence). */
export function producerRetryOptions(deliveryTimeoutMs: number = DEFAULT_DELIVERY_TIMEOUT_MS): Required<Pick<RetryOptions, 'initialRetryTime' | 'maxRetryTime' | 'factor' | 'multiplier' | 'retries'>> {
  const shape = { initialRetryTime: INITIAL_RETRY_MS, maxRetryTime: MAX_RETRY_MS, factor: FACTOR, multiplier: MULTIPLIER };
  let retries = 0;
  let total = 0;
  // Grows one delay at a time; the cap makes the count linear in the timeout.
  for (const delay of longestRetryDelays(shape, Math.ceil(deliveryTimeoutMs / (INITIAL_RETRY_MS * (1 - FACTOR))) + 1)) {
    if (total + delay > deliveryTimeoutMs) break;
    total += delay;
    retries += 1;
  }
  return { ...shape, retries: Math.max(1, retries) };
}

/**
 * Protocol errors after which an idempotent producer's sequence numbers or producer id no
 * longer match the broker's: only a new producer (a new producer id) can send again.
 */
const PRODUCER_STATE_ERRORS: ReadonlySet<string> = new Set([
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'DUPLICATE_SEQUENCE_NUMBER',
  'UNKNOWN_PRODUCER_ID',
  'INVALID_PRODUCER_EPOCH',
  'INVALID_PRODUCER_ID_MAPPING',
  'PRODUCER_FENCED',
]);

/** kafkajs's own words for a producer that can no longer send. */
const DEAD_PRODUCER_MESSAGES: readonly RegExp[] = [/^The producer is disconnected$/, /^The producer is disconnecting/];

/**
 * Whether the producer that rejected a send with `error` must be disconnected and replaced
 * (the next send builds a new one). Yes when kafkajs gave up (KafkaJSNonRetriableError,
 * and KafkaJSNumberOfRetriesExceeded, its subclass: the last attempt may have been written,
 * and kafkajs has rolled its sequence numbers back), when the broker refused the producer's
 * sequence or id, and when kafkajs says the producer is disconnected. Errors it is still
 * retrying through never reach here; a delivery timeout is decided by the caller.
 */
export function producerNeedsReplacing(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current instanceof Error; depth += 1) {
    const candidate = current as Error & { type?: unknown; originalError?: unknown };
    if (candidate.name === 'KafkaJSNonRetriableError' || candidate.name === 'KafkaJSNumberOfRetriesExceeded') return true;
    if (typeof candidate.type === 'string' && PRODUCER_STATE_ERRORS.has(candidate.type)) return true;
    if (candidate.name.startsWith('KafkaJS') && DEAD_PRODUCER_MESSAGES.some((pattern) => pattern.test(candidate.message))) return true;
    current = candidate.originalError ?? candidate.cause;
  }
  return false;
}
