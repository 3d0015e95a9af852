import { MongoBulkWriteError, MongoServerError } from 'mongodb';

/** MongoDB's duplicate key error: a unique index (or `_id`) refused the write. */
export const DUPLICATE_KEY_CODE = 11000;

export function isDuplicateKeyError(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === DUPLICATE_KEY_CODE;
}

/**
 * The positions of an unordered bulk write's operations that were refused as duplicate keys,
 * when those are its only failures. Null when it failed in any other way, for the caller to
 * throw: another write error, no write error at all, or an unsatisfied write concern (what it
 * wrote may not be durable, so nothing may be taken as done).
 */
export function duplicateKeyIndexes(error: unknown): Set<number> | null {
  if (!(error instanceof MongoBulkWriteError)) return null;
  if (error.result.getWriteConcernError() !== undefined) return null;
  const errors = (Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors]) as readonly { index: number; code: number }[];
  if (errors.length === 0 || errors.some((writeError) => writeError.code !== DUPLICATE_KEY_CODE)) return null;
  return new Set(errors.map((writeError) => writeError.index));
}
