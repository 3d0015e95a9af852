import { randomUUID } from 'node:crypto';

import { MongoBulkWriteError, type AnyBulkWriteOperation, type Collection, type Document } from 'mongodb';

import { isDuplicateKeyError } from './is-duplicate-key-error.js';

/** A document written whole under optimistic concurrency: `rev` changes with every write. */
export interface Revisioned extends Document {
  _id: string;
  rev: string;
  /**
   * The newest revisions, oldest first: whether a write landed is read from here, not from
   * `rev` alone, which another writer may have replaced before the read-back (the write
   * would then be taken as lost and applied twice).
   */
  revs?: string[];
}

/** Revisions kept per document: a write is verified as long as fewer writes followed it before the read-back. */
const REVISION_HISTORY = 32;

/** Any document keyed by a string: the shape bulk writes over string-keyed collections are typed with. */
export type StringKeyed = Document & { _id: string };

export interface CasWrite<T extends Revisioned> {
  /** The revision read; null when the document did not exist (the write inserts it). */
  expectedRev: string | null;
  /** The revision history read (`revs`), carried forward. */
  history?: readonly string[];
  /** The new document; its `rev` is set here. */
  next: Omit<T, 'rev'>;
}

/** Writer-unique revisions: a re-read tells whether this writer's write landed. */
export function newRevision(): string {
  return randomUUID();
}

/**
 * Writes many documents in one unordered bulk write, each only if it still has the
 * revision that was read (filter `{_id, rev}`: served by a `{_id: 1, rev: 1}` index, an
 * exact key match even for servers that use an index only then). Returns the ids whose
 * write landed; the others changed meanwhile and are the caller's to re-read and redo.
 */
export async function compareAndSetMany<T extends Revisioned>(collection: Collection<T>, writes: readonly CasWrite<T>[]): Promise<Set<string>> {
  if (writes.length === 0) return new Set();
  const revisions = new Map<string, string>();
  const operations: AnyBulkWriteOperation<StringKeyed>[] = writes.map(({ expectedRev, history, next }) => {
    const rev = newRevision();
    const id = (next as unknown as { _id: string })._id;
    revisions.set(id, rev);
    const document = { ...next, _id: id, rev, revs: [...(history ?? []), rev].slice(-REVISION_HISTORY) } as StringKeyed;
    return expectedRev === null ? { insertOne: { document } } : { replaceOne: { filter: { _id: id, rev: expectedRev }, replacement: document } };
  });
  let allLanded = false;
  try {
    const result = await (collection as unknown as Collection<StringKeyed>).bulkWrite(operations, { ordered: false });
    // Inserts are always verified by reading back: some servers report a refused duplicate as inserted.
    const inserts = writes.filter((write) => write.expectedRev === null).length;
    allLanded = inserts === 0 && result.matchedCount === operations.length;
  } catch (error) {
    // Duplicate keys are inserts that lost a race; anything else is the database's failure.
    if (!(error instanceof MongoBulkWriteError) || !writeErrorsOf(error).every((writeError) => writeError.code === 11000)) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }
  if (allLanded) return new Set(revisions.keys());
  const landed = new Set<string>();
  const found = await (collection as unknown as Collection<StringKeyed>)
    .find({ _id: { $in: [...revisions.keys()] } }, { projection: { _id: 1, rev: 1, revs: 1 } })
    .toArray();
  for (const document of found) {
    const rev = revisions.get(document._id);
    const revs = Array.isArray(document.revs) ? (document.revs as string[]) : [document.rev as string];
    if (rev !== undefined && revs.includes(rev)) landed.add(document._id);
  }
  return landed;
}

function writeErrorsOf(error: MongoBulkWriteError): readonly { code: number }[] {
  const errors = error.writeErrors;
  return Array.isArray(errors) ? (errors as readonly { code: number }[]) : [errors as { code: number }];
}
