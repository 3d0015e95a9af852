/**
 * relearn's error catalogue: every error has a stable code from a closed list and says
 * whether retrying can help. Retry logic reads `retriable`, never the message.
 */
export const ERROR_CODES = {
  DECODE_FAILED: 'the bytes are not a known, well-formed Avro frame',
  INVALID_EVENT: 'the event decoded but holds impossible values',
  STALE_FENCE: 'a newer lease holder already wrote this result',
  LEASE_LOST: 'the job lease expired or was taken by another worker',
  NOT_FOUND: 'the named scope, model, version or job does not exist',
  INVALID_ARGUMENT: 'a command or request argument is malformed',
  TRAINING_FAILED: 'the trainer could not produce a model',
  TRAINING_TIMEOUT: 'a training ran longer than its time limit and was stopped',
  TRAINING_ABORTED: 'a training was stopped before it finished (lease lost, cancelled, shutting down)',
  INSUFFICIENT_DATA: 'not enough data to train',
  CONFIG_INVALID: 'a configuration value is malformed',
  UNAVAILABLE: 'a backing service did not answer',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class RelearnError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;

  constructor(code: ErrorCode, message: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RelearnError';
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

export function isRelearnError(error: unknown, code?: ErrorCode): error is RelearnError {
  return error instanceof RelearnError && (code === undefined || error.code === code);
}

/** Errors are thrown as values of unknown type; this keeps log lines and DLQ headers readable. */
export function describeError(error: unknown): { errorClass: string; message: string } {
  if (error instanceof RelearnError) return { errorClass: error.code, message: error.message };
  if (error instanceof Error) return { errorClass: error.name, message: error.message };
  return { errorClass: 'Unknown', message: String(error) };
}
