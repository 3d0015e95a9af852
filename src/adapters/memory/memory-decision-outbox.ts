import type { Decision } from '../../domain/decision.js';
import type { ModelKind } from '../../domain/model-kind.js';
import type { Scope } from '../../domain/scope.js';
import type { DecisionOutbox } from '../../ports/decision-outbox.js';

export class MemoryDecisionOutbox implements DecisionOutbox {
  /** Insertion order is decision order. */
  private readonly decisions = new Map<string, Decision>();
  private readonly publishLeases = new Map<string, number>();

  async recordMany(decisions: readonly Decision[]): Promise<number> {
    let recorded = 0;
    for (const decision of decisions) if (await this.record(decision)) recorded += 1;
    return recorded;
  }

  claimPublication(decisionId: string, now: number, leaseMs: number): Promise<boolean> {
    const decision = this.decisions.get(decisionId);
    if (decision === undefined || decision.publishedAt !== null || (this.publishLeases.get(decisionId) ?? Number.NEGATIVE_INFINITY) > now) return Promise.resolve(false);
    this.publishLeases.set(decisionId, now + leaseMs);
    return Promise.resolve(true);
  }

  record(decision: Decision): Promise<boolean> {
    if (this.decisions.has(decision.decisionId)) return Promise.resolve(false);
    this.decisions.set(decision.decisionId, structuredClone(decision));
    return Promise.resolve(true);
  }

  releasePublication(decisionId: string): Promise<void> {
    this.publishLeases.delete(decisionId);
    return Promise.resolve();
  }

  pending(limit: number): Promise<Decision[]> {
    const rows: Decision[] = [];
    for (const decision of this.decisions.values()) {
      if (rows.length >= limit) break;
      if (decision.publishedAt === null) rows.push(structuredClone(decision));
    }
    return Promise.resolve(rows);
  }

  markPublished(decisionId: string, at: number): Promise<void> {
    const decision = this.decisions.get(decisionId);
    if (decision !== undefined && decision.publishedAt === null) decision.publishedAt = at;
    return Promise.resolve();
  }

  get(decisionId: string): Promise<Decision | null> {
    const decision = this.decisions.get(decisionId);
    return Promise.resolve(decision === undefined ? null : structuredClone(decision));
  }

  list(filter: { scope?: Scope; kind?: ModelKind; limit?: number } = {}): Promise<Decision[]> {
    const rows = [...this.decisions.values()]
      .filter((decision) => (filter.scope === undefined || decision.scope === filter.scope) && (filter.kind === undefined || decision.kind === filter.kind))
      .reverse();
    return Promise.resolve(rows.slice(0, filter.limit ?? rows.length).map((decision) => structuredClone(decision)));
  }
}
