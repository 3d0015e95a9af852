import { isRelearnError } from '../domain/errors.js';
import { ApiError } from './api-error.js';

interface FrameworkError {
  code?: unknown;
  statusCode?: unknown;
  message?: unknown;
}

function frameworkError(error: unknown): FrameworkError | undefined {
  return typeof error === 'object' && error !== null ? error : undefined;
}

/** Fastify's own request errors, by code: each is the client's doing, so each is a 4xx. */
const FASTIFY_CLIENT_ERRORS: Readonly<Record<string, (message: string) => ApiError>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: (message) => new ApiError('invalid-json', `body: ${message}`, 'body'),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => new ApiError('invalid-json', 'body: empty body with Content-Type application/json', 'body'),
  FST_ERR_CTP_BODY_TOO_LARGE: () => new ApiError('payload-too-large', 'body: larger than the limit', 'body'),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => new ApiError('unsupported-media-type', 'content-type: send the body as application/json', 'content-type'),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => new ApiError('bad-request', 'content-length: does not match the body', 'content-length'),
  FST_ERR_BAD_URL: () => new ApiError('bad-request', 'url: not a valid URL (check the percent-encoding)', 'url'),
  FST_ERR_MAX_PARAM_LENGTH: () => new ApiError('invalid-input', 'url: a path parameter is too long', 'url'),
};

/** Driver errors that mean a dependency is away, not that the request or relearn is wrong. */
const DEPENDENCY_DOWN = /^(Mongo(Server)?SelectionError|MongoNetwork(Timeout)?Error|MongoOperationTimeoutError|MongoNotConnectedError|MongoTopologyClosedError|KafkaJS(Connection|Request)?(Timeout)?Error|KafkaJSNumberOfRetriesExceeded)$/;

/**
 * Turns anything a route, hook or fastify itself threw into the agreed error answer.
 * Returns undefined for faults of the server (answered as 500 and logged): anything a
 * client can send maps to a 4xx.
 */
export function toApiError(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (isRelearnError(error, 'NOT_FOUND')) return new ApiError('not-found', error.message);
  if (isRelearnError(error, 'INVALID_ARGUMENT')) return new ApiError('invalid-input', error.message);
  // The database or the broker did not answer: a 503 the client may retry, without the
  // driver's or the adapter's text (they name hosts); the log keeps them.
  if (isRelearnError(error, 'UNAVAILABLE') || (error instanceof Error && DEPENDENCY_DOWN.test(error.name))) return new ApiError('unavailable', 'a backing service did not answer; try again later');
  const framework = frameworkError(error);
  if (framework === undefined) return undefined;
  const message = typeof framework.message === 'string' ? framework.message : 'bad request';
  const known = typeof framework.code === 'string' ? FASTIFY_CLIENT_ERRORS[framework.code] : undefined;
  if (known !== undefined) return known(message);
  const status = typeof framework.statusCode === 'number' ? framework.statusCode : 500;
  if (status === 404) return new ApiError('not-found', message);
  if (status === 413) return new ApiError('payload-too-large', message);
  if (status === 415) return new ApiError('unsupported-media-type', message);
  if (status >= 400 && status < 500) return new ApiError('bad-request', message);
  return undefined;
}
