import { MongoError, MongoNetworkError, MongoNotConnectedError, MongoServerSelectionError, MongoTopologyClosedError, MongoWriteConcernError } from 'mongodb';

import { RelearnError } from '../../domain/errors.js';

/**
 * Server error codes that say the database cannot serve now, not that the request is
 * wrong: shutting down, stepping down, not primary, interrupted, timed out, write concern
 * not met. Retrying later can succeed.
 */
const UNAVAILABLE_CODES = new Set([6, 7, 50, 64, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436]);

/** Whether a MongoDB driver error means the database is unreachable or cannot serve right now. */
export function isMongoUnavailable(error: unknown): boolean {
  if (error instanceof MongoNetworkError || error instanceof MongoServerSelectionError || error instanceof MongoNotConnectedError || error instanceof MongoTopologyClosedError) return true;
  if (error instanceof MongoWriteConcernError) return true;
  if (!(error instanceof MongoError)) return false;
  if (error.hasErrorLabel('RetryableWriteError') || error.hasErrorLabel('ResetPool') || error.hasErrorLabel('TransientTransactionError')) return true;
  return typeof error.code === 'number' && UNAVAILABLE_CODES.has(error.code);
}

/**
 * The adapter with every method's "database unavailable" failure turned into a retriable
 * RelearnError UNAVAILABLE. Callers decide by `retriable` alone: an outage must make a
 * partition back off and retry, never count as a bad record (which is retried a bounded
 * number of times and then dead-lettered). Other errors pass through unchanged.
 */
export function withUnavailableAsRetriable<T extends object>(adapter: T, name: string): T {
  return new Proxy(adapter, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]): unknown => {
        const translate = (error: unknown): never => {
          if (isMongoUnavailable(error)) throw new RelearnError('UNAVAILABLE', `MongoDB did not answer ${name}.${String(property)}: ${(error as Error).name}`, { retriable: true, cause: error });
          throw error;
        };
        try {
          const result: unknown = (value as (...callArgs: unknown[]) => unknown).apply(target, args);
          return result instanceof Promise ? result.catch(translate) : result;
        } catch (error) {
          return translate(error);
        }
      };
    },
  });
}
