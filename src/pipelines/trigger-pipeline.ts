import { EMPTY, concat, defer, finalize, from, groupBy, ignoreElements, map, mergeMap, of, type Observable } from 'rxjs';
import type { Decision } from '../domain/decision.js';
import { strongerTrigger, type Trigger } from '../domain/trigger.js';
import { coalesceWhileBusy } from './coalesce-while-busy.js';
import { groupKeyOf, type GroupWork } from './group-work.js';

export type TrainingResult = { status: 'succeeded' | 'failed' | 'cancelled' | 'timed-out'; requestId: string };

export interface TriggerPipelineDeps {
  /** Records a decision if the policy says so; null when nothing is due. */
  evaluate: (trigger: Trigger) => Promise<Decision | null>;
  /** Emits once when the decision's training has finished, whatever the outcome. */
  awaitTraining: (decision: Decision) => Observable<TrainingResult>;
  /** Analyses a sheet with the current champion. */
  analyse: (work: { sheetId: string; orgId: string; at: number }, trainedBeforeAnalysis: boolean) => Promise<void>;
  /** Called when a batch of `items` work items is fully done (for idleness tracking). */
  onSettled?: (items: number) => void;
}

export type PipelineEvent =
  | { type: 'decided'; decision: Decision }
  | { type: 'not-due'; trigger: Trigger }
  | { type: 'trained'; decision: Decision; result: TrainingResult }
  | { type: 'analysed'; sheetId: string; trainedBeforeAnalysis: boolean };

/**
 * Merges every trigger source, groups by (scope, model kind) and keeps at most one
 * evaluation-plus-training in flight per group; what arrives meanwhile is folded into one
 * follow-up (the strongest trigger of the burst), and sheet analyses run after it.
 */
export function triggerPipeline(work$: Observable<GroupWork>, deps: TriggerPipelineDeps): Observable<PipelineEvent> {
  return work$.pipe(
    groupBy(groupKeyOf),
    mergeMap((group$) => group$.pipe(coalesceWhileBusy((items: GroupWork[]) => runGroupBatch(items, deps).pipe(finalize(() => deps.onSettled?.(items.length)))))),
  );
}

function runGroupBatch(items: GroupWork[], deps: TriggerPipelineDeps): Observable<PipelineEvent> {
  let trigger: Trigger | undefined;
  const analyses: { sheetId: string; orgId: string; at: number }[] = [];
  for (const item of items) {
    trigger = trigger === undefined ? item.trigger : strongerTrigger(trigger, item.trigger);
    if (item.type === 'analyse') analyses.push({ sheetId: item.sheetId, orgId: item.orgId, at: item.at });
  }
  let trained = false;
  const evaluation$: Observable<PipelineEvent> =
    trigger === undefined
      ? EMPTY
      : defer(() => from(deps.evaluate(trigger))).pipe(
          mergeMap((decision): Observable<PipelineEvent> => {
            if (decision === null) return of({ type: 'not-due', trigger });
            return concat(
              of<PipelineEvent>({ type: 'decided', decision }),
              deps.awaitTraining(decision).pipe(
                map((result): PipelineEvent => {
                  trained = result.status === 'succeeded';
                  return { type: 'trained', decision, result };
                }),
              ),
            );
          }),
        );
  const analyses$: Observable<PipelineEvent> = from(analyses).pipe(
    mergeMap(
      (analysis) =>
        defer(() => from(deps.analyse(analysis, trained))).pipe(
          ignoreElements(),
          (done$) => concat(done$, defer(() => of<PipelineEvent>({ type: 'analysed', sheetId: analysis.sheetId, trainedBeforeAnalysis: trained }))),
        ),
      1,
    ),
  );
  return concat(evaluation$, analyses$);
}

