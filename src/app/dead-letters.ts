import { createHash } from 'node:crypto';

import { RelearnError, describeError } from '../domain/errors.js';
import type { EventSink, IncomingRecord, OutgoingRecord } from '../ports/event-bus.js';
import type { EventStore } from '../ports/event-store.js';
import { DLQ_HEADERS, deadLetterReason } from './dead-letter.js';

/**
 * Sends what could not be processed to the DLQ, each record once whatever is retried: a
 * record is known by its source position and a digest of its bytes (a re-created topic
 * reuses positions), and the store remembers which were sent. Between the broker's
 * acknowledgement and that note lies the only window in which a crash sends a record twice.
 * A DLQ that cannot be written fails the batch as UNAVAILABLE: the partition stops and
 * backs off, loudly, rather than moving past records it could not set aside.
 */
export class DeadLetters {
  constructor(
    private readonly sink: EventSink,
    private readonly store: EventStore,
    private readonly topic: string,
    private readonly now: () => number,
    /** Told the source topic of each batch whose bad records the DLQ did not take (a metric counts them). */
    private readonly onSendFailed: (sourceTopic: string) => void = () => undefined,
  ) {}

  static reasonOf(error: unknown): string {
    return deadLetterReason(error);
  }

  static keyOf(record: IncomingRecord): string {
    const digest = createHash('sha1')
      .update(record.value ?? Buffer.alloc(0))
      .digest('base64url');
    return `${record.topic}/${record.partition}/${record.offset}/${digest}`;
  }

  async send(bad: readonly { record: IncomingRecord; error: unknown }[]): Promise<void> {
    if (bad.length === 0) return;
    const keyed = bad.map((entry) => ({ ...entry, key: DeadLetters.keyOf(entry.record) }));
    const sent = await this.store.deadLettered(keyed.map((entry) => entry.key));
    const fresh = keyed.filter((entry) => !sent.has(entry.key));
    if (fresh.length === 0) return;
    try {
      await this.sink.send(this.topic, fresh.map(({ record, error }) => deadLetterRecord(record, error)));
    } catch (error) {
      this.onSendFailed(fresh[0]?.record.topic ?? '');
      throw new RelearnError('UNAVAILABLE', `cannot write ${fresh.length} record(s) to the dead-letter topic ${this.topic}; the partition waits: ${describeError(error).message}`, {
        retriable: true,
        cause: error,
      });
    }
    await this.store.recordDeadLettered(
      fresh.map((entry) => entry.key),
      this.now(),
    );
  }
}

/** The original key and bytes, with where they came from and why they failed in headers. */
export function deadLetterRecord(record: IncomingRecord, error: unknown): OutgoingRecord {
  const { errorClass, message } = describeError(error);
  return {
    key: record.key,
    value: record.value ?? Buffer.alloc(0),
    headers: {
      [DLQ_HEADERS.sourceTopic]: record.topic,
      [DLQ_HEADERS.sourcePartition]: String(record.partition),
      [DLQ_HEADERS.sourceOffset]: record.offset,
      [DLQ_HEADERS.errorClass]: errorClass,
      [DLQ_HEADERS.errorMessage]: message.slice(0, 1000),
      [DLQ_HEADERS.reason]: deadLetterReason(error),
    },
  };
}
