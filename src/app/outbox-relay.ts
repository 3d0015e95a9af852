import type { TopicNames } from '../contract/topic-definitions.js';
import type { Decision } from '../domain/decision.js';
import type { Clock } from '../ports/clock.js';
import type { DecisionOutbox } from '../ports/decision-outbox.js';
import { OUTBOX_ID_HEADER, timeMark, type EventSink, type PublishedLog } from '../ports/event-bus.js';
import { trainingRequestOf, type OutputCodecs } from './event-codecs.js';
import { RELAY_CLAIM_MS } from './relay-claim.js';
import { SerialRunner } from './serial-runner.js';

/**
 * How far before a decision's first claim its record may be stamped on the topic: record
 * times are the sending process's clock, which may run behind the one that claimed first.
 */
const CLOCK_SKEW_MS = 60_000;

/**
 * Publishes recorded decisions as TrainingRequested events, then marks them published.
 * Each decision is claimed before it is published, so relays in several processes never
 * publish one decision side by side. A claim that is not the first (the previous holder
 * died after sending, or its send failed) first looks for the record on the topic (each
 * carries its decision id in a header), from a little before the first claim: found, it
 * is only marked. Runs are serialised; a kick during a run causes one more run; a failed
 * run (the broker refused) leaves the decisions pending for the next kick or the
 * service's periodic one.
 */
export class OutboxRelay {
  private readonly runner: SerialRunner;
  published = 0;
  /** Decisions found on the topic after a lost acknowledgement, and so not sent again. */
  recovered = 0;
  /** publishRecorded calls in flight. */
  private publishing = 0;

  constructor(
    private readonly outbox: DecisionOutbox,
    private readonly sink: EventSink,
    private readonly log: PublishedLog,
    private readonly codecs: OutputCodecs,
    private readonly topics: TopicNames,
    private readonly clock: Clock,
    private readonly onError?: (error: unknown) => void,
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
      if ((await this.publishClaimed(pending)) === 0) return;
    }
  }

  /** Claims what it can of `decisions`, settles those already on the topic, publishes the rest in one send, marks them; returns how many. */
  private async publishClaimed(decisions: readonly Decision[]): Promise<number> {
    const now = this.clock.now();
    const topic = this.topics['training-requests'];
    const claims = await Promise.all(decisions.map((decision) => this.outbox.claimPublication(decision.decisionId, now, RELAY_CLAIM_MS)));
    const claimed = decisions.flatMap((decision, index) => {
      const claim = claims[index];
      return claim === null || claim === undefined ? [] : [{ decision, claim }];
    });
    if (claimed.length === 0) return 0;
    const maybeSent = claimed.filter(({ claim }) => claim.attempts > 1);
    const onTopic = await this.log.published(
      topic,
      maybeSent.map(({ decision, claim }) => ({ key: decision.scope, logMark: timeMark(claim.firstClaimedAt - CLOCK_SKEW_MS), outboxId: decision.decisionId })),
    );
    await Promise.all([...onTopic].map((decisionId) => this.outbox.markPublished(decisionId, now)));
    this.recovered += onTopic.size;
    const toSend = claimed.filter(({ decision }) => !onTopic.has(decision.decisionId)).map(({ decision }) => decision);
    if (toSend.length === 0) return claimed.length;
    const records = await Promise.all(
      toSend.map(async (decision) => ({ key: decision.scope, value: await this.codecs.encodeTrainingRequest(trainingRequestOf(decision)), headers: { [OUTBOX_ID_HEADER]: decision.decisionId } })),
    );
    try {
      await this.sink.send(topic, records);
    } catch (error) {
      // Refused or unconfirmed: hand the claims back so the next run (here or elsewhere) tries at once, reading the topic first.
      await Promise.all(toSend.map((decision) => this.outbox.releasePublication(decision.decisionId)));
      throw error;
    }
    const at = this.clock.now();
    await Promise.all(toSend.map((decision) => this.outbox.markPublished(decision.decisionId, at)));
    this.published += toSend.length;
    return claimed.length;
  }
}
