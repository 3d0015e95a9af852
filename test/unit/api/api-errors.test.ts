import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ERROR_CODES, type ApiErrorCode } from '../../../src/api/api-error.js';
import { RelearnError } from '../../../src/domain/errors.js';
import { apiOverPorts, apiOverRun, path, READ_TOKEN, WRITE_TOKEN, type ApiFixture } from './api-fixture.js';

let api: ApiFixture;

beforeAll(async () => {
  api = await apiOverRun();
}, 120_000);

afterAll(async () => {
  await api.close();
});

/** The adapter with some methods replaced; the others keep working through the prototype chain. */
function overriding<T extends object>(adapter: T, methods: Partial<T>): T {
  return Object.assign(Object.create(adapter) as T, methods);
}

function expectError(response: LightMyRequestResponse, status: number, code: ApiErrorCode, field?: string | null): void {
  expect(response.statusCode, response.body).toBe(status);
  const body = response.json<{ error: { code: string; message: string; field: string | null } }>();
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(0);
  if (field !== undefined) expect(body.error.field).toBe(field);
}

/** A concrete, valid URL for every operation, so auth is all that fails. */
function concreteUrl(url: string): string {
  return url
    .replace(':scope', path('user:u-0001'))
    .replace(':kind', 'categorizer')
    .replace(':version', '1')
    .replace(':jobId', path('user:u-0001/categorizer/1'));
}

describe('authentication and authorisation', () => {
  it('answers 401 with WWW-Authenticate on every authenticated route without a token, with an unknown one or another scheme', async () => {
    const guarded = api.routes.filter((route) => route.access !== 'public');
    expect(guarded.length).toBeGreaterThanOrEqual(13);
    for (const route of guarded) {
      const url = concreteUrl(route.url);
      for (const authorization of [undefined, 'Bearer not-a-token', `Basic ${READ_TOKEN}`, 'Bearer', `Bearer ${READ_TOKEN}x`]) {
        const response = await api.inject({ method: route.method, url, headers: authorization === undefined ? {} : { authorization } });
        expectError(response, 401, 'unauthorized', 'authorization');
        expect(response.headers['www-authenticate']).toBe('Bearer');
      }
    }
  });

  it('answers 403 to a read-only token on every write route, before looking at the input', async () => {
    const writes = api.routes.filter((route) => route.access === 'write');
    expect(writes.map((route) => route.operationId).sort()).toEqual(['cancelJob', 'requestTraining', 'retryJob', 'rollbackModel']);
    for (const route of writes) {
      expectError(await api.post(concreteUrl(route.url), { scope: 'user:u-0001', force: true }, READ_TOKEN), 403, 'forbidden');
      expectError(await api.post(route.url, { nonsense: true }, READ_TOKEN), 403, 'forbidden');
    }
    // Nothing was decided, cancelled or rolled back.
    expect(api.recorded).toEqual([]);
  });

  it('lets a read-only token read and a read-write token read too', async () => {
    for (const route of api.routes.filter((candidate) => candidate.access === 'read')) {
      for (const token of [READ_TOKEN, WRITE_TOKEN]) {
        const response = await api.get(concreteUrl(route.url), token);
        expect(response.statusCode, `${route.url}: ${response.body}`).toBe(200);
      }
    }
  });

  it('accepts the scheme in any case', async () => {
    const response = await api.inject({ method: 'GET', url: '/api/v1/jobs?limit=1', headers: { authorization: `bearer ${READ_TOKEN}` } });
    expect(response.statusCode).toBe(200);
  });
});

describe('400: the field and what was expected', () => {
  const cases: { name: string; url: string; field: string; expect?: RegExp }[] = [
    { name: 'a scope that is not user:/org:', url: `/api/v1/scopes/${path('team:x')}`, field: 'scope', expect: /user:<id> or org:<id>/ },
    { name: 'an empty scope id', url: `/api/v1/scopes/${path('user:')}`, field: 'scope' },
    { name: 'an unknown kind in the path', url: `/api/v1/models/${path('user:u-0001', 'regressor')}`, field: 'kind', expect: /categorizer, forecaster, anomaly/ },
    { name: 'a version that is not an integer', url: `/api/v1/models/${path('user:u-0001', 'categorizer', 'latest')}`, field: 'version', expect: /integer/ },
    { name: 'version 0', url: `/api/v1/models/${path('user:u-0001', 'categorizer', 0)}`, field: 'version', expect: />=1/ },
    { name: 'a limit that is not a number', url: '/api/v1/jobs?limit=ten', field: 'limit', expect: /integer/ },
    { name: 'a fractional limit', url: '/api/v1/jobs?limit=1.5', field: 'limit' },
    { name: 'a hexadecimal limit', url: '/api/v1/jobs?limit=0x10', field: 'limit' },
    { name: 'limit 0', url: '/api/v1/models?limit=0', field: 'limit' },
    { name: 'a limit above the maximum', url: '/api/v1/decisions?limit=1001', field: 'limit', expect: /<=1000/ },
    { name: 'a repeated query parameter', url: '/api/v1/history?limit=1&limit=2', field: 'limit' },
    { name: 'an unknown status', url: '/api/v1/jobs?status=done', field: 'status', expect: /queued, running/ },
    { name: 'an unknown kind in the query', url: '/api/v1/scopes?kind=all', field: 'kind' },
    { name: 'a bad scope in the query', url: '/api/v1/decisions?scope=u-0001', field: 'scope' },
    { name: 'an unknown query parameter', url: '/api/v1/models?kinds=anomaly', field: 'kinds', expect: /unknown query parameter/ },
    { name: 'a query parameter on a route that takes none', url: `/api/v1/jobs/${path('user:u-0001/categorizer/1')}?verbose=1`, field: 'verbose' },
  ];
  for (const entry of cases) {
    it(`names the field for ${entry.name}`, async () => {
      const response = await api.get(entry.url);
      expectError(response, 400, 'invalid-input', entry.field);
      if (entry.expect !== undefined) expect(response.json<{ error: { message: string } }>().error.message).toMatch(entry.expect);
    });
  }

  const bodies: { name: string; body: unknown; field: string; expect?: RegExp }[] = [
    { name: 'a body that is not an object', body: [1, 2], field: 'body', expect: /expected object/ },
    { name: 'a JSON string body', body: JSON.stringify('train'), field: 'body' },
    { name: 'neither scope nor all', body: { kind: 'categorizer' }, field: 'scope', expect: /exactly one of scope or all/ },
    { name: 'all: false alone', body: { all: false }, field: 'scope' },
    { name: 'both scope and all', body: { scope: 'user:u-0001', all: true }, field: 'all' },
    { name: 'a malformed scope', body: { scope: 'u-0001' }, field: 'scope' },
    { name: 'a kind the scope type does not have', body: { scope: 'user:u-0001', kind: 'anomaly' }, field: 'kind', expect: /user scopes have categorizer, forecaster/ },
    { name: 'force that is not a boolean', body: { all: true, force: 'yes' }, field: 'force', expect: /boolean/ },
    { name: 'lookbackDays 0', body: { all: true, lookbackDays: 0 }, field: 'lookbackDays' },
    { name: 'fractional lookbackDays', body: { all: true, lookbackDays: 2.5 }, field: 'lookbackDays' },
    { name: 'negative minData', body: { all: true, minData: -1 }, field: 'minData' },
    { name: 'an unknown body field', body: { all: true, priority: 5 }, field: 'priority', expect: /unknown body field/ },
    { name: 'hyperparameters without a kind', body: { all: true, hyperparameters: { nTrees: 10 } }, field: 'kind', expect: /hyperparameters need a kind/ },
    { name: 'hyperparameters that are not an object', body: { all: true, kind: 'categorizer', hyperparameters: 5 }, field: 'hyperparameters' },
    { name: 'a hyperparameter out of range', body: { all: true, kind: 'categorizer', hyperparameters: { maxDepth: 65 } }, field: 'hyperparameters.maxDepth', expect: /<=64/ },
    { name: 'a hyperparameter of the wrong type', body: { all: true, kind: 'anomaly', hyperparameters: { contamination: 'high' } }, field: 'hyperparameters.contamination' },
    { name: 'a hyperparameter the engine does not have', body: { all: true, kind: 'anomaly', hyperparameters: { maxDepth: 5 } }, field: 'hyperparameters.maxDepth', expect: /unknown body field/ },
    { name: 'more trees than one training may grow in its time limit', body: { all: true, kind: 'categorizer', hyperparameters: { nTrees: 2001 } }, field: 'hyperparameters.nTrees', expect: /<=2000/ },
    { name: 'a sample size above its bound', body: { all: true, kind: 'anomaly', hyperparameters: { sampleSize: 4097 } }, field: 'hyperparameters.sampleSize', expect: /<=4096/ },
    { name: 'contamination above 0.5', body: { all: true, kind: 'anomaly', hyperparameters: { contamination: 0.6 } }, field: 'hyperparameters.contamination' },
    { name: 'a forecaster hyperparameter (it reads none)', body: { scope: 'user:u-0001', kind: 'forecaster', hyperparameters: { seasonLength: 4 } }, field: 'hyperparameters.seasonLength', expect: /unknown body field/ },
  ];
  for (const entry of bodies) {
    it(`names the body field for ${entry.name}`, async () => {
      const response =
        typeof entry.body === 'string'
          ? await api.inject({ method: 'POST', url: '/api/v1/trainings', headers: { authorization: `Bearer ${WRITE_TOKEN}`, 'content-type': 'application/json' }, payload: entry.body })
          : await api.post('/api/v1/trainings', entry.body);
      expectError(response, 400, 'invalid-input', entry.field);
      if (entry.expect !== undefined) expect(response.json<{ error: { message: string } }>().error.message).toMatch(entry.expect);
    });
  }

  it('names toVersion when a rollback target is malformed', async () => {
    expectError(await api.post(`/api/v1/models/${path('user:u-0001', 'categorizer')}/rollback`, { toVersion: 'previous' }), 400, 'invalid-input', 'toVersion');
    expectError(await api.post(`/api/v1/models/${path('user:u-0001', 'categorizer')}/rollback`, { to: 1 }), 400, 'invalid-input', 'to');
  });

  it('decides nothing on bad input', () => {
    expect(api.recorded).toEqual([]);
  });
});

describe('400, 413 and 415 from the HTTP layer, in the same shape', () => {
  const post = (payload: string | Buffer, contentType: string) =>
    api.inject({ method: 'POST', url: '/api/v1/trainings', headers: { authorization: `Bearer ${WRITE_TOKEN}`, 'content-type': contentType }, payload });

  it('answers invalid-json for a body that does not parse', async () => {
    expectError(await post('{"all": tru', 'application/json'), 400, 'invalid-json', 'body');
  });

  it('refuses prototype poisoning', async () => {
    expectError(await post('{"all": true, "__proto__": {"force": true}}', 'application/json'), 400, 'invalid-json', 'body');
    expectError(await post('{"all": true, "constructor": {"prototype": {"force": true}}}', 'application/json'), 400, 'invalid-json', 'body');
  });

  it('answers 415 for a body that is not JSON', async () => {
    expectError(await post('all=true', 'application/x-www-form-urlencoded'), 415, 'unsupported-media-type', 'content-type');
    expectError(await post('all', 'text/plain'), 415, 'unsupported-media-type', 'content-type');
  });

  it('answers 413 for a body over the limit', async () => {
    expectError(await post(JSON.stringify({ all: true, pad: 'x'.repeat(70 * 1024) }), 'application/json'), 413, 'payload-too-large', 'body');
  });

  it('takes an empty JSON body as no body', async () => {
    const response = await api.inject({
      method: 'POST',
      url: `/api/v1/jobs/${path('nobody')}/retry`,
      headers: { authorization: `Bearer ${WRITE_TOKEN}`, 'content-type': 'application/json' },
      payload: '',
    });
    expectError(response, 404, 'not-found', 'jobId');
  });

  it('answers 400 for a path with broken percent-encoding', async () => {
    expectError(await api.get('/api/v1/scopes/user%3A%E0%A4%A'), 400, 'bad-request', 'url');
  });

  it('answers 404 in the agreed shape for an unknown route', async () => {
    expectError(await api.get('/api/v2/scopes'), 404, 'not-found');
    expectError(await api.inject({ method: 'DELETE', url: '/api/v1/jobs' }), 404, 'not-found');
  });
});

describe('404 for what does not exist', () => {
  it('an unknown scope', async () => {
    expectError(await api.get(`/api/v1/scopes/${path('user:nobody')}`), 404, 'not-found', 'scope');
    expectError(await api.post('/api/v1/trainings', { scope: 'org:nobody', force: true }), 404, 'not-found');
  });

  it('an unknown model, a kind the scope does not have, a missing version', async () => {
    expectError(await api.get(`/api/v1/models/${path('user:nobody', 'categorizer')}`), 404, 'not-found', 'scope');
    expectError(await api.get(`/api/v1/models/${path('user:u-0001', 'anomaly')}`), 404, 'not-found', 'scope');
    expectError(await api.get(`/api/v1/models/${path('user:u-0001', 'categorizer', 999)}`), 404, 'not-found', 'version');
    expectError(await api.post(`/api/v1/models/${path('org:nobody', 'anomaly')}/rollback`), 404, 'not-found', 'scope');
    expectError(await api.post(`/api/v1/models/${path('user:u-0001', 'categorizer')}/rollback`, { toVersion: 999 }), 404, 'not-found', 'toVersion');
  });

  it('an unknown job', async () => {
    const unknown = path('user:u-0001/categorizer/999');
    expectError(await api.get(`/api/v1/jobs/${unknown}`), 404, 'not-found', 'jobId');
    expectError(await api.post(`/api/v1/jobs/${unknown}/cancel`), 404, 'not-found', 'jobId');
    expectError(await api.post(`/api/v1/jobs/${unknown}/retry`), 404, 'not-found', 'jobId');
  });
});

describe('409 when the state does not allow it', () => {
  it('refuses to cancel or retry a job that succeeded', async () => {
    const [done] = await api.ports.jobs.list({ status: 'succeeded', limit: 1 });
    if (done === undefined) throw new Error('the run made no jobs');
    expectError(await api.post(`/api/v1/jobs/${path(done.jobId)}/cancel`), 409, 'conflict', 'jobId');
    expectError(await api.post(`/api/v1/jobs/${path(done.jobId)}/retry`), 409, 'conflict', 'jobId');
    expect((await api.ports.jobs.get(done.jobId))?.status).toBe('succeeded');
  });

  it('answers a rollback to the champion itself with nothing changed (a retried rollback is harmless)', async () => {
    const champion = await api.ports.registry.champion('user:u-0002', 'categorizer');
    const before = await api.ports.announcements.unannounced(1_000);
    const answer = await api.post(`/api/v1/models/${path('user:u-0002', 'categorizer')}/rollback`, { toVersion: champion?.version });
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toMatchObject({ to: champion?.version, changed: false });
    expect(await api.ports.announcements.unannounced(1_000)).toEqual(before);
  });

  it('refuses a rollback to a version the gate rejected unless forced, naming toVersion', async () => {
    const rejected = (await api.ports.registry.list({ limit: 10_000 })).find((version) => !version.promoted);
    if (rejected === undefined) throw new Error('the run has no version the gate rejected');
    const url = `/api/v1/models/${path(rejected.scope, rejected.kind)}/rollback`;
    expectError(await api.post(url, { toVersion: rejected.version }), 409, 'conflict', 'toVersion');
    const forced = await api.post(url, { toVersion: rejected.version, force: true });
    expect(forced.statusCode).toBe(200);
    expect(forced.json()).toMatchObject({ to: rejected.version, changed: true });
    expect((await api.ports.registry.champion(rejected.scope, rejected.kind))?.version).toBe(rejected.version);
  });

  it('refuses a rollback when no earlier champion exists', async () => {
    // Each forecaster trained once in this run: version 1 is the only champion it ever had.
    expect((await api.ports.registry.list({ scope: 'user:u-0003', kind: 'forecaster' })).map((version) => version.version)).toEqual([1]);
    expectError(await api.post(`/api/v1/models/${path('user:u-0003', 'forecaster')}/rollback`), 409, 'conflict', null);
  });
});

describe('the error catalogue', () => {
  it('is reachable: each code is answered by some request, with its status', async () => {
    const seen = new Map<string, number>();
    const note = (response: LightMyRequestResponse) => seen.set(response.json<{ error: { code: string } }>().error.code, response.statusCode);
    note(await api.get('/api/v1/jobs?limit=x'));
    note(await api.inject({ method: 'POST', url: '/api/v1/trainings', headers: { authorization: `Bearer ${WRITE_TOKEN}`, 'content-type': 'application/json' }, payload: '{' }));
    note(await api.get('/api/v1/scopes/%E0%A4%A'));
    note(await api.get('/api/v1/jobs', null));
    note(await api.post('/api/v1/trainings', { all: true }, READ_TOKEN));
    note(await api.get('/nowhere'));
    note(await api.post(`/api/v1/models/${path('user:u-0003', 'forecaster')}/rollback`));
    note(await api.inject({ method: 'POST', url: '/api/v1/trainings', headers: { authorization: `Bearer ${WRITE_TOKEN}`, 'content-type': 'application/json' }, payload: 'x'.repeat(80_000) }));
    note(await api.inject({ method: 'POST', url: '/api/v1/trainings', headers: { authorization: `Bearer ${WRITE_TOKEN}`, 'content-type': 'text/csv' }, payload: 'a,b' }));

    // A store that does not answer: 503 (retry later), and a fault of the server: 500 that leaks nothing.
    const failing = apiOverPorts(
      {
        ...api.ports,
        jobs: overriding(api.ports.jobs, { list: () => Promise.reject(new RelearnError('UNAVAILABLE', 'mongodb did not answer', { retriable: true })) }),
        outbox: overriding(api.ports.outbox, { list: () => Promise.reject(new TypeError('secret detail of a bug')) }),
      },
      api.config,
    );
    note(await failing.get('/api/v1/jobs'));
    const internal = await failing.get('/api/v1/decisions');
    note(internal);
    expect(internal.body).not.toContain('secret detail');
    await failing.close();

    for (const [code, { status }] of Object.entries(API_ERROR_CODES)) expect(seen.get(code), code).toBe(status);
  });
});
