import { MongoNetworkError, MongoServerError, MongoServerSelectionError } from 'mongodb';
import { describe, expect, it } from 'vitest';

import { isMongoUnavailable, withUnavailableAsRetriable } from '../../../src/adapters/mongo/mongo-unavailable.js';
import { isRelearnError } from '../../../src/domain/errors.js';

describe('MongoDB outages as retriable UNAVAILABLE', () => {
  it('tells an unreachable or not-serving database from a request the server refuses', () => {
    expect(isMongoUnavailable(new MongoNetworkError('connection reset'))).toBe(true);
    expect(isMongoUnavailable(new MongoServerSelectionError('server selection timed out', { type: 'Unknown', servers: new Map(), stale: false, compatible: true, heartbeatFrequencyMS: 0, localThresholdMS: 0, setName: null, maxElectionId: null, maxSetVersion: null, commonWireVersion: 0, logicalSessionTimeoutMinutes: null } as never))).toBe(true);
    expect(isMongoUnavailable(new MongoServerError({ message: 'not primary', code: 10107 }))).toBe(true);
    expect(isMongoUnavailable(new MongoServerError({ message: 'duplicate key', code: 11000 }))).toBe(false);
    expect(isMongoUnavailable(new MongoServerError({ message: 'document too large', code: 10334 }))).toBe(false);
    expect(isMongoUnavailable(new Error('a bug'))).toBe(false);
  });

  it('wraps an adapter: outages become retriable RelearnErrors, other failures and results pass unchanged', async () => {
    const adapter = {
      calls: 0,
      async down(): Promise<never> {
        this.calls += 1;
        return Promise.reject(new MongoNetworkError('connection refused'));
      },
      refused(): Promise<never> {
        return Promise.reject(new MongoServerError({ message: 'document too large', code: 10334 }));
      },
      fine(value: number): Promise<number> {
        return Promise.resolve(value + this.calls);
      },
    };
    const wrapped = withUnavailableAsRetriable(adapter, 'test');
    const outage = await wrapped.down().catch((error: unknown) => error);
    expect(isRelearnError(outage, 'UNAVAILABLE') && outage.retriable).toBe(true);
    expect(await wrapped.refused().catch((error: unknown) => error)).toBeInstanceOf(MongoServerError);
    // Methods run on the adapter itself: its own state is what they see.
    expect(await wrapped.fine(1)).toBe(2);
  });
});
