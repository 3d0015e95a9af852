import { z } from 'zod';
import type { ApiDeps } from '../api-deps.js';
import { defineRoute, type ApiRoute } from '../api-route.js';
import { DEFAULT_LIST_LIMIT, kindSchema, limitQuerySchema, scopeSchema } from '../schemas/common-schemas.js';
import { historyEntrySchema } from '../schemas/resource-schemas.js';

type HistoryEntry = z.output<typeof historyEntrySchema>;

export function historyRoutes(deps: ApiDeps): ApiRoute[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/history',
      operationId: 'listHistory',
      summary: 'Training history, newest first: stored versions (trained or rejected) and failed jobs',
      tag: 'history',
      access: 'read',
      query: z.strictObject({ scope: scopeSchema.optional(), kind: kindSchema.optional(), limit: limitQuerySchema }),
      responses: { 200: { description: 'History', schema: z.object({ history: z.array(historyEntrySchema) }) } },
      handle: async ({ query }) => {
        const limit = query.limit ?? DEFAULT_LIST_LIMIT;
        const filter = { scope: query.scope, kind: query.kind, limit };
        const entries: HistoryEntry[] = [];
        for (const version of await deps.registry.list(filter)) {
          const decision = await deps.outbox.get(version.requestId);
          entries.push({
            scope: version.scope,
            kind: version.kind,
            version: version.version,
            status: version.promoted ? 'trained' : 'rejected',
            at: version.trainedAt,
            metrics: version.metrics,
            reason: decision?.reason ?? null,
            detail: version.decision,
            requestId: version.requestId,
          });
        }
        for (const job of await deps.jobs.list({ ...filter, status: 'failed' })) {
          entries.push({
            scope: job.scope,
            kind: job.kind,
            version: null,
            status: 'failed',
            at: job.finishedAt ?? job.createdAt,
            metrics: {},
            reason: job.request.reason,
            detail: job.error ?? 'failed',
            requestId: job.jobId,
          });
        }
        return { history: entries.sort((a, b) => b.at - a.at).slice(0, limit) };
      },
    }),
  ];
}
