import type { ScopeType } from './scope.js';

/** The three model families relearn keeps fresh. */
export type ModelKind = 'categorizer' | 'forecaster' | 'anomaly';

export const MODEL_KINDS: readonly ModelKind[] = ['categorizer', 'forecaster', 'anomaly'];

/** Which scope type owns which kinds: users have a categorizer and a forecaster, organisations an anomaly detector. */
export const KINDS_BY_SCOPE_TYPE: Readonly<Record<ScopeType, readonly ModelKind[]>> = {
  user: ['categorizer', 'forecaster'],
  org: ['anomaly'],
};

export function isModelKind(text: string): text is ModelKind {
  return (MODEL_KINDS as readonly string[]).includes(text);
}
