import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { Decision } from '../../../src/domain/decision.js';
import type { Scope } from '../../../src/domain/scope.js';
import type { Trigger, TriggerSource } from '../../../src/domain/trigger.js';
import { triggerPipeline, type PipelineEvent } from '../../../src/pipelines/trigger-pipeline.js';
import { settledWhen } from './settled-now.js';

function trigger(scope: Scope, source: TriggerSource, at: number, force = false): Trigger {
  return { scope, kind: scope.startsWith('org:') ? 'anomaly' : 'categorizer', source, at, force };
}

function decisionFor(evaluated: Trigger): Decision {
  return {
    decisionId: `${evaluated.scope}/${evaluated.kind}/${evaluated.at}`,
    scope: evaluated.scope,
    kind: evaluated.kind,
    reason: evaluated.source === 'manual' ? 'manual' : 'interval',
    mode: 'full',
    counts: {},
    metric: null,
    sinceLastTrainingMs: null,
    decidedAt: evaluated.at,
    priority: 40,
    lookbackDays: null,
    force: evaluated.force ?? false,
    publishedAt: null,
  };
}

function describeEvent(event: PipelineEvent): string {
  switch (event.type) {
    case 'decided':
      return `decided ${event.decision.decisionId}`;
    case 'not-due':
      return `not-due ${event.trigger.scope}`;
    case 'evaluation-failed':
      return `failed ${event.trigger.scope}`;
  }
}

/** Runs the pipeline in virtual time; each evaluation takes `evaluationFrames` and decides unless `outcome` says otherwise. */
function runPipeline(marbles: string, values: Record<string, Trigger>, options: { evaluationFrames?: number; outcome?: (trigger: Trigger) => 'decide' | 'skip' | 'fail' } = {}) {
  const harness = { log: [] as string[], evaluated: [] as Trigger[], settled: [] as number[] };
  new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(({ hot, cold, flush }) => {
    const pipeline = triggerPipeline(hot(marbles, values), {
      evaluate: (evaluated) => {
        harness.evaluated.push(evaluated);
        const outcome = options.outcome?.(evaluated) ?? 'decide';
        const frames = '-'.repeat(options.evaluationFrames ?? 3);
        if (outcome === 'fail') return settledWhen<Decision | null>(cold(`${frames}#`, {}, new Error('database away')));
        return settledWhen(cold(`${frames}(r|)`, { r: outcome === 'decide' ? decisionFor(evaluated) : null }));
      },
      onSettled: (items) => harness.settled.push(items),
      idleGroupMs: 100,
    });
    pipeline.subscribe((event) => harness.log.push(describeEvent(event)));
    flush();
  });
  return harness;
}

describe('triggerPipeline', () => {
  it('folds triggers that arrive during an evaluation into one follow-up with the strongest trigger', () => {
    const harness = runPipeline('-abcd', { a: trigger('user:u1', 'timer', 1), b: trigger('user:u1', 'manual', 2, true), c: trigger('user:u1', 'timer', 3), d: trigger('user:u1', 'schedule', 4) });
    expect(harness.evaluated.map((evaluated) => evaluated.source)).toEqual(['timer', 'manual']);
    expect(harness.evaluated[1]?.force).toBe(true);
    expect(harness.settled).toEqual([1, 3]);
  });

  it('evaluates different (scope, kind) side by side', () => {
    const harness = runPipeline('-ab', { a: trigger('user:u1', 'timer', 1), b: trigger('org:o1', 'timer', 2) });
    expect(harness.log.sort()).toEqual(['decided org:o1/anomaly/2', 'decided user:u1/categorizer/1']);
  });

  it('reports a failed evaluation as an event and goes on with the next trigger', () => {
    const harness = runPipeline('-a------b', { a: trigger('user:u1', 'timer', 1), b: trigger('user:u1', 'timer', 2) }, { outcome: (evaluated) => (evaluated.at === 1 ? 'fail' : 'skip') });
    expect(harness.log).toEqual(['failed user:u1', 'not-due user:u1']);
    expect(harness.settled).toEqual([1, 1]);
  });
});
