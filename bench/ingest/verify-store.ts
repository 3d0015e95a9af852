import type { Db } from 'mongodb';

/** Fails unless every collection holds exactly the expected number of distinct events. */
export async function verifyStore(db: Db, expected: ReadonlyMap<string, number>): Promise<Record<string, number>> {
  const found: Record<string, number> = {};
  for (const [collection, count] of expected) {
    found[collection] = await db.collection(collection).countDocuments();
    if (found[collection] !== count) throw new Error(`database ${db.databaseName}: ${collection} holds ${found[collection]} documents, expected ${count} distinct events`);
  }
  return found;
}
