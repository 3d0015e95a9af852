import { z } from 'zod';
import type { TrainingJob } from '../../ports/job-queue.js';
import type { ApiDeps } from '../api-deps.js';
import { conflict, notFound } from '../api-error.js';
import { defineRoute, type ApiRoute } from '../api-route.js';
import { DEFAULT_LIST_LIMIT, jobIdSchema, jobStatusSchema, kindSchema, limitQuerySchema, scopeSchema } from '../schemas/common-schemas.js';
import { jobSchema } from '../schemas/resource-schemas.js';

function jobView(job: TrainingJob): z.output<typeof jobSchema> {
  return { ...job, durationMs: job.startedAt !== null && job.finishedAt !== null ? job.finishedAt - job.startedAt : null };
}

const jobParamsSchema = z.strictObject({ jobId: jobIdSchema });

export function jobRoutes(deps: ApiDeps): ApiRoute[] {
  async function requireJob(jobId: string): Promise<TrainingJob> {
    const job = await deps.jobs.get(jobId);
    if (job === null) throw notFound(`unknown job ${jobId}`, 'jobId');
    return job;
  }

  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/jobs',
      operationId: 'listJobs',
      summary: 'Training jobs, newest first',
      tag: 'jobs',
      access: 'read',
      query: z.strictObject({ status: jobStatusSchema.optional(), scope: scopeSchema.optional(), kind: kindSchema.optional(), limit: limitQuerySchema }),
      responses: { 200: { description: 'Jobs', schema: z.object({ jobs: z.array(jobSchema) }) } },
      handle: async ({ query }) => {
        const jobs = await deps.jobs.list({ status: query.status, scope: query.scope, kind: query.kind, limit: query.limit ?? DEFAULT_LIST_LIMIT });
        return { jobs: jobs.map(jobView) };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/jobs/:jobId',
      operationId: 'getJob',
      summary: 'One job: status, stage, progress, error, attempts and timings',
      tag: 'jobs',
      access: 'read',
      params: jobParamsSchema,
      errors: [404],
      responses: { 200: { description: 'The job', schema: jobSchema } },
      handle: async ({ params }) => jobView(await requireJob(params.jobId)),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/jobs/:jobId/cancel',
      operationId: 'cancelJob',
      summary: 'Cancel a queued or running job',
      description: 'A running training finishes its current step in the worker, but its result is not stored (the lease no longer holds).',
      tag: 'jobs',
      access: 'write',
      params: jobParamsSchema,
      errors: [404, 409],
      responses: { 200: { description: 'Cancelled', schema: z.object({ cancelled: z.literal(true) }) } },
      handle: async ({ params }, request) => {
        const job = await requireJob(params.jobId);
        if (!(await deps.jobs.cancel(job.jobId, deps.clock.now()))) {
          const now = (await deps.jobs.get(job.jobId))?.status ?? job.status;
          throw conflict(`job ${job.jobId} is ${now}: only queued or running jobs can be cancelled`, 'jobId');
        }
        request.log.info({ jobId: job.jobId, scope: job.scope, kind: job.kind, was: job.status }, 'job cancelled');
        return { cancelled: true as const };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/jobs/:jobId/retry',
      operationId: 'retryJob',
      summary: 'Queue a failed or cancelled job again, with a fresh attempt budget',
      tag: 'jobs',
      access: 'write',
      params: jobParamsSchema,
      errors: [404, 409],
      responses: { 200: { description: 'Queued again', schema: z.object({ retried: z.literal(true) }) } },
      handle: async ({ params }, request) => {
        const job = await requireJob(params.jobId);
        if (!(await deps.jobs.retry(job.jobId, deps.clock.now()))) {
          const now = (await deps.jobs.get(job.jobId))?.status ?? job.status;
          throw conflict(`job ${job.jobId} is ${now}: only failed or cancelled jobs can be retried`, 'jobId');
        }
        request.log.info({ jobId: job.jobId, scope: job.scope, kind: job.kind, was: job.status }, 'job queued again');
        return { retried: true as const };
      },
    }),
  ];
}
