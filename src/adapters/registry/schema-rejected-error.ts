import { RelearnError } from '../../domain/errors.js';

/**
 * The schema registry refused a schema: 409 for a change that breaks the subject's
 * compatibility level, 422 for a schema it cannot parse. `reason` is the registry's own
 * text (it differs between Confluent and Apicurio); code on `status`, never on the text.
 * Retrying cannot help: the schema itself must change.
 */
export class SchemaRejectedError extends RelearnError {
  constructor(
    readonly subject: string,
    readonly status: number,
    readonly reason: string,
    options: { cause?: unknown } = {},
  ) {
    super('INVALID_ARGUMENT', `the schema registry refused the schema for ${subject} (HTTP ${status}): ${reason}`, { retriable: false, ...options });
    this.name = 'SchemaRejectedError';
  }
}
