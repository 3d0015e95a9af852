/**
 * The API's error catalogue: every error answer carries one of these codes, so clients
 * branch on the code and people read the message. A test checks each one is reachable
 * from the documented status codes.
 */
export const API_ERROR_CODES = {
  'invalid-input': { status: 400, meaning: 'a parameter, query value or body field is missing or malformed' },
  'invalid-json': { status: 400, meaning: 'the body is not valid JSON' },
  'bad-request': { status: 400, meaning: 'the request is malformed at the HTTP level' },
  unauthorized: { status: 401, meaning: 'no bearer token, or one this server does not know' },
  forbidden: { status: 403, meaning: 'the token is read-only and the route writes' },
  'not-found': { status: 404, meaning: 'no such route, scope, model, version or job' },
  conflict: { status: 409, meaning: 'the resource is not in a state that allows this (e.g. nothing to roll back to)' },
  'payload-too-large': { status: 413, meaning: 'the body exceeds the size limit' },
  'unsupported-media-type': { status: 415, meaning: 'the body is not application/json' },
  unavailable: { status: 503, meaning: 'a backing service (Kafka, MongoDB) did not answer; retry later' },
  internal: { status: 500, meaning: 'a fault of the server, never of the request' },
} as const;

export type ApiErrorCode = keyof typeof API_ERROR_CODES;

export interface ApiErrorBody {
  error: { code: ApiErrorCode; message: string; field: string | null };
}

export class ApiError extends Error {
  readonly status: number;

  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly field: string | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = API_ERROR_CODES[code].status;
  }

  toBody(): ApiErrorBody {
    return { error: { code: this.code, message: this.message, field: this.field } };
  }
}

export function notFound(message: string, field: string | null = null): ApiError {
  return new ApiError('not-found', message, field);
}

export function conflict(message: string, field: string | null = null): ApiError {
  return new ApiError('conflict', message, field);
}

export function invalidInput(field: string | null, message: string): ApiError {
  return new ApiError('invalid-input', message, field);
}
