import type { TopicNames } from '../contract/topic-definitions.js';
import type { Decision } from '../domain/decision.js';
import type { Clock } from '../ports/clock.js';
import type { DecisionOutbox } from '../ports/decision-outbox.js';
import type { EventSink } from '../ports/event-bus.js';
import { trainingRequestOf, type OutputCodecs } from './event-codecs.js';
import { SerialRunner } from './serial-runner.js';

/** How long a relay holds a decision it is publishing; a relay that dies mid-publish hands it on after this. */
const PUBLICATION_LEASE_MS = 15_000;

/**
 * Publishes recorded decisions as TrainingRequested events, then marks them published.
 * Each decision is claimed before it is published, so relays in several processes never
 * publish one decision twice; a crash between the broker's acknowledgement and the mark
 * republishes it after the claim expires, and the job queue deduplicates its requestId.
 * Runs are serialised; a kick during a run causes one more run; a failed run (the broker
 * refused) leaves the decisions pending for the next kick or the service's periodic one.
 */
export class OutboxRelay {
  private readonly runner: SerialRunner;
  published = 0;
  /** publishRecorded calls in flight. */
  private publishing = 0;

  constructor(
    private readonly outbox: DecisionOutbox,
    private readonly sink: EventSink,
    private readonly codecs: OutputCodecs,
    private readonly topics: TopicNames,
    private readonly clock: Clock,
    private readonly onError?: (error: unknown) => void,
    /**
     * Whether a training request already reached the trainers (its job exists). A decision
     * found pending by the sweep may have been sent by a relay that died before marking it:
     * when its job exists it is only marked, not sent again.
     */
    private readonly delivered: (decisionId: string) => Promise<boolean> = () => Promise.resolve(false),
  ) {
    this.runner = new SerialRunner(() => this.publishPending(), onError);
  }

  kick(): Promise<void> {
    return this.runner.kick();
  }

  /**
   * Publishes decisions just recorded without first querying the outbox (the trigger's
   * latency path); whatever this misses stays pending for the next kick. Never rejects.
   */
  async publishRecorded(decisions: readonly Decision[]): Promise<void> {
    this.publishing += 1;
    try {
      await this.publishClaimed(decisions);
    } catch (error) {
      this.onError?.(error);
      void this.kick();
    } finally {
      this.publishing -= 1;
    }
  }

  get failures(): number {
    return this.runner.failures;
  }

  get lastError(): unknown {
    return this.runner.lastError;
  }

  get idle(): boolean {
    return this.runner.idle && this.publishing === 0;
  }

  private async publishPending(): Promise<void> {
    for (;;) {
      const pending = await this.outbox.pending(100);
      if ((await this.publishClaimed(pending, true)) === 0) return;
    }
  }

  /** Claims what it can of `decisions`, publishes those in one send, marks them; returns how many. */
  private async publishClaimed(decisions: readonly Decision[], maybeSent = false): Promise<number> {
    {
      const now = this.clock.now();
      const claims = await Promise.all(decisions.map((decision) => this.outbox.claimPublication(decision.decisionId, now, PUBLICATION_LEASE_MS)));
      let claimed = decisions.filter((_, index) => claims[index] === true);
      if (claimed.length === 0) return 0;
      if (maybeSent) {
        const reached = await Promise.all(claimed.map((decision) => this.delivered(decision.decisionId)));
        const already = claimed.filter((_, index) => reached[index] === true);
        await Promise.all(already.map((decision) => this.outbox.markPublished(decision.decisionId, now)));
        claimed = claimed.filter((_, index) => reached[index] !== true);
        if (claimed.length === 0) return already.length;
      }
      const records = await Promise.all(claimed.map(async (decision) => ({ key: decision.scope, value: await this.codecs.encodeTrainingRequest(trainingRequestOf(decision)) })));
      try {
        await this.sink.send(this.topics['training-requests'], records);
      } catch (error) {
        // Refused as a whole: hand the claims back so the next run (here or elsewhere) tries at once.
        await Promise.all(claimed.map((decision) => this.outbox.releasePublication(decision.decisionId)));
        throw error;
      }
      const at = this.clock.now();
      await Promise.all(claimed.map((decision) => this.outbox.markPublished(decision.decisionId, at)));
      this.published += claimed.length;
      return claimed.length;
    }
  }
}
