import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/adapters/memory/manual-clock.js';
import { embeddedPorts } from '../../../src/app/composition-root.js';
import { defaultConfig } from '../../../src/config/relearn-config.js';
import { apiOverPorts, type ApiFixture } from './api-fixture.js';

const config = defaultConfig();
let withDashboard: ApiFixture;
let without: ApiFixture;

beforeAll(() => {
  const files = new Map([
    ['index.html', { contentType: 'text/html; charset=utf-8', body: '<!doctype html><title>relearn</title><script src="/assets/app.js"></script>' }],
    ['/assets/app.js', { contentType: 'text/javascript; charset=utf-8', body: Buffer.from('console.log("relearn")') }],
  ]);
  withDashboard = apiOverPorts(embeddedPorts(new ManualClock(0), config.topics), config, { dashboard: { files } });
  without = apiOverPorts(embeddedPorts(new ManualClock(0), config.topics), config);
});

afterAll(async () => {
  await withDashboard.close();
  await without.close();
});

describe('the dashboard’s static files', () => {
  it('serves index.html at / without a token', async () => {
    const response = await withDashboard.get('/', null);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.body).toContain('<title>relearn</title>');
  });

  it('serves assets under /assets without a token, whether the key had a leading slash or not', async () => {
    const response = await withDashboard.get('/assets/app.js', null);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(response.body).toBe('console.log("relearn")');
  });

  it('answers 404 in the agreed shape for a file it does not have', async () => {
    const response = await withDashboard.get('/assets/missing.js', null);
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: { code: 'not-found' } });
    expect((await withDashboard.get('/assets/..%2Findex.html', null)).statusCode).toBe(404);
  });

  it('has no / route when no dashboard was given', async () => {
    expect((await without.get('/', null)).statusCode).toBe(404);
  });
});
