import { z } from 'zod';
import { MODEL_KINDS, type ModelKind } from '../../domain/model-kind.js';
import { JOB_STATUSES, type JobStatus } from '../../ports/job-queue.js';

/** `user:<id>` or `org:<id>`; in paths URL-encoded (`user%3Au-0001`). */
/** Ids are not bounded by the event contract; this bound keeps paths and log lines sane. */
export const MAX_SCOPE_ID_LENGTH = 500;

export const scopeSchema = z
  .templateLiteral([z.enum(['user', 'org']), ':', z.string().min(1).max(MAX_SCOPE_ID_LENGTH)], {
    error: `expected user:<id> or org:<id>, the id 1 to ${MAX_SCOPE_ID_LENGTH} characters`,
  })
  .meta({ description: 'A scope: user:<id> or org:<id>', examples: ['user:u-0001', 'org:o-01'] });

export const kindSchema = z
  .enum(MODEL_KINDS as [ModelKind, ...ModelKind[]], { error: `expected one of ${MODEL_KINDS.join(', ')}` })
  .meta({ description: 'A model kind' });

export const jobStatusSchema = z
  .enum(JOB_STATUSES as [JobStatus, ...JobStatus[]], { error: `expected one of ${JOB_STATUSES.join(', ')}` })
  .meta({ description: 'A job status' });

/**
 * Query values arrive as strings; only plain decimal integers become numbers, so "0x10",
 * "1e3" or " 12" are rejected rather than silently read as something else.
 */
export function queryInteger(min: number, max: number) {
  return z.preprocess(
    (value) => (typeof value === 'string' && /^-?\d{1,16}$/.test(value) ? Number(value) : value),
    z
      .number({ error: (issue) => (issue.code === 'invalid_type' ? 'expected an integer' : undefined) })
      .int({ error: 'expected an integer' })
      .min(min)
      .max(max),
  );
}

export const DEFAULT_LIST_LIMIT = 100;
export const MAX_LIST_LIMIT = 1000;

export const limitQuerySchema = queryInteger(1, MAX_LIST_LIMIT)
  .optional()
  .meta({ description: `At most this many rows (default ${DEFAULT_LIST_LIMIT})` });

export const versionParamSchema = queryInteger(1, Number.MAX_SAFE_INTEGER).meta({ description: 'A model version (1, 2, …)' });

export const jobIdSchema = z
  .string()
  .min(1)
  .max(MAX_SCOPE_ID_LENGTH + 100)
  .meta({ description: 'A job id, which is its decision id: <scope>/<kind>/<sequence> (URL-encoded in paths)', examples: ['user:u-0001/categorizer/3'] });

export const scopeKindParamsSchema = z.strictObject({ scope: scopeSchema, kind: kindSchema });
