import type { Trigger } from '../domain/trigger.js';

/**
 * What one (scope, kind) group is asked to do: evaluate a trigger, or analyse a
 * submitted sheet. Analyses queue behind the group's evaluation, which is what makes
 * "train before analysis" hold: a due retrain runs before the sheet is scored.
 */
export type GroupWork =
  | { type: 'trigger'; trigger: Trigger }
  /** A submitted sheet: it is a count trigger for the org's anomaly model AND asks for its analysis, in that order. */
  | { type: 'analyse'; sheetId: string; orgId: string; at: number; trigger: Trigger };

export function groupKeyOf(work: GroupWork): string {
  return work.type === 'trigger' ? `${work.trigger.scope}|${work.trigger.kind}` : `org:${work.orgId}|anomaly`;
}
