import { randomUUID } from 'node:crypto';

import { MongoBulkWriteError, type AnyBulkWriteOperation, type Collection, type Document } from 'mongodb';

import { findByIds } from './find-by-ids.js';
import { duplicateKeyIndexes } from './is-duplicate-key-error.js';

/** A document written whole under optimistic concurrency: `rev` changes with every write. */
export interface Revisioned extends Document {
  _id: string;
  rev: string;
  /**
   * `[_id, rev]` as one value: the compare-and-set filter. One field with an index of its
   * own is served by an index on every server; `{_id, rev}` was not on the test server
   * (24 ms per write, a scan, even with a `{_id: 1, rev: 1}` index).
   */
  cas: string;
  /**
   * The newest revisions, oldest first: whether a write landed is read from here, not from
   * `rev` alone, which another writer may have replaced before the read-back (the write
   * would then be taken as lost and applied twice).
   */
  revs?: string[];
}

/** Revisions kept per document: a write is verified as long as fewer writes followed it before the read-back. */
const REVISION_HISTORY = 8;

/** Any document keyed by a string: the shape bulk writes over string-keyed collections are typed with. */
export type StringKeyed = Document & { _id: string };

export interface CasWrite<T extends Revisioned> {
  /** The revision read; null when the document did not exist (the write inserts it). */
  expectedRev: string | null;
  /** The revision history read (`revs`), carried forward. */
  history?: readonly string[];
  /** The new document; its `rev` is set here. */
  next: Omit<T, 'rev' | 'cas' | 'revs'>;
}

/** The compare-and-set value of a document at a revision. */
export function casOf(id: string, rev: string): string {
  return JSON.stringify([id, rev]);
}

/** The revision fields of a document inserted whole (not through compare-and-set). */
export function firstRevision(id: string): { rev: string; cas: string; revs: string[] } {
  const rev = newRevision();
  return { rev, cas: casOf(id, rev), revs: [rev] };
}

/**
 * The revision fields of a document inserted whole and only ever changed later through
 * compare-and-set, whose insert is verified by its duplicate-key answer (items): a constant
 * first revision, shorter than a random one. Every later write gets a writer-unique one,
 * which is what a read-back looks for; the first revision never returns (nothing is deleted).
 */
export function initialRevision(id: string): { rev: string; cas: string; revs: string[] } {
  return { rev: INITIAL_REVISION, cas: casOf(id, INITIAL_REVISION), revs: [INITIAL_REVISION] };
}

const INITIAL_REVISION = '0';

/** Writer-unique revisions: a re-read tells whether this writer's write landed. */
export function newRevision(): string {
  return randomUUID();
}

/**
 * Writes many documents in one unordered bulk write, each only if it still has the
 * revision that was read (filter `{cas}`, one indexed field holding `[_id, rev]`). Returns the ids whose
 * write landed; the others changed meanwhile and are the caller's to re-read and redo.
 */
export async function compareAndSetMany<T extends Revisioned>(collection: Collection<T>, writes: readonly CasWrite<T>[]): Promise<Set<string>> {
  return new Set((await compareAndSetDocuments(collection, writes)).keys());
}

/** `compareAndSetMany`, returning the documents that landed as written (with their new `rev`, `cas`, `revs`), by id. */
export async function compareAndSetDocuments<T extends Revisioned>(collection: Collection<T>, writes: readonly CasWrite<T>[]): Promise<Map<string, T>> {
  if (writes.length === 0) return new Map();
  const revisions = new Map<string, string>();
  const written = new Map<string, T>();
  const operations: AnyBulkWriteOperation<StringKeyed>[] = writes.map(({ expectedRev, history, next }) => {
    const rev = newRevision();
    const id = (next as unknown as { _id: string })._id;
    revisions.set(id, rev);
    const document = { ...next, _id: id, rev, cas: casOf(id, rev), revs: [...(history ?? []), rev].slice(-REVISION_HISTORY) } as StringKeyed;
    written.set(id, document as T);
    return expectedRev === null ? { insertOne: { document } } : { replaceOne: { filter: { cas: casOf(id, expectedRev) }, replacement: document } };
  });
  // A replace filtered by `{cas}` matches at most one document and lands when it matches:
  // when every replace matched, none needs reading back. Inserts are always verified by
  // reading back: some servers report a refused duplicate as inserted.
  const replaces = writes.filter((write) => write.expectedRev !== null).length;
  let replacesLanded = false;
  try {
    const result = await (collection as unknown as Collection<StringKeyed>).bulkWrite(operations, { ordered: false });
    replacesLanded = result.matchedCount === replaces;
  } catch (error) {
    // Duplicate keys are inserts that lost a race; anything else (a write concern not met included) is the database's failure.
    if (!(error instanceof MongoBulkWriteError) || duplicateKeyIndexes(error) === null) throw error;
    replacesLanded = error.result.matchedCount === replaces;
  }
  if (replacesLanded && replaces === writes.length) return written;
  const landed = new Map<string, T>();
  const toVerify: string[] = [];
  for (const write of writes) {
    const id = (write.next as unknown as { _id: string })._id;
    const document = written.get(id);
    if (replacesLanded && write.expectedRev !== null && document !== undefined) landed.set(id, document);
    else toVerify.push(id);
  }
  const found = await findByIds(collection as unknown as Collection<StringKeyed>, toVerify, { projection: { _id: 1, rev: 1, revs: 1 } });
  for (const document of found) {
    const rev = revisions.get(document._id);
    const revs = Array.isArray(document.revs) ? (document.revs as string[]) : [document.rev as string];
    const document_ = written.get(document._id);
    if (rev !== undefined && revs.includes(rev) && document_ !== undefined) landed.set(document._id, document_);
  }
  return landed;
}

/**
 * Changes one document by compare-and-set: read it by `_id`, let `change` compute the
 * new one (null: nothing to do, returns false), write it if unchanged meanwhile, else
 * read again. The guarded single-document updates (claims, marks) use this instead of a
 * filter on `_id` plus the guarded field, which the test server answers with a scan.
 */
export async function changeDocument<T extends Revisioned>(collection: Collection<T>, id: string, change: (current: T) => Omit<T, 'rev' | 'cas' | 'revs'> | null, rounds = 20): Promise<boolean> {
  const byId = collection as unknown as Collection<StringKeyed>;
  for (let round = 0; round < rounds; round += 1) {
    const current = (await byId.findOne({ _id: id })) as T | null;
    if (current === null) return false;
    const next = change(current);
    if (next === null) return false;
    const landed = await compareAndSetMany(collection, [{ expectedRev: current.rev, history: current.revs ?? [], next }]);
    if (landed.has(id)) return true;
  }
  throw new Error(`document ${id} kept changing under ${rounds} attempts`);
}
