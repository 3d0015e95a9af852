/**
 * A scope names whose models these are: a user's (categorizer, forecaster) or an
 * organisation's (anomaly detector). On the wire it is the string `user:<id>` or `org:<id>`.
 */
export type ScopeType = 'user' | 'org';

export type Scope = `${ScopeType}:${string}`;

export const SCOPE_TYPES: readonly ScopeType[] = ['user', 'org'];

export function scopeOf(type: ScopeType, id: string): Scope {
  return `${type}:${id}`;
}

export function userScope(userId: string): Scope {
  return scopeOf('user', userId);
}

export function orgScope(orgId: string): Scope {
  return scopeOf('org', orgId);
}

/** Parses `user:<id>` / `org:<id>`; returns undefined for anything else so callers can name the bad field. */
export function parseScope(text: string): { type: ScopeType; id: string } | undefined {
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  const type = text.slice(0, colon);
  const id = text.slice(colon + 1);
  if ((type !== 'user' && type !== 'org') || id.length === 0) return undefined;
  return { type, id };
}

export function isScope(text: string): text is Scope {
  return parseScope(text) !== undefined;
}
