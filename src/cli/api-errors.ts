import { RelearnError } from '../domain/errors.js';

/** The API did not answer: connection refused, DNS, TLS or timeout. Retrying later may help. */
export class ServiceUnreachableError extends RelearnError {
  constructor(url: string, reason: string) {
    super('UNAVAILABLE', `cannot reach the relearn API at ${url}: ${reason} (set --api-url or RELEARN_API_URL)`, { retriable: true });
    this.name = 'ServiceUnreachableError';
  }
}

/** The API answered with an error body (design: `{error: {code, message, field}}`). */
export class ApiRequestError extends RelearnError {
  constructor(
    readonly status: number,
    readonly apiCode: string,
    readonly apiMessage: string,
    readonly field: string | null,
  ) {
    super(status >= 500 ? 'UNAVAILABLE' : status === 404 ? 'NOT_FOUND' : 'INVALID_ARGUMENT', `${status} ${apiCode}: ${apiMessage}${field === null ? '' : ` (field ${field})`}`, {
      retriable: status >= 500,
    });
    this.name = 'ApiRequestError';
  }
}
