import type { TopicNames } from '../contract/topic-definitions.js';
import type { Announcement } from '../domain/announcement.js';
import type { AnnouncementOutbox } from '../ports/announcement-outbox.js';
import type { Clock } from '../ports/clock.js';
import { OUTBOX_ID_HEADER, type EventSink, type OutgoingRecord, type PublishedLog } from '../ports/event-bus.js';
import type { ModelRegistry } from '../ports/model-registry.js';
import { modelUpdatedOf, type OutputCodecs } from './event-codecs.js';
import { RELAY_CLAIM_MS } from './relay-claim.js';
import { SerialRunner } from './serial-runner.js';

export interface AnnouncementRelayDeps {
  outbox: AnnouncementOutbox;
  registry: Pick<ModelRegistry, 'get'>;
  sink: EventSink;
  log: PublishedLog;
  codecs: OutputCodecs;
  topics: TopicNames;
  clock: Clock;
  onError?: (error: unknown) => void;
  onAnnounced?: (announcement: Announcement) => void;
}

/**
 * Publishes the registry's announcements (new versions, rollbacks) as ModelUpdated,
 * exactly once each: it claims one before sending, so relays in several processes never
 * send it side by side; a claim that is not the first (the previous holder died or its
 * send failed) first looks for the record on the topic from the first claim's log mark
 * and only marks it when it is there. Runs are serialised like the decision relay's.
 */
export class AnnouncementRelay {
  private readonly runner: SerialRunner;
  published = 0;
  /** Announcements found on the topic after a lost acknowledgement, and so not sent again. */
  recovered = 0;

  constructor(private readonly deps: AnnouncementRelayDeps) {
    this.runner = new SerialRunner(() => this.publishPending(), deps.onError);
  }

  kick(): Promise<void> {
    return this.runner.kick();
  }

  get idle(): boolean {
    return this.runner.idle;
  }

  get failures(): number {
    return this.runner.failures;
  }

  private async publishPending(): Promise<void> {
    for (;;) {
      const pending = await this.deps.outbox.unannounced(100);
      if ((await this.publish(pending)) === 0) return;
    }
  }

  /** Claims what it can of `pending`, settles those already on the log, sends the rest in one send; returns how many were settled. */
  private async publish(pending: readonly Announcement[]): Promise<number> {
    const { outbox, log, clock, sink } = this.deps;
    const topic = this.deps.topics['model-updates'];
    const now = clock.now();
    const claimed: Announcement[] = [];
    for (const announcement of pending) {
      if (announcement.claim !== null && announcement.claim.until > now) continue;
      const taken = await outbox.claimAnnouncement(announcement, await log.markFor(topic, announcement.scope), now, RELAY_CLAIM_MS);
      if (taken !== null) claimed.push(taken);
    }
    if (claimed.length === 0) return 0;
    const maybeSent = claimed.filter((announcement) => (announcement.claim?.attempts ?? 1) > 1);
    const onLog = await log.published(
      topic,
      maybeSent.map((announcement) => ({ key: announcement.scope, logMark: announcement.claim?.logMark ?? '', outboxId: announcement.announcementId })),
    );
    for (const announcement of claimed.filter((entry) => onLog.has(entry.announcementId))) await this.settle(announcement);
    this.recovered += onLog.size;
    const toSend = claimed.filter((announcement) => !onLog.has(announcement.announcementId));
    const records: OutgoingRecord[] = [];
    for (const announcement of toSend) records.push(await this.recordOf(announcement));
    try {
      await sink.send(topic, records);
    } catch (error) {
      // Refused or unconfirmed: the claims lapse at once; whoever sends next reads the log first.
      await Promise.all(toSend.map((announcement) => outbox.releaseAnnouncement(announcement)));
      throw error;
    }
    for (const announcement of toSend) await this.settle(announcement);
    this.published += toSend.length;
    return claimed.length;
  }

  private async settle(announcement: Announcement): Promise<void> {
    await this.deps.outbox.markAnnounced(announcement);
    this.deps.onAnnounced?.(announcement);
  }

  private async recordOf(announcement: Announcement): Promise<OutgoingRecord> {
    const version = await this.deps.registry.get(announcement.scope, announcement.kind, announcement.version);
    if (version === null) throw new Error(`announcement ${announcement.announcementId} names a version that is not committed`);
    const event = modelUpdatedOf(version, {
      requestId: announcement.requestId,
      promoted: announcement.promoted,
      decision: announcement.decision,
      previousVersion: announcement.previousVersion,
    });
    return { key: announcement.scope, value: await this.deps.codecs.encodeModelUpdated(event), headers: { [OUTBOX_ID_HEADER]: announcement.announcementId } };
  }
}
