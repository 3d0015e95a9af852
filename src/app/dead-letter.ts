import { describeError } from '../domain/errors.js';

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
