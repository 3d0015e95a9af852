import { z } from 'zod';
import type { ApiDeps, ReadinessReport } from '../api-deps.js';
import { defineRoute, type ApiRoute } from '../api-route.js';

const readinessSchema = z
  .object({
    ready: z.boolean(),
    checks: z.record(z.string(), z.object({ ok: z.boolean(), error: z.string().optional() })),
  })
  .meta({ id: 'Readiness' });

const DEFAULT_READINESS_TIMEOUT_MS = 5_000;

/** A probe that hangs must not hang the orchestrator's readiness check with it. */
async function probe(deps: ApiDeps): Promise<ReadinessReport> {
  const timeoutMs = deps.readinessTimeoutMs ?? DEFAULT_READINESS_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<ReadinessReport>((resolve) => {
    timer = setTimeout(() => resolve({ ready: false, checks: { probe: { ok: false, error: `readiness probe took longer than ${timeoutMs} ms` } } }), timeoutMs);
  });
  try {
    return await Promise.race([deps.readiness(), timedOut]);
  } catch (error) {
    return { ready: false, checks: { probe: { ok: false, error: error instanceof Error ? error.message : String(error) } } };
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(deps: ApiDeps): ApiRoute[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/health',
      operationId: 'health',
      summary: 'The process is alive',
      tag: 'operations',
      access: 'public',
      responses: { 200: { description: 'Alive', schema: z.object({ status: z.literal('ok') }) } },
      handle: () => Promise.resolve({ status: 'ok' as const }),
    }),
    defineRoute({
      method: 'GET',
      url: '/ready',
      operationId: 'ready',
      summary: 'Ready to serve: Kafka and MongoDB answer',
      tag: 'operations',
      access: 'public',
      responses: {
        200: { description: 'Every check passed', schema: readinessSchema },
        503: { description: 'A check failed; `checks` says which and why', schema: readinessSchema },
      },
      handle: async (_input, _request, reply) => {
        const report = await probe(deps);
        const ready = report.ready && Object.values(report.checks).every((check) => check.ok);
        reply.code(ready ? 200 : 503);
        return { ready, checks: report.checks };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/metrics',
      operationId: 'metrics',
      summary: 'Prometheus metrics',
      tag: 'operations',
      access: 'public',
      responses: { 200: { description: 'Prometheus text exposition', contentType: 'text/plain; version=0.0.4' } },
      handle: async (_input, _request, reply) => {
        const text = await deps.metrics.scrape();
        return reply.type(deps.metrics.contentType).send(text);
      },
    }),
  ];
}
