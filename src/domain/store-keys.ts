import type { Scope } from './scope.js';

/**
 * The stored key of something that belongs to a scope: an event (by eventId) or an item
 * (a transaction or an expense, by its id). Encoded as a JSON pair so no scope id or item
 * id, whatever characters it holds, can make two keys collide (user `a/b` with item `c`
 * and user `a` with item `b/c` were the same key when the parts were joined with '/').
 * The scope comes first, so a range-sharded cluster keeps a scope's keys together.
 */
export function scopedKey(scope: Scope, id: string): string {
  return JSON.stringify([scope, id]);
}

/** The key of one (scope, model kind): counters, champion pointers, open decisions. */
export function modelKey(scope: Scope, kind: string): string {
  return `${scope}|${kind}`;
}
