import { MongoServerError } from 'mongodb';

/** MongoDB's duplicate key error: a unique index (or `_id`) refused the write. */
export const DUPLICATE_KEY_CODE = 11000;

export function isDuplicateKeyError(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === DUPLICATE_KEY_CODE;
}
