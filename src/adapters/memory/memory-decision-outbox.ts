import type { Decision } from '../../domain/decision.js';
import type { ModelKind } from '../../domain/model-kind.js';
import type { Scope } from '../../domain/scope.js';
import type { DecisionOutbox, PublicationClaim } from '../../ports/decision-outbox.js';

export class MemoryDecisionOutbox implements DecisionOutbox {
  /** Insertion order is decision order. */
  private readonly decisions = new Map<string, Decision>();
  private readonly claims = new Map<string, PublicationClaim & { until: number }>();

  async recordMany(decisions: readonly Decision[]): Promise<number> {
    let recorded = 0;
    for (const decision of decisions) if (await this.record(decision)) recorded += 1;
    return recorded;
  }

  claimPublication(decisionId: string, now: number, leaseMs: number): Promise<PublicationClaim | null> {
    const decision = this.decisions.get(decisionId);
    const earlier = this.claims.get(decisionId);
    if (decision === undefined || decision.publishedAt !== null || (earlier?.until ?? Number.NEGATIVE_INFINITY) > now) return Promise.resolve(null);
    const claim = { until: now + leaseMs, firstClaimedAt: earlier?.firstClaimedAt ?? now, attempts: (earlier?.attempts ?? 0) + 1 };
    this.claims.set(decisionId, claim);
    return Promise.resolve({ firstClaimedAt: claim.firstClaimedAt, attempts: claim.attempts });
  }

  record(decision: Decision): Promise<boolean> {
    if (this.decisions.has(decision.decisionId)) return Promise.resolve(false);
    this.decisions.set(decision.decisionId, structuredClone(decision));
    return Promise.resolve(true);
  }

  releasePublication(decisionId: string): Promise<void> {
    const claim = this.claims.get(decisionId);
    if (claim !== undefined) this.claims.set(decisionId, { ...claim, until: Number.NEGATIVE_INFINITY });
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
