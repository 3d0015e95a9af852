import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ApiDeps } from './api-deps.js';
import { ApiError } from './api-error.js';
import type { ApiRoute } from './api-route.js';
import { BearerAuth } from './bearer-auth.js';
import { toApiError } from './error-mapping.js';
import { openApiDocument, type OpenApiDocument } from './openapi-document.js';
import { parseInput } from './parse-input.js';
import { dashboardRoutes } from './routes/dashboard-routes.js';
import { decisionRoutes } from './routes/decision-routes.js';
import { docsRoutes } from './routes/docs-routes.js';
import { healthRoutes } from './routes/health-routes.js';
import { historyRoutes } from './routes/history-routes.js';
import { jobRoutes } from './routes/job-routes.js';
import { modelRoutes } from './routes/model-routes.js';
import { scopeRoutes } from './routes/scope-routes.js';
import { trainingRoutes } from './routes/training-routes.js';

export const API_TITLE = 'relearn';
export const API_VERSION = '1.0.0';

/** Bodies are small JSON documents; anything near this is a mistake or an attack. */
const BODY_LIMIT_BYTES = 64 * 1024;
/** Path parameters are measured percent-encoded: room for a job id (scope, kind, number) whose id is at the limit. */
const MAX_PARAM_LENGTH = 2_000;

const NO_QUERY = z.strictObject({});

/** Every route of the API for these dependencies, in documentation order. */
export function apiRoutes(deps: ApiDeps, document: () => OpenApiDocument): ApiRoute[] {
  return [
    ...healthRoutes(deps),
    ...docsRoutes(document),
    ...scopeRoutes(deps),
    ...modelRoutes(deps),
    ...jobRoutes(deps),
    ...trainingRoutes(deps),
    ...decisionRoutes(deps),
    ...historyRoutes(deps),
    ...(deps.dashboard === undefined ? [] : dashboardRoutes(deps.dashboard.files)),
  ];
}

function sendError(error: ApiError, reply: FastifyReply): FastifyReply {
  if (error.code === 'unauthorized') reply.header('www-authenticate', 'Bearer');
  return reply.code(error.status).type('application/json; charset=utf-8').send(error.toBody());
}

function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const known = toApiError(error);
  if (known !== undefined) return sendError(known, reply);
  request.log.error({ err: error }, 'request failed');
  return sendError(new ApiError('internal', `internal error; the server log has the details (request ${request.id})`), reply);
}

/**
 * relearn's HTTP API: routes described once (src/api/routes), validated with zod, the
 * OpenAPI document generated from the same schemas. Returned ready but not listening:
 * the caller listens, tests use `inject`.
 */
export function buildApiServer(deps: ApiDeps): FastifyInstance {
  const logger = deps.logger ?? false;
  const app = Fastify({
    ...(logger === false ? { logger: false } : { loggerInstance: logger }),
    bodyLimit: BODY_LIMIT_BYTES,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // Fastify answers some bad URLs before any route runs; give those the agreed shape too.
    frameworkErrors: (error, request, reply) => {
      handleError(error, request, reply);
    },
  }) as unknown as FastifyInstance;

  // An empty body with Content-Type: application/json means "no body", as on the routes
  // whose body is optional, rather than a 400 a client cannot easily avoid.
  const jsonParser = app.getDefaultJsonParser('error', 'error');
  // JSON only: a text/plain body is answered 415 rather than parsed into a string.
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    void jsonParser(request, text, done);
  });

  app.setErrorHandler((error, request, reply) => handleError(error, request, reply));
  app.setNotFoundHandler((request, reply) => sendError(new ApiError('not-found', `no route ${request.method} ${request.url.split('?')[0] ?? ''}`), reply));
  app.addHook('onRequest', (_request, reply, done) => {
    reply.header('x-content-type-options', 'nosniff');
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    deps.metrics.observeHttp(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    done();
  });

  const auth = new BearerAuth(deps.tokens);
  let document: OpenApiDocument | undefined;
  const routes = apiRoutes(deps, () => (document ??= openApiDocument(routes, { title: API_TITLE, version: API_VERSION })));
  for (const route of routes) {
    app.route({
      method: route.method,
      url: route.url,
      ...(route.access === 'public' ? {} : { onRequest: auth.hook(route.access) }),
      handler: async (request, reply) => {
        const input = {
          params: route.params === undefined ? undefined : parseInput(route.params, request.params, 'path'),
          // Authenticated routes reject unknown query parameters (a typo must not silently widen a listing).
          query: route.query !== undefined ? parseInput(route.query, request.query, 'query') : route.access === 'public' ? undefined : parseInput(NO_QUERY, request.query, 'query'),
          body: route.body === undefined ? undefined : parseInput(route.body, request.body, 'body'),
        };
        return route.handle(input, request, reply);
      },
    });
  }
  return app;
}
