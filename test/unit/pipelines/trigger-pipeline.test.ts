import type { Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { Decision } from '../../../src/domain/decision.js';
import type { Scope } from '../../../src/domain/scope.js';
import type { Trigger, TriggerSource } from '../../../src/domain/trigger.js';
import type { GroupWork } from '../../../src/pipelines/group-work.js';
import { triggerPipeline, type PipelineEvent, type TrainingResult } from '../../../src/pipelines/trigger-pipeline.js';
import { settledNow } from './settled-now.js';

function triggerWork(scope: Scope, source: TriggerSource, at: number, force = false): GroupWork {
  return { type: 'trigger', trigger: { scope, kind: scope.startsWith('org:') ? 'anomaly' : 'categorizer', source, at, force } };
}

function analyseWork(orgId: string, sheetId: string, at: number): GroupWork {
  return { type: 'analyse', sheetId, orgId, at, trigger: { scope: `org:${orgId}`, kind: 'anomaly', source: 'count', at } };
}

function decisionFor(trigger: Trigger, sequence: number): Decision {
  return {
    decisionId: `${trigger.scope}/${trigger.kind}/${sequence}`,
    scope: trigger.scope,
    kind: trigger.kind,
    reason: trigger.source === 'manual' ? 'manual' : 'new-data',
    mode: 'full',
    counts: {},
    metric: null,
    sinceLastTrainingMs: null,
    decidedAt: trigger.at,
    priority: 40,
    lookbackDays: null,
    force: trigger.force ?? false,
    publishedAt: null,
  };
}

function describeEvent(event: PipelineEvent): string {
  switch (event.type) {
    case 'decided':
      return `decided ${event.decision.decisionId}`;
    case 'not-due':
      return `not-due ${event.trigger.scope}`;
    case 'trained':
      return `trained ${event.decision.decisionId} ${event.result.status}`;
    case 'analysed':
      return `analysed ${event.sheetId} trainedBefore=${String(event.trainedBeforeAnalysis)}`;
  }
}

interface Harness {
  /** `<virtual frame>: <event>` in emission order. */
  log: string[];
  evaluated: Trigger[];
  analysed: { sheetId: string; trainedBeforeAnalysis: boolean; frame: number }[];
  settled: number[];
}

/**
 * Runs the pipeline in virtual time over `workMarbles`. Each evaluation decides to train
 * unless `due` says otherwise, and each training takes `trainingMarbles` to finish.
 */
function runPipeline(
  workMarbles: string,
  values: Record<string, GroupWork>,
  options: { trainingMarbles?: string; status?: TrainingResult['status']; due?: (trigger: Trigger) => boolean } = {},
): Harness {
  const harness: Harness = { log: [], evaluated: [], analysed: [], settled: [] };
  const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  scheduler.run(({ hot, cold, flush }) => {
    const sequences = new Map<string, number>();
    const pipeline = triggerPipeline(hot(workMarbles, values), {
      evaluate: (trigger) => {
        harness.evaluated.push(trigger);
        if (options.due !== undefined && !options.due(trigger)) return settledNow(null);
        const sequence = (sequences.get(trigger.scope) ?? 0) + 1;
        sequences.set(trigger.scope, sequence);
        return settledNow(decisionFor(trigger, sequence));
      },
      awaitTraining: (decision): Observable<TrainingResult> =>
        cold(options.trainingMarbles ?? '----(r|)', { r: { status: options.status ?? 'succeeded', requestId: decision.decisionId } }),
      analyse: (work, trainedBeforeAnalysis) => {
        harness.analysed.push({ sheetId: work.sheetId, trainedBeforeAnalysis, frame: scheduler.now() });
        return settledNow(undefined);
      },
      onSettled: (items) => harness.settled.push(items),
    });
    pipeline.subscribe((event) => harness.log.push(`${scheduler.now()}: ${describeEvent(event)}`));
    flush();
  });
  return harness;
}

describe('triggerPipeline', () => {
  it('turns a burst of triggers during a training into exactly one follow-up evaluation', () => {
    const harness = runPipeline('-abcd', {
      a: triggerWork('user:u1', 'count', 1),
      b: triggerWork('user:u1', 'count', 2),
      c: triggerWork('user:u1', 'count', 3),
      d: triggerWork('user:u1', 'count', 4),
    });
    expect(harness.log).toEqual([
      '1: decided user:u1/categorizer/1',
      '5: trained user:u1/categorizer/1 succeeded',
      '5: decided user:u1/categorizer/2',
      '9: trained user:u1/categorizer/2 succeeded',
    ]);
    // The follow-up evaluates the newest trigger of the burst: nothing it stands for is lost.
    expect(harness.evaluated.map((trigger) => trigger.at)).toEqual([1, 4]);
    expect(harness.settled).toEqual([1, 3]);
  });

  it('runs groups independently: a second scope is not held up by the first one training', () => {
    const harness = runPipeline('-ab-c', {
      a: triggerWork('user:u1', 'count', 1),
      b: triggerWork('user:u2', 'count', 2),
      c: triggerWork('org:o1', 'count', 4),
    });
    expect(harness.log).toEqual([
      '1: decided user:u1/categorizer/1',
      '2: decided user:u2/categorizer/1',
      '4: decided org:o1/anomaly/1',
      '5: trained user:u1/categorizer/1 succeeded',
      '6: trained user:u2/categorizer/1 succeeded',
      '8: trained org:o1/anomaly/1 succeeded',
    ]);
  });

  it('lets a manual trigger that arrives during a burst win over later count triggers', () => {
    const harness = runPipeline(
      '-a-bmc',
      {
        a: triggerWork('user:u1', 'count', 1),
        b: triggerWork('user:u1', 'count', 3),
        m: triggerWork('user:u1', 'manual', 4, true),
        c: triggerWork('user:u1', 'count', 5),
      },
      { trainingMarbles: '-------(r|)' },
    );
    expect(harness.evaluated.map((trigger) => [trigger.source, trigger.at, trigger.force])).toEqual([
      ['count', 1, false],
      ['manual', 4, true],
    ]);
    expect(harness.log).toEqual([
      '1: decided user:u1/categorizer/1',
      '8: trained user:u1/categorizer/1 succeeded',
      '8: decided user:u1/categorizer/2',
      '15: trained user:u1/categorizer/2 succeeded',
    ]);
  });

  it('analyses a sheet after the group trained, with trainedBeforeAnalysis true', () => {
    const harness = runPipeline('-s', { s: analyseWork('o1', 'sheet-1', 1) });
    expect(harness.log).toEqual([
      '1: decided org:o1/anomaly/1',
      '5: trained org:o1/anomaly/1 succeeded',
      '5: analysed sheet-1 trainedBefore=true',
    ]);
    expect(harness.analysed).toEqual([{ sheetId: 'sheet-1', trainedBeforeAnalysis: true, frame: 5 }]);
  });

  it('queues a sheet that arrives during a training behind the follow-up evaluation and its training', () => {
    const harness = runPipeline('-as', { a: triggerWork('org:o1', 'count', 1), s: analyseWork('o1', 'sheet-2', 2) });
    expect(harness.log).toEqual([
      '1: decided org:o1/anomaly/1',
      '5: trained org:o1/anomaly/1 succeeded',
      '5: decided org:o1/anomaly/2',
      '9: trained org:o1/anomaly/2 succeeded',
      '9: analysed sheet-2 trainedBefore=true',
    ]);
  });

  it('reports trainedBeforeAnalysis false when the training failed', () => {
    const harness = runPipeline('-s', { s: analyseWork('o1', 'sheet-1', 1) }, { status: 'failed' });
    expect(harness.log).toEqual([
      '1: decided org:o1/anomaly/1',
      '5: trained org:o1/anomaly/1 failed',
      '5: analysed sheet-1 trainedBefore=false',
    ]);
  });

  it('analyses at once, without training, when nothing is due', () => {
    const harness = runPipeline('-s', { s: analyseWork('o1', 'sheet-1', 1) }, { due: () => false });
    expect(harness.log).toEqual(['1: not-due org:o1', '1: analysed sheet-1 trainedBefore=false']);
    expect(harness.settled).toEqual([1]);
  });

  it('analyses every sheet of a burst, one after another, after one training', () => {
    const harness = runPipeline('-ast', { a: triggerWork('org:o1', 'count', 1), s: analyseWork('o1', 'sheet-1', 2), t: analyseWork('o1', 'sheet-2', 3) });
    expect(harness.analysed).toEqual([
      { sheetId: 'sheet-1', trainedBeforeAnalysis: true, frame: 9 },
      { sheetId: 'sheet-2', trainedBeforeAnalysis: true, frame: 9 },
    ]);
    expect(harness.evaluated).toHaveLength(2);
  });
});
