import { z } from 'zod';
import type { ApiDeps } from '../api-deps.js';
import { defineRoute, type ApiRoute } from '../api-route.js';
import { DEFAULT_LIST_LIMIT, kindSchema, limitQuerySchema, scopeSchema } from '../schemas/common-schemas.js';
import { decisionSchema } from '../schemas/resource-schemas.js';

export function decisionRoutes(deps: ApiDeps): ApiRoute[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/decisions',
      operationId: 'listDecisions',
      summary: 'Recorded decisions to train, newest first, with reasons and figures',
      tag: 'decisions',
      access: 'read',
      query: z.strictObject({ scope: scopeSchema.optional(), kind: kindSchema.optional(), limit: limitQuerySchema }),
      responses: { 200: { description: 'Decisions', schema: z.object({ decisions: z.array(decisionSchema) }) } },
      handle: async ({ query }) => ({
        decisions: await deps.outbox.list({ scope: query.scope, kind: query.kind, limit: query.limit ?? DEFAULT_LIST_LIMIT }),
      }),
    }),
  ];
}
