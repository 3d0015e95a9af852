import type { Collection, Document, FindOptions } from 'mongodb';

/**
 * Keys per `$in` query. The test server (mongo-java-server) matches each document it finds
 * against the whole `$in` list, so one query's cost grows with keys × hits: 1,000 keys that
 * all hit cost 72-103 ms of its CPU in one query, 12-17 ms in queries of 25-100 keys, 49 ms
 * in queries of 10 (each query costs about 0.4 ms); 1,000 keys that all miss cost 2 ms in
 * one query (measured). Genuine MongoDB answers either shape from the `_id` index.
 */
export const KEYS_PER_QUERY = 100;

/**
 * Keys per `$in` query for a read that expects to find few of its keys (whether items have
 * labels waiting): its cost is in the queries, not in the hits.
 */
export const KEYS_PER_QUERY_MOSTLY_MISSING = 1_000;

/**
 * The documents with these `_id`s (in no particular order), read in `$in` queries of at most
 * `keysPerQuery` keys, side by side.
 */
export async function findByIds<T extends Document & { _id: string }>(
  collection: Collection<T>,
  ids: readonly string[],
  options: FindOptions = {},
  keysPerQuery = KEYS_PER_QUERY,
): Promise<T[]> {
  if (ids.length === 0) return [];
  const unique = [...new Set(ids)];
  const queries: Promise<T[]>[] = [];
  for (let start = 0; start < unique.length; start += keysPerQuery) {
    const filter = { _id: { $in: unique.slice(start, start + keysPerQuery) } } as unknown as Parameters<Collection<T>['find']>[0];
    queries.push(collection.find(filter, options).toArray() as Promise<T[]>);
  }
  return (await Promise.all(queries)).flat();
}
