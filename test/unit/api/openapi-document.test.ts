import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/adapters/memory/manual-clock.js';
import { embeddedPorts } from '../../../src/app/composition-root.js';
import { defaultConfig } from '../../../src/config/relearn-config.js';
import type { OpenApiDocument } from '../../../src/api/openapi-document.js';
import { apiOverPorts, type ApiFixture } from './api-fixture.js';

let api: ApiFixture;
let document: OpenApiDocument;

beforeAll(async () => {
  const config = defaultConfig();
  api = apiOverPorts(embeddedPorts(new ManualClock(0), config.topics), config);
  const response = await api.get('/docs/openapi.json', null);
  expect(response.statusCode).toBe(200);
  document = response.json<OpenApiDocument>();
});

afterAll(async () => {
  await api.close();
});

function refs(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) refs(item, found);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string') found.push(inner);
      else refs(inner, found);
    }
  }
  return found;
}

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 with bearer auth', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.components.securitySchemes.bearerAuth).toEqual({ type: 'http', scheme: 'bearer' });
  });

  it('documents every route the server registers, with its path parameters', () => {
    for (const route of api.routes.filter((candidate) => candidate.hidden !== true)) {
      const path = route.url.replace(/:([A-Za-z]+)/g, '{$1}');
      const operation = document.paths[path]?.[route.method.toLowerCase()];
      expect(operation?.operationId, `${route.method} ${route.url}`).toBe(route.operationId);
      const named = [...route.url.matchAll(/:([A-Za-z]+)/g)].map((match) => match[1]);
      expect(operation?.parameters.filter((parameter) => parameter.in === 'path').map((parameter) => parameter.name)).toEqual(named);
    }
  });

  it('marks which operations need a token and which write, and documents their 401 and 403', () => {
    for (const byMethod of Object.values(document.paths)) {
      for (const [method, operation] of Object.entries(byMethod)) {
        const isPublic = operation['x-access'] === 'public';
        expect(operation.security, operation.operationId).toEqual(isPublic ? [] : [{ bearerAuth: [] }]);
        expect('401' in operation.responses, operation.operationId).toBe(!isPublic);
        expect('403' in operation.responses, operation.operationId).toBe(operation['x-access'] === 'write');
        expect(operation['x-access'] === 'write', operation.operationId).toBe(method === 'post');
      }
    }
  });

  it('types query parameters from the validating schemas', () => {
    const listJobs = document.paths['/api/v1/jobs']?.get;
    const limit = listJobs?.parameters.find((parameter) => parameter.name === 'limit');
    expect(limit).toMatchObject({ in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 1000 } });
    const status = listJobs?.parameters.find((parameter) => parameter.name === 'status');
    expect(status?.schema.enum).toEqual(['queued', 'running', 'succeeded', 'failed', 'cancelled']);
  });

  it('documents the training request body strictly, with each engine’s hyperparameters', () => {
    const body = document.paths['/api/v1/trainings']?.post?.requestBody;
    expect(body?.required).toBe(true);
    const schema = body?.content['application/json'].schema as { additionalProperties: boolean; properties: Record<string, unknown> };
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties).sort()).toEqual(['all', 'force', 'hyperparameters', 'kind', 'lookbackDays', 'minData', 'scope']);
    const hyperparameters = document.components.schemas.Hyperparameters as { anyOf: { title: string }[] };
    expect(hyperparameters.anyOf.map((entry) => entry.title).sort()).toEqual(['ml-isolation-forest', 'ml-random-forest', 'relearn-forest', 'relearn-isolation', 'seasonal-blend']);
    expect(document.paths['/api/v1/models/{scope}/{kind}/rollback']?.post?.requestBody?.required).toBe(false);
  });

  it('resolves every reference inside the document', () => {
    const all = refs(document);
    expect(all.length).toBeGreaterThan(10);
    for (const ref of all) {
      expect(ref.startsWith('#/components/schemas/'), ref).toBe(true);
      expect(document.components.schemas[ref.replace('#/components/schemas/', '')], ref).toBeDefined();
    }
  });

  it('is listed on the /docs page, one entry per operation, without scripts or remote assets', async () => {
    const response = await api.get('/docs', null);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    for (const byMethod of Object.values(document.paths)) {
      for (const operation of Object.values(byMethod)) expect(response.body).toContain(`id="${operation.operationId}"`);
    }
    expect(response.body).not.toMatch(/<script|https?:\/\/(?!json-schema)/);
  });
});
