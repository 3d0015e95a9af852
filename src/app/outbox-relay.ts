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

  constructor(
    private readonly outbox: DecisionOutbox,
    private readonly sink: EventSink,
    private readonly codecs: OutputCodecs,
    private readonly topics: TopicNames,
    private readonly clock: Clock,
  ) {}

  kick(): Promise<void> {
    if (this.running !== null) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.publishPending();
      } while (this.again);
    })().finally(() => {
      this.running = null;
    });
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
