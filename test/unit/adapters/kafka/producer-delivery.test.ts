import { createRequire } from 'node:module';

import kafkajs from 'kafkajs';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { effectiveLevel } from '../../../../src/adapters/kafka/kafka-log-creator.js';
import { DEFAULT_DELIVERY_TIMEOUT_MS, longestRetryDelays, producerNeedsReplacing, producerRetryOptions } from '../../../../src/adapters/kafka/producer-delivery.js';

const { KafkaJSConnectionError, KafkaJSError, KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } = kafkajs;

type Retrier = (fn: (bail: (error: Error) => void, retryCount: number, retryTime: number) => Promise<unknown>) => Promise<unknown>;
/** kafkajs's own retrier (the pinned 2.2.4), as the producer builds it: `createRetry(Object.assign({}, cluster.retry, retry))`. */
const createRetry = createRequire(import.meta.url)('kafkajs/src/retry/index.js') as (options?: object) => Retrier;

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** Runs kafkajs's retrier on an always-failing (retriable) attempt under fake timers: attempts made and time waited. */
async function exhaust(options: object): Promise<{ attempts: number; elapsedMs: number; error: unknown }> {
  vi.useFakeTimers();
  const started = Date.now();
  let attempts = 0;
  const outcome = createRetry(options)(() => {
    attempts += 1;
    return Promise.reject(new KafkaJSConnectionError('Connection error: connect ECONNREFUSED'));
  }).catch((error: unknown) => error);
  await vi.runAllTimersAsync();
  const error = await outcome;
  return { attempts, elapsedMs: Date.now() - started, error };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('producerRetryOptions', () => {
  it('sets every field, so neither kafkajs default (5 retries) nor an undefined value takes over', () => {
    const options = producerRetryOptions();
    for (const value of Object.values(options)) expect(typeof value).toBe('number');
    expect(Object.keys(options).sort()).toEqual(['factor', 'initialRetryTime', 'maxRetryTime', 'multiplier', 'retries']);
    expect(options.retries).toBeGreaterThan(5);
  });

  it('fits as many retries as their longest back-off allows in the delivery timeout, and no more', () => {
    for (const timeout of [1_000, 10_000, DEFAULT_DELIVERY_TIMEOUT_MS, 600_000]) {
      const options = producerRetryOptions(timeout);
      const delays = longestRetryDelays(options, options.retries + 1);
      expect(sum(delays.slice(0, -1))).toBeLessThanOrEqual(timeout);
      expect(sum(delays)).toBeGreaterThan(timeout);
    }
    expect(producerRetryOptions(DEFAULT_DELIVERY_TIMEOUT_MS).retries).toBe(6);
    // kafkajs refuses an idempotent producer without retries: one at the least.
    expect(producerRetryOptions(1).retries).toBe(1);
  });

  it("keeps kafkajs's own retrier within the delivery timeout, and near it (not giving up after a few seconds)", async () => {
    const { attempts, elapsedMs, error } = await exhaust(producerRetryOptions(DEFAULT_DELIVERY_TIMEOUT_MS));
    expect(attempts).toBe(7);
    expect(elapsedMs).toBeLessThanOrEqual(DEFAULT_DELIVERY_TIMEOUT_MS);
    expect(elapsedMs).toBeGreaterThan(0.5 * DEFAULT_DELIVERY_TIMEOUT_MS);
    expect((error as Error).name).toBe('KafkaJSNumberOfRetriesExceeded');
  });

  it('documents the pitfall it avoids: an object of undefined values counts as set and overrides the defaults', async () => {
    // What Kafka.producer() passes when no retry is configured: `{}` → the retrier's defaults (5 retries, 15 under NODE_ENV=test).
    const defaults = await exhaust(Object.assign({}, undefined, {}));
    expect(defaults.attempts).toBe((process.env.NODE_ENV === 'test' ? 15 : 5) + 1);
    // An object whose fields are undefined replaces even those: no retry at all.
    const undefinedFields = await exhaust({ retries: undefined, initialRetryTime: undefined });
    expect(undefinedFields.attempts).toBe(1);
  });

  it("does not let kafkajs's warning about bounded retries reach the default log level", () => {
    expect(effectiveLevel('warn', 'Limiting retries for the idempotent producer may invalidate EoS guarantees', undefined)).toBe('info');
  });
});

describe('producerNeedsReplacing', () => {
  const protocolError = (type: string, retriable: boolean) => new KafkaJSProtocolError({ type, code: 0, retriable, message: `${type} message` } as unknown as Error);

  it('replaces a producer kafkajs gave up on: non-retriable, retries exhausted', () => {
    expect(producerNeedsReplacing(new KafkaJSNonRetriableError('Invalid topic'))).toBe(true);
    const exhausted = new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionError('Connection timeout'), { retryCount: 26, retryTime: 5_000 });
    expect(producerNeedsReplacing(exhausted)).toBe(true);
  });

  it('replaces a producer whose sequence numbers or id the broker refused, however deeply wrapped', () => {
    for (const type of ['OUT_OF_ORDER_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID', 'INVALID_PRODUCER_EPOCH', 'DUPLICATE_SEQUENCE_NUMBER']) {
      expect(producerNeedsReplacing(protocolError(type, false))).toBe(true);
      const wrapped = new Error('send failed', { cause: Object.assign(new Error('outer'), { originalError: protocolError(type, false) }) });
      expect(producerNeedsReplacing(wrapped)).toBe(true);
    }
  });

  it('replaces a producer kafkajs calls disconnected', () => {
    expect(producerNeedsReplacing(new KafkaJSError('The producer is disconnected'))).toBe(true);
  });

  it('keeps the producer for errors it retries through or that say nothing about it', () => {
    expect(producerNeedsReplacing(new KafkaJSConnectionError('Connection error: connect ECONNREFUSED'))).toBe(false);
    expect(producerNeedsReplacing(protocolError('NOT_LEADER_FOR_PARTITION', true))).toBe(false);
    expect(producerNeedsReplacing(new Error('The producer is disconnected'))).toBe(false);
    expect(producerNeedsReplacing('boom')).toBe(false);
    expect(producerNeedsReplacing(undefined)).toBe(false);
  });
});
