import { z } from 'zod';
import { KINDS_BY_SCOPE_TYPE } from '../../domain/model-kind.js';
import { parseScope } from '../../domain/scope.js';
import type { ApiDeps } from '../api-deps.js';
import { defineRoute, type ApiRoute } from '../api-route.js';
import { parseInput } from '../parse-input.js';
import { kindSchema, scopeSchema } from '../schemas/common-schemas.js';
import { DEFAULT_ENGINE_CHOICE, hyperparameterSchemaFor, hyperparameterSchemasByEngine } from '../../training/hyperparameter-schemas.js';

function perEngineDocumentation(): object[] {
  return [...hyperparameterSchemasByEngine()].map(([engine, schema]) => {
    const { $schema: _ignored, ...json } = z.toJSONSchema(schema, { io: 'input' });
    return { title: engine, ...json };
  });
}

const hyperparametersSchema = z.record(z.string(), z.unknown()).meta({
  id: 'Hyperparameters',
  description: 'Checked against the hyperparameter schema of the engine that trains `kind` (one per engine below); needs `kind`. They apply to this training only, over the configured ones.',
  anyOf: perEngineDocumentation(),
});

export const trainingRequestBodySchema = z
  .strictObject({
    scope: scopeSchema.optional().meta({ description: 'Train this scope (exactly one of scope and all)' }),
    all: z.boolean().optional().meta({ description: 'Train every scope that has data' }),
    kind: kindSchema.optional().meta({ description: 'Default: every kind of the scope' }),
    force: z.boolean().optional().meta({ description: 'Ignore the policy thresholds' }),
    lookbackDays: z.number().int().min(1).max(3650).optional().meta({ description: 'Train on the last N days only' }),
    minData: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional().meta({ description: 'Skip scopes with fewer rows (reported as insufficient-data)' }),
    hyperparameters: hyperparametersSchema.optional(),
  })
  .superRefine((body, context) => {
    if ((body.scope === undefined) === (body.all !== true)) {
      context.addIssue({ code: 'custom', path: body.scope === undefined ? ['scope'] : ['all'], message: 'give exactly one of scope or all: true' });
    }
    const scopeType = body.scope === undefined ? undefined : parseScope(body.scope)?.type;
    if (scopeType !== undefined && body.kind !== undefined && !KINDS_BY_SCOPE_TYPE[scopeType].includes(body.kind)) {
      context.addIssue({ code: 'custom', path: ['kind'], message: `${scopeType} scopes have ${KINDS_BY_SCOPE_TYPE[scopeType].join(', ')}` });
    }
    if (body.hyperparameters !== undefined && body.kind === undefined) {
      context.addIssue({ code: 'custom', path: ['kind'], message: 'hyperparameters need a kind: each engine has its own' });
    }
  });

const requestOutcomeSchema = z
  .object({
    scope: scopeSchema,
    kind: kindSchema,
    decisionId: z.string().nullable().meta({ description: 'The recorded decision, which is also the job id' }),
    outcome: z.enum(['requested', 'insufficient-data', 'skipped']),
    reason: z.string(),
  })
  .meta({ id: 'TrainingRequestOutcome' });

export function trainingRoutes(deps: ApiDeps): ApiRoute[] {
  const engines = deps.engines ?? DEFAULT_ENGINE_CHOICE;
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/trainings',
      operationId: 'requestTraining',
      summary: 'Request trainings (reason manual): one decision per (scope, kind) that is due',
      description:
        'Each requested (scope, kind) goes through the retrain policy as a manual trigger; a recorded decision is published as a training request and its decisionId is the job id.',
      tag: 'trainings',
      access: 'write',
      body: trainingRequestBodySchema,
      errors: [404],
      responses: {
        202: {
          description: 'Decisions recorded; the trainings run asynchronously (follow them at /api/v1/jobs/{decisionId})',
          schema: z.object({
            requests: z.array(requestOutcomeSchema),
          }),
        },
      },
      handle: async ({ body }, request, reply) => {
        const hyperparameters =
          body.hyperparameters !== undefined && body.kind !== undefined
            ? (parseInput(hyperparameterSchemaFor(body.kind, engines), body.hyperparameters, 'body', ['hyperparameters']) as Record<string, number>)
            : undefined;
        const requests = await deps.control.request({ ...body, hyperparameters });
        for (const outcome of requests) {
          if (outcome.outcome === 'requested') deps.metrics.countDecision({ reason: 'manual', kind: outcome.kind });
          request.log.info({ scope: outcome.scope, kind: outcome.kind, decisionId: outcome.decisionId, outcome: outcome.outcome, force: body.force === true }, 'training requested');
        }
        reply.code(202);
        return { requests };
      },
    }),
  ];
}
