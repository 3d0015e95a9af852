/** Why a serialised model was refused. Stable codes: callers branch on `code`, never on the message. */
export type ModelFormatErrorCode =
  | 'MODEL_BAD_MAGIC'
  | 'MODEL_UNSUPPORTED_VERSION'
  | 'MODEL_TRUNCATED'
  | 'MODEL_CHECKSUM_MISMATCH'
  | 'MODEL_INVALID_STRUCTURE'
  | 'MODEL_NOT_SERIALIZABLE';

/** Thrown when model bytes cannot be turned back into a model (or a model cannot be turned into bytes). */
export class ModelFormatError extends Error {
  override readonly name = 'ModelFormatError';
  /** Retrying with the same bytes cannot help. */
  readonly retriable = false;

  constructor(
    readonly code: ModelFormatErrorCode,
    message: string,
  ) {
    super(message);
  }
}
