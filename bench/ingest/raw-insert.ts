import type { BenchContext } from './bench-context.js';
import type { EncodedRecord } from './encoded-records.js';
import { eventRow, insertIgnoringDuplicates, type EventRow } from './insert-rows.js';
import { phaseResult, type PhaseResult } from './phase-result.js';
import { verifyStore } from './verify-store.js';

/**
 * (b) insertMany alone: the rows the ceiling stores (the backlog decoded, resends
 * included), decoded before the clock starts, one unordered insertMany of
 * `insertBatch` rows at a time into a fresh database.
 */
export async function measureRawInsert(context: BenchContext, records: readonly EncodedRecord[]): Promise<PhaseResult> {
  const rowsByCollection = new Map<string, EventRow[]>();
  for (const record of records) {
    const collection = context.collectionByTopic.get(record.topic);
    if (collection === undefined) throw new Error(`no collection for topic ${record.topic}`);
    const rows = rowsByCollection.get(collection) ?? [];
    rows.push(eventRow(await context.schemas.decode(record.value)));
    rowsByCollection.set(collection, rows);
  }
  const db = context.mongo.db(`bench_${context.runId}_raw_insert`);
  const batch = context.options.insertBatch;
  const start = context.meter.mark(process.pid);
  let inserts = 0;
  for (const [name, rows] of rowsByCollection) {
    const collection = db.collection<EventRow>(name);
    for (let index = 0; index < rows.length; index += batch) {
      await insertIgnoringDuplicates(collection, rows.slice(index, index + batch));
      inserts++;
    }
  }
  const end = context.meter.mark(process.pid);
  const stored = await verifyStore(db, context.expectedByCollection);
  await db.dropDatabase();
  return phaseResult('raw-insert', `raw insertMany: unordered, batches of ${batch.toLocaleString('en-US')}`, 'bench', records.length, start, end, { insertManyCalls: inserts, stored });
}
