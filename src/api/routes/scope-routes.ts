import { z } from 'zod';
import { KINDS_BY_SCOPE_TYPE } from '../../domain/model-kind.js';
import { parseScope, type Scope } from '../../domain/scope.js';
import type { ModelVersion } from '../../ports/model-registry.js';
import type { ApiDeps } from '../api-deps.js';
import { notFound } from '../api-error.js';
import { defineRoute, type ApiRoute } from '../api-route.js';
import { DEFAULT_LIST_LIMIT, kindSchema, limitQuerySchema, scopeSchema } from '../schemas/common-schemas.js';
import { championPointerSchema, countersSchema, modelVersionSchema } from '../schemas/resource-schemas.js';

const scopeSummarySchema = z
  .object({ scope: scopeSchema, counters: z.array(countersSchema), champions: z.array(championPointerSchema) })
  .meta({ id: 'ScopeSummary' });

const eventTotalsSchema = z
  .object({ transactions: z.number().int(), expenses: z.number().int(), sheets: z.number().int(), labels: z.number().int() })
  .meta({ id: 'EventTotals', description: 'Distinct events stored, by type' });

export function scopeRoutes(deps: ApiDeps): ApiRoute[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/scopes',
      operationId: 'listScopes',
      summary: 'Scopes with their counters and champion versions',
      tag: 'scopes',
      access: 'read',
      query: z.strictObject({ kind: kindSchema.optional(), limit: limitQuerySchema }),
      responses: { 200: { description: 'Scopes in name order', schema: z.object({ scopes: z.array(scopeSummarySchema), events: eventTotalsSchema }) } },
      handle: async ({ query }) => {
        const rows = await deps.counters.list(query.kind === undefined ? undefined : { kind: query.kind });
        const pointers = await deps.registry.champions();
        const byScope = new Map<Scope, z.output<typeof scopeSummarySchema>>();
        for (const row of rows) {
          const entry = byScope.get(row.scope) ?? { scope: row.scope, counters: [], champions: [] };
          entry.counters.push(row);
          byScope.set(row.scope, entry);
        }
        for (const pointer of pointers) {
          if (query.kind !== undefined && pointer.kind !== query.kind) continue;
          byScope.get(pointer.scope)?.champions.push({ kind: pointer.kind, version: pointer.version, since: pointer.since });
        }
        const scopes = [...byScope.values()].sort((a, b) => a.scope.localeCompare(b.scope)).slice(0, query.limit ?? DEFAULT_LIST_LIMIT);
        return { scopes, events: await deps.store.stats() };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/scopes/:scope',
      operationId: 'getScope',
      summary: 'One scope: counters per kind and its champions',
      tag: 'scopes',
      access: 'read',
      params: z.strictObject({ scope: scopeSchema }),
      errors: [404],
      responses: {
        200: {
          description: 'The scope',
          schema: z.object({ scope: scopeSchema, counters: z.array(countersSchema), champions: z.array(modelVersionSchema) }),
        },
      },
      handle: async ({ params }) => {
        const { scope } = params;
        const counters = await deps.counters.list({ scope });
        if (counters.length === 0 && (await deps.registry.list({ scope, limit: 1 })).length === 0) {
          throw notFound(`unknown scope ${scope}: no data and no models`, 'scope');
        }
        const champions: ModelVersion[] = [];
        const type = parseScope(scope)?.type ?? 'user';
        for (const kind of KINDS_BY_SCOPE_TYPE[type]) {
          const champion = await deps.registry.champion(scope, kind);
          if (champion !== null) champions.push(champion);
        }
        return { scope, counters, champions };
      },
    }),
  ];
}
