import type { InputEvent } from './events.js';
import { orgScope, scopeOf, userScope, type Scope } from './scope.js';
import { scopedKey } from './store-keys.js';

/** The scope an input event belongs to: whose counters it moves and under which its eventId is unique. */
export function inputScope(input: InputEvent): Scope {
  switch (input.type) {
    case 'transaction':
      return userScope(input.event.userId);
    case 'expense':
    case 'sheet':
      return orgScope(input.event.orgId);
    case 'label':
      return scopeOf(input.event.scope.type, input.event.scope.id);
  }
}

/** The stored key of an input event: unique per scope and eventId. */
export function inputEventKey(input: InputEvent): string {
  return scopedKey(inputScope(input), input.event.eventId);
}

/** The item (transaction or expense) an event stores or labels; null for sheets. */
export function inputItemKey(input: InputEvent): string | null {
  switch (input.type) {
    case 'transaction':
      return scopedKey(inputScope(input), input.event.transactionId);
    case 'expense':
      return scopedKey(inputScope(input), input.event.expenseId);
    case 'label':
      return scopedKey(inputScope(input), input.event.itemId);
    case 'sheet':
      return null;
  }
}
