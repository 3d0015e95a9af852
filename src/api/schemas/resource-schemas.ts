import { z } from 'zod';
import { TRAINING_REASONS, type TrainingReason } from '../../domain/events.js';
import { jobStatusSchema, kindSchema, scopeSchema } from './common-schemas.js';

/**
 * What the API answers with. These schemas document the responses in the OpenAPI
 * document; the tests parse real answers with them, so the document cannot drift from
 * what the routes send.
 */

const epochMs = z.number().meta({ description: 'Epoch milliseconds' });
const figures = z.record(z.string(), z.number());

export const reasonSchema = z.enum(TRAINING_REASONS as [TrainingReason, ...TrainingReason[]]);
const modeSchema = z.enum(['full', 'incremental']);
const decisionMetricSchema = z.object({ name: z.string(), value: z.number(), threshold: z.number() });

export const championPointerSchema = z
  .object({ kind: kindSchema, version: z.number().int(), since: epochMs })
  .meta({ id: 'ChampionPointer' });

export const modelVersionSchema = z
  .object({
    modelId: z.string(),
    scope: scopeSchema,
    kind: kindSchema,
    version: z.number().int(),
    engine: z.string(),
    mode: modeSchema,
    requestId: z.string(),
    trainedAt: epochMs,
    trainedOn: z.object({ rows: z.number().int(), from: epochMs, to: epochMs }),
    metrics: figures.meta({ description: 'Held-out metrics of this version' }),
    championMetrics: figures.nullable().meta({ description: 'The champion of the time on the same held-out data' }),
    previousVersion: z.number().int().nullable(),
    promoted: z.boolean(),
    decision: z.string().meta({ description: 'The promotion gate’s verdict' }),
    hyperparameters: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
    artifactBytes: z.number().int(),
  })
  .meta({ id: 'ModelVersion' });

/** Manual requests only: the hyperparameters of that training; absent (older records) or null otherwise. */
const hyperparametersOfRequest = z.record(z.string(), z.number()).nullable().optional();

export const decisionSchema = z
  .object({
    decisionId: z.string(),
    scope: scopeSchema,
    kind: kindSchema,
    reason: reasonSchema,
    mode: modeSchema,
    counts: figures,
    metric: decisionMetricSchema.nullable(),
    sinceLastTrainingMs: z.number().nullable(),
    decidedAt: epochMs,
    priority: z.number().int(),
    lookbackDays: z.number().int().nullable(),
    force: z.boolean(),
    hyperparameters: hyperparametersOfRequest,
    publishedAt: epochMs.nullable(),
  })
  .meta({ id: 'Decision', description: 'A recorded decision to train, with the figures that caused it' });

export const countersSchema = z
  .object({
    scope: scopeSchema,
    kind: kindSchema,
    total: z.number().int(),
    sinceLastTraining: z.number().int(),
    sheets: z.number().int(),
    firstEventAt: epochMs.nullable(),
    lastEventAt: epochMs.nullable(),
    lastTrainedAt: epochMs.nullable(),
    decisions: z.number().int(),
    performance: z.array(z.number()),
    openDecision: decisionSchema.nullable().meta({ description: 'The decision whose training has not finished: no other is made meanwhile' }),
    followUp: z
      .object({ scope: scopeSchema, kind: kindSchema, source: z.string(), at: epochMs, force: z.boolean().optional(), lookbackDays: z.number().int().nullable().optional(), hyperparameters: hyperparametersOfRequest })
      .nullable()
      .meta({ description: 'The strongest trigger that arrived while a decision was open; evaluated when it closes' }),
    lastFailedAt: epochMs.nullable(),
    recheckAt: epochMs.nullable(),
  })
  .meta({ id: 'ScopeCounters', description: 'What the retrain policy reads about one (scope, kind)' });

const trainingRequestedSchema = z.object({
  requestId: z.string(),
  scope: z.string(),
  modelKind: kindSchema,
  reason: reasonSchema,
  counts: figures,
  metric: decisionMetricSchema.nullable(),
  requestedAt: epochMs,
  priority: z.number().int(),
  mode: modeSchema,
  lookbackDays: z.number().int().nullable(),
  force: z.boolean(),
  hyperparameters: hyperparametersOfRequest,
});

export const jobSchema = z
  .object({
    jobId: z.string(),
    scope: scopeSchema,
    kind: kindSchema,
    request: trainingRequestedSchema,
    status: jobStatusSchema,
    priority: z.number().int(),
    attempts: z.number().int(),
    maxAttempts: z.number().int(),
    stage: z.string(),
    progress: z.number().min(0).max(1),
    error: z.string().nullable(),
    leaseOwner: z.string().nullable(),
    leaseExpiresAt: epochMs.nullable(),
    fencingToken: z.number().int(),
    createdAt: epochMs,
    startedAt: epochMs.nullable(),
    finishedAt: epochMs.nullable(),
    durationMs: z.number().nullable().meta({ description: 'finishedAt - startedAt, once finished' }),
    result: z.object({ version: z.number().int().nullable(), promoted: z.boolean(), decision: z.string() }).nullable(),
  })
  .meta({ id: 'TrainingJob' });

export const historyEntrySchema = z
  .object({
    scope: scopeSchema,
    kind: kindSchema,
    version: z.number().int().nullable(),
    status: z.enum(['trained', 'rejected', 'failed']).meta({ description: 'trained: stored and promoted; rejected: stored, champion kept; failed: no model' }),
    at: epochMs,
    metrics: figures,
    reason: reasonSchema.nullable().meta({ description: 'Why the training ran' }),
    detail: z.string().meta({ description: 'The promotion gate’s verdict, or the error' }),
    requestId: z.string(),
  })
  .meta({ id: 'HistoryEntry' });

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'A kebab-case code from a closed list' }),
      message: z.string(),
      field: z.string().nullable().meta({ description: 'The offending parameter, query value or body field' }),
    }),
  })
  .meta({ id: 'Error' });
