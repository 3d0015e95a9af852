import { MongoBulkWriteError, type Collection, type Document, type WriteError } from 'mongodb';

const DUPLICATE_KEY = 11000;

/** A decoded event as the bench stores it: the event's fields, keyed by its eventId. */
export type EventRow = Document & { _id: string };

export function eventRow(event: Record<string, unknown>): EventRow {
  const eventId = event.eventId;
  if (typeof eventId !== 'string' || eventId.length === 0) throw new Error('decoded event has no eventId');
  return { ...event, _id: eventId };
}

/**
 * One unordered insertMany; duplicate keys (a resent or redelivered eventId) are not
 * errors, anything else is. mongo-java-server's insertedCount is wrong after duplicates,
 * so callers count what landed with countDocuments.
 */
export async function insertIgnoringDuplicates(collection: Collection<EventRow>, rows: readonly EventRow[]): Promise<void> {
  if (rows.length === 0) return;
  try {
    await collection.insertMany([...rows], { ordered: false });
  } catch (error) {
    if (!(error instanceof MongoBulkWriteError)) throw error;
    const writeErrors: WriteError[] = Array.isArray(error.writeErrors) ? (error.writeErrors as WriteError[]) : [error.writeErrors as WriteError];
    const other = writeErrors.find((writeError) => writeError.code !== DUPLICATE_KEY);
    if (writeErrors.length === 0 || other !== undefined || error.err !== undefined) throw error;
  }
}
