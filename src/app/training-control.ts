import type { Decision } from '../domain/decision.js';
import { RelearnError } from '../domain/errors.js';
import { KINDS_BY_SCOPE_TYPE, type ModelKind } from '../domain/model-kind.js';
import { modelKey } from '../domain/store-keys.js';
import { parseScope, type Scope } from '../domain/scope.js';
import type { Trigger } from '../domain/trigger.js';
import type { Clock } from '../ports/clock.js';
import type { DecisionVerdict } from './decider.js';
import type { CounterStore } from '../ports/counter-store.js';
import type { ModelRegistry } from '../ports/model-registry.js';

export interface TrainingRequestInput {
  /** Exactly one of `scope` and `all: true`. */
  scope?: Scope;
  /** Every scope with counters (of `kind`, or of every kind). */
  all?: boolean;
  /** Default: every kind the scope type has. */
  kind?: ModelKind;
  /** Ignore the policy thresholds. */
  force?: boolean;
  /** Train on the last N days only. */
  lookbackDays?: number;
  /** Skip (scope, kind) pairs with fewer rows than this, as 'insufficient-data'. */
  minData?: number;
  /** Validated by the caller against the engine's schema; they apply to this training only. */
  hyperparameters?: Record<string, number>;
}

export type TrainingRequestStatus = 'requested' | 'insufficient-data' | 'skipped';

export interface TrainingRequestOutcome {
  scope: Scope;
  kind: ModelKind;
  /** The recorded decision (which is also the job id), when one was recorded. */
  decisionId: string | null;
  outcome: TrainingRequestStatus;
  /** Why, in words an operator reads. */
  reason: string;
}

/** The decider as the control needs it: `Decider` fits, so does a plain evaluate function's holder. */
export interface ManualDecider {
  evaluate(trigger: Trigger): Promise<Decision | null>;
  /** When present, explains a declined trigger (Decider keeps the latest verdict per scope and kind). */
  readonly lastVerdicts?: { get(key: string): DecisionVerdict | undefined };
}

export interface TrainingControlDeps {
  /** A Decider (system.decider), or just its evaluate function. */
  decider: ManualDecider | ManualDecider['evaluate'];
  counters: CounterStore;
  registry: ModelRegistry;
  clock: Clock;
}

const NOT_DUE_REASON: Readonly<Record<Extract<DecisionVerdict, { due: false }>['why'], string>> = {
  'insufficient-data': 'below the first-model thresholds (force trains anyway)',
  'not-enough-new-data': 'not enough new data since the last training',
  'too-soon': 'too soon since the last training',
  'performance-ok': 'live performance is fine',
  'backing-off': 'the last training failed; waiting for new data and the interval since the failure (force trains anyway)',
  'no-new-data': 'no new data since the last training',
  'training-in-flight': 'a training of this scope and kind is queued or running; this request runs once after it',
};

/**
 * Manual training requests (CLI, API, dashboard): builds manual triggers and runs them
 * through the decider, which records each decision in the outbox before it is
 * published, so a manual request gets the same exactly-once path as any other.
 */
export class TrainingControl {
  private readonly decider: ManualDecider;

  constructor(private readonly deps: TrainingControlDeps) {
    this.decider = typeof deps.decider === 'function' ? { evaluate: deps.decider } : deps.decider;
  }

  async request(input: TrainingRequestInput): Promise<TrainingRequestOutcome[]> {
    const targets = await this.targets(input);
    const outcomes: TrainingRequestOutcome[] = [];
    // One at a time: the decider claims sequence numbers per (scope, kind), and a burst
    // of concurrent claims over every scope would only contend with the pipeline.
    for (const target of targets) outcomes.push(await this.requestOne(target.scope, target.kind, target.total, input));
    return outcomes;
  }

  private async targets(input: TrainingRequestInput): Promise<{ scope: Scope; kind: ModelKind; total: number }[]> {
    const { counters, registry } = this.deps;
    if ((input.scope === undefined) === (input.all !== true)) {
      throw new RelearnError('INVALID_ARGUMENT', 'give exactly one of scope or all: true');
    }
    if (input.scope === undefined) {
      const rows = await counters.list(input.kind === undefined ? undefined : { kind: input.kind });
      return rows
        .map((row) => ({ scope: row.scope, kind: row.kind, total: row.total }))
        .sort((a, b) => a.scope.localeCompare(b.scope) || a.kind.localeCompare(b.kind));
    }
    const scope = input.scope;
    const parsed = parseScope(scope);
    if (parsed === undefined) throw new RelearnError('INVALID_ARGUMENT', `scope ${JSON.stringify(scope)}: expected user:<id> or org:<id>`);
    const kinds = KINDS_BY_SCOPE_TYPE[parsed.type];
    if (input.kind !== undefined && !kinds.includes(input.kind)) {
      throw new RelearnError('INVALID_ARGUMENT', `kind ${input.kind}: ${parsed.type} scopes have ${kinds.join(', ')}`);
    }
    const rows = await counters.list({ scope });
    if (rows.length === 0 && (await registry.list({ scope, limit: 1 })).length === 0) {
      throw new RelearnError('NOT_FOUND', `unknown scope ${scope}: no data and no models`);
    }
    return (input.kind === undefined ? kinds : [input.kind]).map((kind) => ({ scope, kind, total: rows.find((row) => row.kind === kind)?.total ?? 0 }));
  }

  private async requestOne(scope: Scope, kind: ModelKind, total: number, input: TrainingRequestInput): Promise<TrainingRequestOutcome> {
    const outcome = (status: TrainingRequestStatus, reason: string, decisionId: string | null = null): TrainingRequestOutcome => ({
      scope,
      kind,
      decisionId,
      outcome: status,
      reason,
    });
    if (input.minData !== undefined && total < input.minData) return outcome('insufficient-data', `${total} rows, fewer than minData ${input.minData}`);
    // Even a forced training cannot learn from nothing: it would only fail in the trainer.
    if (total === 0) return outcome('insufficient-data', 'no data for this kind yet');
    const decision = await this.decider.evaluate({
      scope,
      kind,
      source: 'manual',
      at: this.deps.clock.now(),
      force: input.force === true,
      lookbackDays: input.lookbackDays ?? null,
      hyperparameters: input.hyperparameters ?? null,
    });
    if (decision !== null) return outcome('requested', `${decision.reason} ${decision.mode} training decided (${total} rows)`, decision.decisionId);
    const verdict = this.decider.lastVerdicts?.get(modelKey(scope, kind));
    if (verdict !== undefined && !verdict.due) {
      return outcome(verdict.why === 'insufficient-data' ? 'insufficient-data' : 'skipped', `${NOT_DUE_REASON[verdict.why]} (${total} rows)`);
    }
    // The verdict was due but the outbox already held this decision number: another
    // decider recorded one for this scope and kind at the same moment.
    return outcome('skipped', 'another decision for this scope and kind was recorded at the same moment; request again');
  }
}
