import type { Db } from 'mongodb';

import { MONGO_COLLECTIONS } from './mongo-collections.js';

interface SequenceDocument {
  _id: string;
  value: number;
}

/**
 * The next value of a named, database-wide counter. A single-document `$inc` is atomic,
 * so concurrent callers (in any process) always get distinct, increasing values.
 */
/** With `count`, reserves that many values and returns the last of them. */
export async function nextSequence(db: Db, name: string, count = 1): Promise<number> {
  const updated = await db
    .collection<SequenceDocument>(MONGO_COLLECTIONS.sequences)
    .findOneAndUpdate({ _id: name }, { $inc: { value: count } }, { upsert: true, returnDocument: 'after' });
  if (updated === null) throw new Error(`sequence ${name} was not returned after its upsert`);
  return updated.value;
}
