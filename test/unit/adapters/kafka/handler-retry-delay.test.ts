import { describe, expect, it } from 'vitest';

import { DEFAULT_HANDLER_RETRY, handlerRetryDelay } from '../../../../src/adapters/kafka/handler-retry-delay.js';

describe('handlerRetryDelay', () => {
  it('doubles per failure in a row from the initial delay', () => {
    expect([1, 2, 3, 4].map((attempt) => handlerRetryDelay(attempt, { initialMs: 100, maxMs: 10_000 }))).toEqual([100, 200, 400, 800]);
  });

  it('stays at the cap however many failures follow', () => {
    expect(handlerRetryDelay(7, { initialMs: 100, maxMs: 1_000 })).toBe(1_000);
    expect(handlerRetryDelay(10_000, DEFAULT_HANDLER_RETRY)).toBe(DEFAULT_HANDLER_RETRY.maxMs);
  });

  it('never goes below the initial delay', () => {
    expect(handlerRetryDelay(0, { initialMs: 100, maxMs: 1_000 })).toBe(100);
    expect(handlerRetryDelay(-3, { initialMs: 100, maxMs: 1_000 })).toBe(100);
  });
});
