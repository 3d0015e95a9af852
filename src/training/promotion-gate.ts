import type { PrimaryMetric } from './training-task.js';

export interface PromotionVerdict {
  promoted: boolean;
  decision: string;
}

/**
 * A challenger replaces the champion only if it does at least as well on the same
 * held-out data (design.md §4). With no champion the first model is promoted.
 */
export function promotionVerdict(primary: PrimaryMetric, challenger: Record<string, number>, champion: Record<string, number> | null): PromotionVerdict {
  if (champion === null) return { promoted: true, decision: 'first model' };
  // Both scored on nothing: equal zeros would read as "at least as good". Keep the champion.
  const heldOut = challenger.heldOut ?? challenger.heldOutWeeks;
  if (heldOut === 0) return { promoted: false, decision: 'no held-out data to compare on' };
  const mine = challenger[primary.name];
  const theirs = champion[primary.name];
  if (mine === undefined || !Number.isFinite(mine)) return { promoted: false, decision: `challenger has no ${primary.name}` };
  if (theirs === undefined || !Number.isFinite(theirs)) return { promoted: true, decision: `champion has no ${primary.name}` };
  const better = primary.higherIsBetter ? mine >= theirs : mine <= theirs;
  const shown = (value: number) => value.toFixed(4);
  return better
    ? { promoted: true, decision: `${primary.name} ${shown(mine)} >= champion ${shown(theirs)}` }
    : { promoted: false, decision: `${primary.name} ${shown(mine)} < champion ${shown(theirs)}` };
}
