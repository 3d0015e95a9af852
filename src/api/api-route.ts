import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';

/** public: no token; read: any known token; write: a read-write token. */
export type RouteAccess = 'public' | 'read' | 'write';

export interface RouteInput<Params, Query, Body> {
  params: Params;
  query: Query;
  body: Body;
}

export interface RouteResponse {
  description: string;
  /** JSON answers: documents the body (and the tests parse real answers with it). */
  schema?: z.ZodType;
  /** Non-JSON answers (Prometheus text, HTML). */
  contentType?: string;
}

/**
 * One operation, described once: the server registers it from this, validates its
 * inputs with these zod schemas, and the OpenAPI document is generated from the same
 * object, so what is documented is what is enforced.
 */
export interface ApiRoute<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType> {
  method: 'GET' | 'POST';
  /** Fastify syntax: `/api/v1/jobs/:jobId`. */
  url: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  access: RouteAccess;
  params?: P;
  query?: Q;
  body?: B;
  /** Success answers by status; error answers are added from the inputs, the access and `errors`. */
  responses: Readonly<Partial<Record<200 | 202 | 503, RouteResponse>>>;
  /** Error statuses this route can answer beyond 400/401/403 (e.g. 404, 409). */
  errors?: readonly (404 | 409)[];
  /** Left out of the OpenAPI document (static dashboard files). */
  hidden?: boolean;
  // Method syntax on purpose: routes with different schemas must fit in one list.
  handle(input: RouteInput<z.output<P>, z.output<Q>, z.output<B>>, request: FastifyRequest, reply: FastifyReply): Promise<unknown>;
}

/** Keeps each route's handler typed by its own schemas while the list holds them all. */
export function defineRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(route: ApiRoute<P, Q, B>): ApiRoute {
  return route;
}
