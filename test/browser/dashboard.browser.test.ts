import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiToken } from '../../src/api/bearer-auth.js';
import { buildApiServer } from '../../src/api/build-api-server.js';
import { runEmbedded, type EmbeddedRunResult } from '../../src/app/embedded-run.js';
import { RelearnSystem } from '../../src/app/relearn-system.js';
import { TrainingControl } from '../../src/app/training-control.js';
import { dashboardAssets } from '../../src/dashboard/dashboard-assets.js';
import type { Decision } from '../../src/domain/decision.js';
import { MODEL_KINDS } from '../../src/domain/model-kind.js';
import { RelearnMetrics } from '../../src/metrics/relearn-metrics.js';
import type { Clock } from '../../src/ports/clock.js';
import type { JobStatus, TrainingJob } from '../../src/ports/job-queue.js';
import type { ModelVersion } from '../../src/ports/model-registry.js';
import { resolveSimulationOptions } from '../../src/simulate/index.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
const OUTPUT_DIR = fileURLToPath(new URL('./output/', import.meta.url));
const SCREENSHOT = `${OUTPUT_DIR}dashboard.png`;
const READ_WRITE: ApiToken = { token: 'browser-test-read-write', access: 'read-write' };
const READ_ONLY: ApiToken = { token: 'browser-test-read-only', access: 'read' };
const JOB_STATES: readonly JobStatus[] = ['running', 'queued', 'failed', 'cancelled', 'succeeded'];
// What the page asks for (dashboard-js.ts): the test asks the API for the same windows.
const JOB_LIMIT = 200;
const MODEL_LIMIT = 1000;
const DECISION_LIMIT = 40;
const CHART_METRICS: Record<string, readonly string[]> = { categorizer: ['accuracy'], forecaster: ['mae'], anomaly: ['rocAuc', 'anomalyRate'] };

// A short simulation with every model kind trained (the forecaster needs ten weeks): 3 users, 1 organisation.
const simulation = resolveSimulationOptions({ users: 3, orgs: 1, days: 70, seed: 11, invalidRate: 0.01 });

let run: EmbeddedRunResult;
let system: RelearnSystem;
let metrics: RelearnMetrics;
let app: FastifyInstance;
let baseUrl: string;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

async function apiGet<T>(path: string): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${READ_WRITE.token}` } });
  if (!response.ok) throw new Error(`GET ${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

/** What the test reads of an element in the page (the test is compiled without the DOM types). */
interface AttributeReader {
  getAttribute(name: string): string | null;
}

/** The named attributes of every element matching the selector, in document order. */
function attributesOf<Name extends string>(selector: string, names: readonly Name[]): Promise<Record<Name, string>[]> {
  return page.$$eval(
    selector,
    (elements: AttributeReader[], wanted: readonly string[]) => elements.map((element) => Object.fromEntries(wanted.map((name) => [name, element.getAttribute(name) ?? '']))),
    names,
  ) as Promise<Record<Name, string>[]>;
}

/** Waits for the page to finish one more refresh than it had when called. */
async function nextRefresh(): Promise<void> {
  const seen = Number(await page.getAttribute('#refresh-status', 'data-refreshes'));
  await page.waitForFunction(`Number(document.querySelector('#refresh-status').getAttribute('data-refreshes')) > ${seen}`);
}

beforeAll(async () => {
  // Fail, never skip: CI must install the browser with the project's own script.
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run 'bash scripts/chromium.sh' first`);
  mkdirSync(OUTPUT_DIR, { recursive: true });

  run = await runEmbedded(simulation);
  // A live process on the stores the run left behind: trainer and ingest roles, so a
  // training requested from the page is decided, published, queued and trained. Its
  // clock goes on from the simulation's end at wall-clock pace, so new jobs take time.
  const simulationEnd = run.ports.clock.now();
  const wallStart = Date.now();
  const clock: Clock = { now: () => simulationEnd + (Date.now() - wallStart) };
  const ports = { ...run.ports, clock };
  system = new RelearnSystem(ports, run.config, { roles: new Set(['ingest', 'trainer']), owner: 'browser-test', trainingWaitMs: 120_000, jobPollMs: 0 });
  metrics = new RelearnMetrics({ jobs: run.ports.jobs, registry: run.ports.registry, lagProbe: run.ports.bus, defaultMetrics: false });
  metrics.observe(system);
  await system.start();
  const { counters, outbox, jobs, registry, store } = ports;
  app = buildApiServer({
    counters,
    outbox,
    jobs,
    registry,
    store,
    clock,
    control: new TrainingControl({ decider: system.decider, counters, registry, clock }),
    rollback: system.rollback,
    readiness: () => Promise.resolve({ ready: true, checks: {} }),
    tokens: [READ_WRITE, READ_ONLY],
    metrics,
    engines: run.config.engines,
    dashboard: { files: dashboardAssets() },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
  // A 4xx the page asked for (the read-only token's 403) is logged by the browser as a failed resource: not a script error.
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) pageErrors.push(`console: ${message.text()}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 500 || (response.status() === 404 && response.request().method() === 'GET')) pageErrors.push(`${response.status()} ${response.url()}`);
  });
  // Nothing but this server: the dashboard must work with no network.
  await page.route('**/*', (route) => {
    if (route.request().url().startsWith(`${baseUrl}/`)) return route.continue();
    pageErrors.push(`network: ${route.request().url()}`);
    return route.abort();
  });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await system?.stop();
  metrics?.close();
});

describe('the dashboard', () => {
  it('asks for a token, then shows the jobs, models, decisions and lag the API returns', async () => {
    await page.goto(baseUrl);
    await page.waitForSelector('#refresh-status[data-state="no-token"]');
    await page.fill('#token-input', READ_WRITE.token);
    await page.click('#token-save');
    await page.waitForSelector('#refresh-status[data-state="ok"]');

    const [{ jobs }, { models }, { decisions }, { scopes }, metricsText] = await Promise.all([
      apiGet<{ jobs: TrainingJob[] }>(`/api/v1/jobs?limit=${JOB_LIMIT}`),
      apiGet<{ models: ModelVersion[] }>(`/api/v1/models?limit=${MODEL_LIMIT}`),
      apiGet<{ decisions: Decision[] }>(`/api/v1/decisions?limit=${DECISION_LIMIT}`),
      apiGet<{ scopes: unknown[] }>(`/api/v1/scopes?limit=${MODEL_LIMIT}`),
      fetch(`${baseUrl}/metrics`).then((response) => response.text()),
    ]);
    expect(jobs.length).toBeGreaterThan(0);
    expect(decisions.length).toBeGreaterThan(0);

    // Jobs: the count per state, and every job of a state when that state is picked.
    for (const status of JOB_STATES) {
      const expected = jobs.filter((job) => job.status === status);
      expect(await page.getAttribute(`[data-testid="job-filter-${status}"]`, 'data-count'), status).toBe(String(expected.length));
      if (expected.length === 0) continue;
      await page.click(`[data-testid="job-filter-${status}"]`);
      const shown = await attributesOf('[data-testid="job-row"]', ['data-job-id', 'data-status']);
      expect(shown, status).toEqual(expected.map((job) => ({ 'data-job-id': job.jobId, 'data-status': job.status })));
    }
    await page.click('[data-testid="job-filter-all"]');

    // Models: one row per (scope, kind) with the champion the model route names.
    const byModel = new Map<string, ModelVersion[]>();
    for (const version of models) byModel.set(`${version.scope}|${version.kind}`, [...(byModel.get(`${version.scope}|${version.kind}`) ?? []), version]);
    const expectedRows = await Promise.all(
      [...byModel.values()].map(async (versions) => {
        const { scope, kind } = versions[0] as ModelVersion;
        const { champion } = await apiGet<{ champion: ModelVersion | null }>(`/api/v1/models/${encodeURIComponent(scope)}/${kind}`);
        return { scope, kind, champion: champion === null ? '' : String(champion.version), latest: String(Math.max(...versions.map((version) => version.version))), versions: String(versions.length) };
      }),
    );
    const shownRows = (await attributesOf('[data-testid="model-row"]', ['data-scope', 'data-kind', 'data-champion-version', 'data-latest-version', 'data-versions'])).map((row) => ({
      scope: row['data-scope'],
      kind: row['data-kind'],
      champion: row['data-champion-version'],
      latest: row['data-latest-version'],
      versions: row['data-versions'],
    }));
    const order = (row: { scope: string; kind: string }) => `${row.scope}|${MODEL_KINDS.indexOf(row.kind as never)}`;
    expect(shownRows.sort((a, b) => order(a).localeCompare(order(b)))).toEqual(expectedRows.sort((a, b) => order(a).localeCompare(order(b))));
    expect(new Set(expectedRows.map((row) => row.kind))).toEqual(new Set(MODEL_KINDS));
    const categorizerRow = expectedRows.find((row) => row.kind === 'categorizer' && row.champion !== '');
    expect(categorizerRow).toBeDefined();
    if (categorizerRow !== undefined) {
      const champion = models.find((version) => version.scope === categorizerRow.scope && version.kind === 'categorizer' && String(version.version) === categorizerRow.champion);
      const cell = await page.textContent(`[data-testid="model-row"][data-scope="${categorizerRow.scope}"][data-kind="categorizer"] [data-testid="model-main-metric"]`);
      expect(cell).toBe(`accuracy ${champion?.metrics.accuracy?.toFixed(3)}`);
    }

    // Charts: one point per version that has the kind's main metric.
    for (const kind of MODEL_KINDS) {
      const versions = models.filter((version) => version.kind === kind);
      const metric = CHART_METRICS[kind]?.find((name) => versions.some((version) => version.metrics[name] !== undefined));
      expect(metric, kind).toBeDefined();
      const points = versions.filter((version) => metric !== undefined && version.metrics[metric] !== undefined).length;
      expect(await page.locator(`svg[data-testid="metric-chart"][data-kind="${kind}"] circle`).count(), kind).toBe(points);
    }

    // Decisions: the newest first, with their reasons.
    const shownDecisions = await attributesOf('[data-testid="decision"]', ['data-decision-id', 'data-reason']);
    expect(shownDecisions).toEqual(decisions.map((decision) => ({ 'data-decision-id': decision.decisionId, 'data-reason': decision.reason })));

    // Consumer lag: the relearn_consumer_lag samples on /metrics, summed per group and topic.
    const samples = metricsText.split('\n').filter((line) => line.startsWith('relearn_consumer_lag{'));
    expect(samples.length).toBeGreaterThan(0);
    const lagRows = await attributesOf('[data-testid="lag-row"]', ['data-partitions', 'data-lag']);
    expect(lagRows.reduce((sum, row) => sum + Number(row['data-partitions']), 0)).toBe(samples.length);
    expect(lagRows.reduce((sum, row) => sum + Number(row['data-lag']), 0)).toBe(samples.reduce((sum, line) => sum + Number(line.split(' ').pop()), 0));

    // Overview: the same totals.
    expect(await page.getAttribute('[data-testid="overview-versions"]', 'data-value')).toBe(String(models.length));
    expect(await page.getAttribute('[data-testid="overview-scopes"]', 'data-value')).toBe(String(scopes.length));
  });

  it('requests a training with the Train button and shows its job until it succeeds', async () => {
    const { models } = await apiGet<{ models: ModelVersion[] }>(`/api/v1/models?limit=${MODEL_LIMIT}`);
    const scope = models.find((version) => version.kind === 'categorizer')?.scope;
    expect(scope).toBeDefined();
    if (scope === undefined) return;
    const versionsBefore = models.filter((version) => version.scope === scope && version.kind === 'categorizer').length;

    await page.fill('#train-scope', scope);
    await page.selectOption('#train-kind', 'categorizer');
    await page.check('#train-force');
    await page.click('#train-submit');
    await page.waitForSelector('#train-result[data-state="ok"]');
    const decisionId = await page.getAttribute('#train-result', 'data-decision-ids');
    expect(decisionId).toMatch(new RegExp(`^${scope}/categorizer/\\d+$`));

    const row = `[data-testid="job-row"][data-job-id="${decisionId}"]`;
    await page.waitForSelector(row);
    await page.waitForSelector(`${row}[data-status="succeeded"]`, { timeout: 120_000 });
    const job = await apiGet<TrainingJob>(`/api/v1/jobs/${encodeURIComponent(decisionId ?? '')}`);
    expect(job.status).toBe('succeeded');
    expect(job.request.reason).toBe('manual');
    await page.waitForSelector(`[data-testid="decision"][data-decision-id="${decisionId}"][data-reason="manual"]`);
    await page.waitForSelector(`[data-testid="model-row"][data-scope="${scope}"][data-kind="categorizer"][data-versions="${versionsBefore + 1}"]`);
    await nextRefresh();

    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
  });

  it('tells a read-only token it cannot train', async () => {
    await page.fill('#token-input', READ_ONLY.token);
    await page.click('#token-save');
    await nextRefresh();
    await page.click('#train-submit');
    await page.waitForSelector('#train-result[data-state="error"]');
    expect(await page.textContent('#train-result')).toContain('read-only (403)');
  });

  it('raised no script errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
