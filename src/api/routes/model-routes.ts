import { z } from 'zod';
import { isRelearnError } from '../../domain/errors.js';
import type { ModelKind } from '../../domain/model-kind.js';
import type { Scope } from '../../domain/scope.js';
import type { ApiDeps } from '../api-deps.js';
import { conflict, notFound } from '../api-error.js';
import { defineRoute, type ApiRoute } from '../api-route.js';
import { DEFAULT_LIST_LIMIT, kindSchema, limitQuerySchema, scopeKindParamsSchema, scopeSchema, versionParamSchema } from '../schemas/common-schemas.js';
import { modelVersionSchema } from '../schemas/resource-schemas.js';

const rollbackBodySchema = z
  .strictObject({
    toVersion: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional().meta({ description: 'Default: undo the newest promotion by training (serve the champion before it)' }),
    force: z.boolean().optional().meta({ description: 'Allow a version the promotion gate rejected' }),
  })
  .optional();

export function modelRoutes(deps: ApiDeps): ApiRoute[] {
  /** A (scope, kind) is known when it has data or models; one without either is a 404, not an empty list. */
  async function requireKnown(scope: Scope, kind: ModelKind): Promise<void> {
    if ((await deps.registry.list({ scope, kind, limit: 1 })).length > 0) return;
    if ((await deps.counters.get(scope, kind)) !== null) return;
    throw notFound(`no ${kind} data or models for ${scope}`, 'scope');
  }

  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/models',
      operationId: 'listModels',
      summary: 'Model versions, newest first',
      tag: 'models',
      access: 'read',
      query: z.strictObject({ scope: scopeSchema.optional(), kind: kindSchema.optional(), limit: limitQuerySchema }),
      responses: { 200: { description: 'Model versions (metadata; artifacts are not served)', schema: z.object({ models: z.array(modelVersionSchema) }) } },
      handle: async ({ query }) => ({
        models: await deps.registry.list({ scope: query.scope, kind: query.kind, limit: query.limit ?? DEFAULT_LIST_LIMIT }),
      }),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/models/:scope/:kind',
      operationId: 'getModel',
      summary: 'A model’s champion and its versions, newest first',
      tag: 'models',
      access: 'read',
      params: scopeKindParamsSchema,
      query: z.strictObject({ limit: limitQuerySchema }),
      errors: [404],
      responses: {
        200: {
          description: 'Champion (null before the first promoted version) and versions',
          schema: z.object({ champion: modelVersionSchema.nullable(), versions: z.array(modelVersionSchema) }),
        },
      },
      handle: async ({ params, query }) => {
        await requireKnown(params.scope, params.kind);
        return {
          champion: await deps.registry.champion(params.scope, params.kind),
          versions: await deps.registry.list({ scope: params.scope, kind: params.kind, limit: query.limit ?? DEFAULT_LIST_LIMIT }),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/models/:scope/:kind/:version',
      operationId: 'getModelVersion',
      summary: 'One version with its held-out metrics and validation result',
      description: 'metrics are the version’s held-out metrics; championMetrics the champion of the time on the same rows; decision and promoted are the promotion gate’s verdict.',
      tag: 'models',
      access: 'read',
      params: z.strictObject({ scope: scopeSchema, kind: kindSchema, version: versionParamSchema }),
      errors: [404],
      responses: { 200: { description: 'The version', schema: modelVersionSchema.extend({ isChampion: z.boolean() }) } },
      handle: async ({ params }) => {
        const version = await deps.registry.get(params.scope, params.kind, params.version);
        if (version === null) throw notFound(`${params.scope} has no ${params.kind} version ${params.version}`, 'version');
        const champion = await deps.registry.champion(params.scope, params.kind);
        return { ...version, isChampion: champion?.version === version.version };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/models/:scope/:kind/rollback',
      operationId: 'rollbackModel',
      summary: 'Make an earlier version the champion (idempotent: a retry changes nothing)',
      tag: 'models',
      access: 'write',
      params: scopeKindParamsSchema,
      body: rollbackBodySchema,
      errors: [404, 409],
      responses: {
        200: {
          description: 'The champion is `to` (changed: false when it already was: a retried rollback moves nothing and announces nothing)',
          schema: z.object({ from: z.number().int(), to: z.number().int(), changed: z.boolean() }),
        },
      },
      handle: async ({ params, body }, request) => {
        const { scope, kind } = params;
        const toVersion = body?.toVersion;
        if ((await deps.registry.list({ scope, kind, limit: 1 })).length === 0) throw notFound(`${scope} has no ${kind} models`, 'scope');
        if (toVersion !== undefined && (await deps.registry.get(scope, kind, toVersion)) === null) {
          throw notFound(`${scope} has no ${kind} version ${toVersion}`, 'toVersion');
        }
        try {
          const moved = await deps.rollback.rollback(scope, kind, { ...(toVersion === undefined ? {} : { toVersion }), ...(body?.force === true ? { force: true } : {}) });
          if (moved.changed) request.log.info({ scope, kind, from: moved.from, to: moved.to }, 'champion rolled back');
          return moved;
        } catch (error) {
          // The registry's NOT_FOUND here means the lineage exists but has no earlier champion.
          if (isRelearnError(error, 'NOT_FOUND')) throw conflict(`nothing to roll back to: ${error.message}`, toVersion === undefined ? null : 'toVersion');
          if (isRelearnError(error, 'INVALID_ARGUMENT')) throw conflict(error.message, 'toVersion');
          throw error;
        }
      },
    }),
  ];
}
