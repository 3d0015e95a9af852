import { describeError } from '../domain/errors.js';
import type { EventSink, IncomingRecord } from '../ports/event-bus.js';

/** Header names on DLQ records: what came from where and why it failed. */
export const DLQ_HEADERS = {
  sourceTopic: 'relearn.source.topic',
  sourcePartition: 'relearn.source.partition',
  sourceOffset: 'relearn.source.offset',
  errorClass: 'relearn.error.class',
  errorMessage: 'relearn.error.message',
  reason: 'relearn.error.reason',
} as const;

/**
 * A short, countable reason: the error code, plus the field for invalid events
 * ("INVALID_EVENT transaction.amount"), so operators see which producer bug it is.
 */
export function deadLetterReason(error: unknown): string {
  const { errorClass, message } = describeError(error);
  const field = /^([a-z]+\.[A-Za-z.()]+):/.exec(message)?.[1];
  return field === undefined ? errorClass : `${errorClass} ${field}`;
}

/** Sends the original bytes to the DLQ with the reason in headers; the partition moves on. */
export async function sendToDeadLetter(sink: EventSink, dlqTopic: string, record: IncomingRecord, error: unknown): Promise<string> {
  const { errorClass, message } = describeError(error);
  const reason = deadLetterReason(error);
  await sink.send(dlqTopic, [
    {
      key: record.key,
      value: record.value ?? Buffer.alloc(0),
      headers: {
        [DLQ_HEADERS.sourceTopic]: record.topic,
        [DLQ_HEADERS.sourcePartition]: String(record.partition),
        [DLQ_HEADERS.sourceOffset]: record.offset,
        [DLQ_HEADERS.errorClass]: errorClass,
        [DLQ_HEADERS.errorMessage]: message.slice(0, 1000),
        [DLQ_HEADERS.reason]: reason,
      },
    },
  ]);
  return reason;
}
