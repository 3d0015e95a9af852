import type { TopicNames } from '../contract/topic-definitions.js';
import type { Clock } from '../ports/clock.js';
import type { DecisionOutbox } from '../ports/decision-outbox.js';
import type { EventSink } from '../ports/event-bus.js';
import { trainingRequestOf, type OutputCodecs } from './event-codecs.js';

/**
 * Publishes recorded decisions as TrainingRequested events, then marks them published.
 * A crash between the two republishes the same requestId, which the job queue
 * deduplicates: one training per decision. Runs are serialised; kicks during a run
 * cause one more run.
 */
export class OutboxRelay {
  private running: Promise<void> | null = null;
  private again = false;
  published = 0;
  /** Runs that stopped on an error, and the last such error (for logs and metrics). */
  failures = 0;
  lastError: unknown = null;

  constructor(
    private readonly outbox: DecisionOutbox,
    private readonly sink: EventSink,
    private readonly codecs: OutputCodecs,
    private readonly topics: TopicNames,
    private readonly clock: Clock,
  ) {}

  kick(): Promise<void> {
    this.again = true;
    if (this.running === null) {
      this.running = (async () => {
        try {
          while (this.again) {
            this.again = false;
            await this.publishPending();
          }
        } catch (error) {
          // The broker did not take a record: what is unpublished stays pending in the
          // outbox and the next kick (a decision, or the service's periodic tick) retries.
          this.failures += 1;
          this.lastError = error;
        } finally {
          // In the same step as the last check of `again`: a kick after it starts a new
          // run instead of being folded into one that has already decided to stop.
          this.running = null;
        }
      })();
    }
    return this.running;
  }

  private async publishPending(): Promise<void> {
    for (;;) {
      const pending = await this.outbox.pending(100);
      if (pending.length === 0) return;
      for (const decision of pending) {
        const request = trainingRequestOf(decision);
        await this.sink.send(this.topics['training-requests'], [{ key: decision.scope, value: await this.codecs.encodeTrainingRequest(request) }]);
        await this.outbox.markPublished(decision.decisionId, this.clock.now());
        this.published += 1;
      }
    }
  }

  get idle(): boolean {
    return this.running === null;
  }
}
