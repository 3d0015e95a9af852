import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ERROR_CODES } from '../../../src/api/api-error.js';
import type { OpenApiDocument, OpenApiOperation } from '../../../src/api/openapi-document.js';
import { MODEL_KINDS } from '../../../src/domain/model-kind.js';
import { JOB_STATUSES } from '../../../src/ports/job-queue.js';
import { apiOverRun, documentedBody, READ_TOKEN, WRITE_TOKEN, type ApiFixture } from './api-fixture.js';
import { anyJson, JsonSchemaArbitraries } from './json-schema-arbitrary.js';

/**
 * Schema-driven fuzzing: for every operation of the served OpenAPI document, random
 * path parameters, query strings, bodies, content types and tokens, drawn mostly from
 * the documented schemas (so requests get past validation and reach the handlers with
 * real scopes, kinds, versions and job ids) and partly from anything at all. No answer
 * may be a 5xx; every error has the agreed shape and its catalogue status; every
 * success matches the documented schema.
 */

const RUNS_PER_OPERATION = 120;

let api: ApiFixture;
let document: OpenApiDocument;
let arbitraries: JsonSchemaArbitraries;

beforeAll(async () => {
  api = await apiOverRun();
  document = (await api.get('/docs/openapi.json', null)).json<OpenApiDocument>();
  const scopes = [...new Set((await api.ports.counters.list()).map((row) => row.scope))];
  // Jobs in every state, so cancel and retry can succeed too: all the run's jobs succeeded.
  for (let sequence = 100; sequence < 104; sequence += 1) {
    const requestId = `user:u-0001/forecaster/${sequence}`;
    const request = { requestId, scope: 'user:u-0001', modelKind: 'forecaster' as const, reason: 'manual' as const, counts: {}, metric: null, requestedAt: 0, priority: 1, mode: 'full' as const, lookbackDays: null, force: true };
    await api.ports.jobs.enqueue(request, { maxAttempts: 1, now: 0 });
  }
  await api.ports.jobs.cancel('user:u-0001/forecaster/100', 0);
  const jobIds = (await api.ports.jobs.list({ limit: 20 })).map((job) => job.jobId);
  arbitraries = new JsonSchemaArbitraries(document.components.schemas, {
    byName: {
      scope: [...scopes, 'user:nobody', 'org:', 'user:u-0001 ', 'USER:u-0001'],
      kind: [...MODEL_KINDS, 'Categorizer'],
      jobId: [...jobIds, 'user:u-0001/categorizer/999', ''],
      version: [1, 2, 3, 999, '1', '01', '-1', '1e2'],
      toVersion: [1, 2, 3, 999],
      status: [...JOB_STATUSES, 'done'],
      limit: ['1', '5', '1000', '1001', '0', '-1', ''],
      lookbackDays: [1, 30, 0],
      minData: [0, 50, 1_000_000],
    },
  });
}, 120_000);

afterAll(async () => {
  await api.close();
});

function asText(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
}

/** Percent-encoded as a client would, or raw bytes a client should not send. */
const brokenSegment = fc.constantFrom('%', '%E0%A4%A', '%00', '..', '%2F..%2F', '%zz', 'a%2Fb');

function requestFor(pathTemplate: string, method: string, operation: OpenApiOperation): fc.Arbitrary<InjectOptions> {
  const pathParameters = operation.parameters.filter((parameter) => parameter.in === 'path');
  const queryParameters = operation.parameters.filter((parameter) => parameter.in === 'query');
  const segments = fc.record(
    Object.fromEntries(
      pathParameters.map((parameter) => [
        parameter.name,
        fc.oneof({ arbitrary: arbitraries.of(parameter.schema, parameter.name).map((value) => encodeURIComponent(asText(value))), weight: 9 }, { arbitrary: brokenSegment, weight: 1 }),
      ]),
    ),
  );
  const queryValue = (name: string, schema: unknown) => arbitraries.of(schema, name).map(asText);
  const query = fc.array(
    fc.oneof(
      ...queryParameters.map((parameter) => fc.tuple(fc.constant(parameter.name), queryValue(parameter.name, parameter.schema))),
      fc.tuple(fc.string({ minLength: 1, maxLength: 6 }), fc.string({ maxLength: 6 })),
    ),
    { maxLength: queryParameters.length + 1 },
  );
  const bodySchema = operation.requestBody?.content['application/json'].schema;
  const body: fc.Arbitrary<{ payload?: string; contentType?: string }> =
    bodySchema === undefined
      ? fc.constant({})
      : fc.oneof(
          { arbitrary: arbitraries.of(bodySchema).map((value) => ({ payload: JSON.stringify(value), contentType: 'application/json' })), weight: 12 },
          { arbitrary: anyJson.map((value) => ({ payload: JSON.stringify(value), contentType: 'application/json; charset=utf-8' })), weight: 2 },
          { arbitrary: fc.string({ maxLength: 30 }).map((text) => ({ payload: text, contentType: 'application/json' })), weight: 1 },
          { arbitrary: fc.constant({}), weight: 1 },
          { arbitrary: fc.constantFrom('text/plain', 'application/xml', 'multipart/form-data').map((contentType) => ({ payload: 'x=1', contentType })), weight: 1 },
        );
  const token = fc.constantFrom<string | undefined>(WRITE_TOKEN, WRITE_TOKEN, WRITE_TOKEN, READ_TOKEN, undefined, 'unknown');
  return fc.record({ segments, query, body, token }).map(({ segments: values, query: pairs, body: sent, token: chosen }) => {
    const url = pathTemplate.replace(/\{([A-Za-z]+)\}/g, (_match, name: string) => values[name] ?? '');
    const search = pairs.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`).join('&');
    const headers: Record<string, string> = {};
    if (chosen !== undefined) headers.authorization = `Bearer ${chosen}`;
    if (sent.contentType !== undefined) headers['content-type'] = sent.contentType;
    return {
      method: method.toUpperCase() as 'GET' | 'POST',
      url: search === '' ? url : `${url}?${search}`,
      headers,
      ...(sent.payload === undefined ? {} : { payload: sent.payload }),
    };
  });
}

describe('schema-driven fuzzing from the OpenAPI document', () => {
  it('covers every documented operation', () => {
    const operations = Object.values(document.paths).flatMap((byMethod) => Object.values(byMethod).map((operation) => operation.operationId));
    expect(operations.sort()).toEqual(
      api.routes
        .filter((route) => route.hidden !== true)
        .map((route) => route.operationId)
        .sort(),
    );
  });

  // Built lazily: the document is fetched in beforeAll.
  const operations = [
    ['/health', 'get'],
    ['/ready', 'get'],
    ['/metrics', 'get'],
    ['/docs', 'get'],
    ['/docs/openapi.json', 'get'],
    ['/api/v1/scopes', 'get'],
    ['/api/v1/scopes/{scope}', 'get'],
    ['/api/v1/models', 'get'],
    ['/api/v1/models/{scope}/{kind}', 'get'],
    ['/api/v1/models/{scope}/{kind}/{version}', 'get'],
    ['/api/v1/models/{scope}/{kind}/rollback', 'post'],
    ['/api/v1/jobs', 'get'],
    ['/api/v1/jobs/{jobId}', 'get'],
    ['/api/v1/jobs/{jobId}/cancel', 'post'],
    ['/api/v1/jobs/{jobId}/retry', 'post'],
    ['/api/v1/trainings', 'post'],
    ['/api/v1/decisions', 'get'],
    ['/api/v1/history', 'get'],
  ] as const;

  it('lists the same operations the document has', () => {
    const documented = Object.entries(document.paths).flatMap(([path, byMethod]) => Object.keys(byMethod).map((method) => `${method} ${path}`));
    expect(operations.map(([path, method]) => `${method} ${path}`).sort()).toEqual(documented.sort());
  });

  for (const [path, method] of operations) {
    it(`${method.toUpperCase()} ${path}: never a 5xx, errors in the agreed shape, successes as documented`, async () => {
      const operation = document.paths[path]?.[method];
      if (operation === undefined) throw new Error(`${method} ${path} is not documented`);
      const statuses = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(requestFor(path, method, operation), async (request) => {
          const response = await api.inject(request);
          statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
          expect(response.statusCode, `${request.method} ${request.url as string} ${response.body}`).toBeLessThan(500);
          if (response.statusCode >= 400) {
            const { error } = response.json<{ error: { code: keyof typeof API_ERROR_CODES; message: string; field: string | null } }>();
            expect(API_ERROR_CODES[error.code].status).toBe(response.statusCode);
            expect(typeof error.message).toBe('string');
            expect(error.field === null || typeof error.field === 'string').toBe(true);
          } else if (response.headers['content-type']?.toString().startsWith('application/json') === true && operation.operationId !== 'openApiDocument') {
            documentedBody(api.routes, operation.operationId, response);
          }
        }),
        { numRuns: RUNS_PER_OPERATION, seed: 20_260_105 },
      );
      // The fuzzing must reach the handlers, not only the validation: some answers succeed.
      const successes = [...statuses].filter(([status]) => status < 300).reduce((sum, [, count]) => sum + count, 0);
      expect(successes, JSON.stringify([...statuses])).toBeGreaterThan(0);
    });
  }
});
