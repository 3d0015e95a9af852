// Embedded so the built package (dist/) and the container image serve the dashboard
// without copying non-TypeScript files. Edit the text in place: String.raw keeps
// backslashes as written; the text must contain no backtick and no dollar-brace.

/** The dashboard script (a browser ES module, vanilla JS), served at /assets/dashboard.js. */
export const DASHBOARD_JS = String.raw`// The relearn dashboard: reads the HTTP API with the operator's bearer token and redraws
// every few seconds. No framework and no network beyond this server.

const REFRESH_MS = 5000;
// Faster while a training is queued or running, and just after an action, so its job shows up promptly.
const BUSY_REFRESH_MS = 1000;
const BUSY_AFTER_ACTION_MS = 10000;
const TOKEN_KEY = 'relearn.dashboard.token';
const LAG_METRIC = 'relearn_consumer_lag';
const JOB_LIMIT = 200;
const MODEL_LIMIT = 1000;
const DECISION_LIMIT = 40;
const ROWS_PER_STATE = 15;
const KINDS = ['categorizer', 'forecaster', 'anomaly'];
// Active work first: that is what an operator looks for.
const JOB_STATES = ['running', 'queued', 'failed', 'cancelled', 'succeeded'];
// The metric each kind is judged by, in order of preference (anomaly models only have ROC-AUC when labeled fraud was held out).
const MAIN_METRICS = {
  categorizer: [{ name: 'accuracy', label: 'accuracy', better: 'higher' }],
  forecaster: [{ name: 'mae', label: 'MAE', better: 'lower' }],
  anomaly: [
    { name: 'rocAuc', label: 'ROC-AUC', better: 'higher' },
    { name: 'anomalyRate', label: 'anomaly rate', better: 'closer to the contamination' },
  ],
};
const SVG_NS = 'http://www.w3.org/2000/svg';
const PALETTE = ['#1f5fbf', '#d1495b', '#2e8b57', '#8e44ad', '#e07a10', '#00838f', '#6d4c41', '#c2185b', '#5d6d7e', '#7cb342'];

const state = {
  token: readStoredToken(),
  refreshes: 0,
  timer: undefined,
  inFlight: false,
  jobFilter: 'all',
  busyUntil: 0,
  highlightedScope: null,
  data: null,
  signatures: new Map(),
};

// ---------------------------------------------------------------- small helpers

function byId(id) {
  const found = document.getElementById(id);
  if (found === null) throw new Error('dashboard: missing element #' + id);
  return found;
}

/** Creates an element: props become attributes (text sets the text, on* adds a listener); children are nodes or strings. */
function el(tag, props, ...children) {
  const node = document.createElement(tag);
  applyProps(node, props);
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'string' || typeof child === 'number' ? String(child) : child);
  }
  return node;
}

function svg(tag, props, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  applyProps(node, props);
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'string' || typeof child === 'number' ? String(child) : child);
  }
  return node;
}

function applyProps(node, props) {
  if (!props) return;
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'text') node.textContent = String(value);
    else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
}

function readStoredToken() {
  try {
    return localStorage.getItem(TOKEN_KEY) ?? '';
  } catch {
    return '';
  }
}

function storeToken(token) {
  try {
    if (token === '') localStorage.removeItem(TOKEN_KEY);
    else localStorage.setItem(TOKEN_KEY, token);
  } catch {
    // Storage can be disabled; the token then lasts as long as the page.
  }
}

function pad(value) {
  return String(value).padStart(2, '0');
}

/** Times are shown in UTC: the simulation and the servers count in UTC. */
function formatTime(ms) {
  if (ms === null || ms === undefined) return '—';
  const date = new Date(ms);
  return date.getUTCFullYear() + '-' + pad(date.getUTCMonth() + 1) + '-' + pad(date.getUTCDate()) + ' ' + pad(date.getUTCHours()) + ':' + pad(date.getUTCMinutes());
}

function formatDate(ms) {
  const date = new Date(ms);
  return date.getUTCFullYear() + '-' + pad(date.getUTCMonth() + 1) + '-' + pad(date.getUTCDate());
}

function formatDuration(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return Math.round(ms) + ' ms';
  const seconds = ms / 1000;
  if (seconds < 60) return seconds.toFixed(seconds < 10 ? 1 : 0) + ' s';
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return minutes + ' min ' + Math.round(seconds - minutes * 60) + ' s';
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return hours + ' h ' + (minutes - hours * 60) + ' min';
  const days = Math.floor(hours / 24);
  return days + ' d ' + (hours - days * 24) + ' h';
}

function formatNumber(value) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  const magnitude = Math.abs(value);
  if (magnitude >= 100) return value.toFixed(1);
  if (magnitude >= 10) return value.toFixed(2);
  return value.toFixed(3);
}

/** Figures as 'name value' pairs; names ending in Ms are durations. */
function figuresText(record) {
  return Object.entries(record ?? {})
    .map(([name, value]) => (name.endsWith('Ms') ? name.slice(0, -2) + ' ' + formatDuration(value) : name + ' ' + formatNumber(value)))
    .join(' · ');
}

function mainMetricOf(kind, versions) {
  const candidates = MAIN_METRICS[kind] ?? [];
  return candidates.find((metric) => versions.some((version) => typeof version.metrics[metric.name] === 'number')) ?? candidates[0] ?? null;
}

function modelKey(scope, kind) {
  return scope + '|' + kind;
}

/** Re-renders a part only when its data changed, so an idle page does not flicker or lose focus. */
function renderIfChanged(part, value, render) {
  const signature = JSON.stringify(value);
  if (state.signatures.get(part) === signature) return;
  state.signatures.set(part, signature);
  render();
}

// ---------------------------------------------------------------- API access

class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

async function api(path, options = {}) {
  const headers = { accept: 'application/json' };
  if (state.token !== '') headers.authorization = 'Bearer ' + state.token;
  const init = { method: options.method ?? 'GET', headers, cache: 'no-store' };
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  let payload = null;
  try {
    payload = text === '' ? null : JSON.parse(text);
  } catch {
    payload = null;
  }
  if (!response.ok) {
    const error = payload?.error ?? { code: 'http-' + response.status, message: text.slice(0, 200) || response.statusText, field: null };
    throw new ApiError(response.status, error.code, error.message, error.field ?? null);
  }
  return payload;
}

function describeFailure(error, action) {
  if (error instanceof ApiError) {
    if (error.status === 401) return action + ' failed: the token was rejected (401). Enter a valid token above.';
    if (error.status === 403) return action + ' failed: this token is read-only (403). Use a read-write token.';
    const field = error.field ? ' (' + error.field + ')' : '';
    return action + ' failed: ' + error.message + field + ' [' + error.status + ' ' + error.code + ']';
  }
  return action + ' failed: ' + (error instanceof Error ? error.message : String(error));
}

/** Consumer lag comes from the Prometheus text at /metrics, which needs no token. */
async function loadLag() {
  try {
    const response = await fetch('/metrics', { cache: 'no-store' });
    if (!response.ok) return { rows: [], error: '/metrics answered ' + response.status };
    return { rows: parseLag(await response.text()), error: null };
  } catch (error) {
    return { rows: [], error: error instanceof Error ? error.message : String(error) };
  }
}

function parseLag(text) {
  const rows = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(LAG_METRIC + '{') && !line.startsWith(LAG_METRIC + ' ')) continue;
    const match = /^([A-Za-z_:][A-Za-z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (match === null || match[1] !== LAG_METRIC) continue;
    const labels = {};
    for (const label of (match[2] ?? '').matchAll(/([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[label[1]] = label[2].replace(/\\(.)/g, (_, escaped) => (escaped === 'n' ? '\n' : escaped));
    }
    const value = Number(match[3]);
    if (Number.isFinite(value)) rows.push({ labels, value });
  }
  return rows;
}

/** The champion version per (scope, kind), from the scopes listing. */
function championsOf(scopes) {
  const champions = new Map();
  for (const entry of scopes) {
    for (const champion of entry.champions ?? []) {
      if (champion && typeof champion.version === 'number') champions.set(modelKey(entry.scope, champion.kind), champion.version);
    }
  }
  return champions;
}

// ---------------------------------------------------------------- refresh loop

function setStatus(kind, text) {
  const status = byId('refresh-status');
  status.dataset.state = kind;
  status.textContent = text;
}

function showNotice(text) {
  const notice = byId('notice');
  notice.textContent = text;
  notice.hidden = text === '';
}

function refreshInterval() {
  const active = state.data?.jobs.some((job) => job.status === 'queued' || job.status === 'running') ?? false;
  return active || Date.now() < state.busyUntil ? BUSY_REFRESH_MS : REFRESH_MS;
}

function scheduleRefresh() {
  clearTimeout(state.timer);
  state.timer = setTimeout(() => void refresh(), refreshInterval());
}

/** After an action: refresh now and often for a while. */
function refreshSoon() {
  state.busyUntil = Date.now() + BUSY_AFTER_ACTION_MS;
  void refresh();
}

async function refresh() {
  if (state.inFlight) return;
  state.inFlight = true;
  clearTimeout(state.timer);
  try {
    const lag = await loadLag();
    renderIfChanged('lag', lag, () => renderLag(lag));
    if (state.token === '') {
      setStatus('no-token', 'Enter an API token to see jobs, models and decisions.');
      return;
    }
    const [jobs, models, scopes, decisions] = await Promise.all([
      api('/api/v1/jobs?limit=' + JOB_LIMIT),
      api('/api/v1/models?limit=' + MODEL_LIMIT),
      api('/api/v1/scopes?limit=' + MODEL_LIMIT),
      api('/api/v1/decisions?limit=' + DECISION_LIMIT),
    ]);
    state.data = { jobs: jobs.jobs, models: models.models, scopes: scopes.scopes, events: scopes.events, decisions: decisions.decisions };
    renderAll();
    state.refreshes += 1;
    const status = byId('refresh-status');
    status.dataset.refreshes = String(state.refreshes);
    const now = new Date();
    setStatus('ok', 'Updated ' + pad(now.getHours()) + ':' + pad(now.getMinutes()) + ':' + pad(now.getSeconds()) + ' · refreshes every ' + refreshInterval() / 1000 + ' s');
  } catch (error) {
    setStatus(error instanceof ApiError && error.status === 401 ? 'unauthorized' : 'error', describeFailure(error, 'Refresh'));
  } finally {
    state.inFlight = false;
    scheduleRefresh();
  }
}

function renderAll() {
  const data = state.data;
  if (data === null) return;
  const champions = championsOf(data.scopes);
  renderIfChanged('scopes', data.scopes.map((entry) => entry.scope), () => renderScopeOptions(data.scopes));
  renderIfChanged('overview', [data.jobs.map((job) => job.status), data.models.length, [...champions], data.scopes.length, data.events], () => renderOverview(data, champions));
  renderIfChanged('jobs', [data.jobs, state.jobFilter], () => renderJobs(data.jobs));
  renderIfChanged('models', [data.models, [...champions], state.highlightedScope], () => renderModels(data.models, champions));
  renderIfChanged('charts', [data.models, [...champions], state.highlightedScope], () => renderCharts(data.models, champions));
  renderIfChanged('decisions', [data.decisions, data.jobs.map((job) => [job.jobId, job.status, job.result])], () => renderDecisions(data.decisions, data.jobs));
}

// ---------------------------------------------------------------- jobs

function renderScopeOptions(scopes) {
  const options = [...new Set(scopes.map((entry) => entry.scope))].sort().map((scope) => el('option', { value: scope }));
  byId('scope-options').replaceChildren(...options);
}

function jobDuration(job) {
  if (typeof job.durationMs === 'number') return job.durationMs;
  if (job.startedAt !== null && job.finishedAt !== null) return job.finishedAt - job.startedAt;
  return null;
}

function jobOutcome(job) {
  if (job.error) return el('span', { class: 'error-text', title: job.error }, job.error);
  if (job.result) {
    const version = job.result.version === null ? 'no model' : 'v' + job.result.version;
    return el('span', { title: job.result.decision }, el('span', { class: 'badge ' + (job.result.promoted ? 'badge-promoted' : 'badge-rejected') }, version + (job.result.promoted ? ' promoted' : ' rejected')), ' ', el('span', { class: 'metric-list' }, job.result.decision));
  }
  return '';
}

function jobActions(job) {
  if (job.status === 'queued' || job.status === 'running') {
    return el('button', { type: 'button', class: 'small secondary', 'data-testid': 'job-cancel', 'aria-label': 'Cancel job ' + job.jobId, onclick: () => void jobAction(job, 'cancel') }, 'Cancel');
  }
  if (job.status === 'failed' || job.status === 'cancelled') {
    return el('button', { type: 'button', class: 'small secondary', 'data-testid': 'job-retry', 'aria-label': 'Retry job ' + job.jobId, onclick: () => void jobAction(job, 'retry') }, 'Retry');
  }
  return '';
}

async function jobAction(job, action) {
  const result = byId('train-result');
  try {
    await api('/api/v1/jobs/' + encodeURIComponent(job.jobId) + '/' + action, { method: 'POST', body: {} });
    setResult(result, 'ok', (action === 'cancel' ? 'Cancelled ' : 'Retrying ') + job.jobId + '.');
  } catch (error) {
    setResult(result, 'error', describeFailure(error, action === 'cancel' ? 'Cancel' : 'Retry'));
  }
  refreshSoon();
}

function jobRow(job) {
  const sequence = job.jobId.split('/').pop();
  const progress = Math.round((job.progress ?? 0) * 100);
  return el(
    'tr',
    { 'data-testid': 'job-row', 'data-job-id': job.jobId, 'data-status': job.status, 'data-scope': job.scope, 'data-kind': job.kind },
    el('td', { class: 'job-id', title: job.jobId }, job.scope + ' · ' + job.kind + ' ', el('small', null, '#' + sequence), el('br'), el('small', null, job.request?.reason ?? '')),
    el('td', null, el('span', { class: 'badge badge-' + job.status, 'data-testid': 'job-status' }, job.status)),
    el('td', { 'data-testid': 'job-stage' }, job.stage || '—'),
    el('td', null, el('div', { class: 'progress' }, el('progress', { max: '100', value: String(progress), 'aria-label': 'Progress of ' + job.jobId }), progress + '%')),
    el('td', { class: 'num' }, job.attempts + '/' + job.maxAttempts),
    el('td', { class: 'nowrap' }, formatTime(job.createdAt)),
    el('td', { class: 'num', 'data-testid': 'job-duration' }, formatDuration(jobDuration(job))),
    el('td', null, jobOutcome(job)),
    el('td', null, jobActions(job)),
  );
}

function renderJobs(jobs) {
  const counts = Object.fromEntries(JOB_STATES.map((status) => [status, 0]));
  for (const job of jobs) counts[job.status] = (counts[job.status] ?? 0) + 1;
  const chip = (value, label, count) =>
    el(
      'button',
      {
        type: 'button',
        class: 'chip',
        'aria-pressed': String(state.jobFilter === value),
        'data-testid': 'job-filter-' + value,
        'data-count': String(count),
        onclick: () => {
          state.jobFilter = value;
          renderAll();
        },
      },
      label + ' ' + count,
    );
  byId('job-state-filter').replaceChildren(chip('all', 'all', jobs.length), ...JOB_STATES.map((status) => chip(status, status, counts[status])));

  const table = byId('jobs-table');
  const bodies = [];
  for (const status of JOB_STATES) {
    if (state.jobFilter !== 'all' && state.jobFilter !== status) continue;
    const inState = jobs.filter((job) => job.status === status);
    if (inState.length === 0) continue;
    const shown = state.jobFilter === 'all' ? inState.slice(0, ROWS_PER_STATE) : inState;
    const more = inState.length - shown.length;
    bodies.push(
      el(
        'tbody',
        { 'data-testid': 'job-group', 'data-status': status },
        el('tr', { class: 'group-row' }, el('th', { colspan: '9', scope: 'rowgroup' }, status + ' · ' + inState.length + (more > 0 ? ' (newest ' + shown.length + ' shown)' : ''))),
        shown.map(jobRow),
      ),
    );
  }
  if (bodies.length === 0) bodies.push(el('tbody', null, el('tr', null, el('td', { colspan: '9', class: 'empty' }, jobs.length === 0 ? 'No training jobs yet.' : 'No jobs in this state.'))));
  for (const body of table.querySelectorAll('tbody')) body.remove();
  table.append(...bodies);
}

// ---------------------------------------------------------------- models

function groupModels(models) {
  const groups = new Map();
  for (const version of models) {
    const key = modelKey(version.scope, version.kind);
    let group = groups.get(key);
    if (group === undefined) {
      group = { scope: version.scope, kind: version.kind, versions: [] };
      groups.set(key, group);
    }
    group.versions.push(version);
  }
  for (const group of groups.values()) group.versions.sort((a, b) => a.version - b.version);
  return [...groups.values()].sort((a, b) => (a.scope === b.scope ? KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind) : a.scope < b.scope ? -1 : 1));
}

async function rollback(group, championVersion) {
  const result = byId('models-result');
  if (!window.confirm('Roll back ' + group.scope + ' ' + group.kind + ' from champion v' + championVersion + ' to the previous champion?')) return;
  try {
    const answer = await api('/api/v1/models/' + encodeURIComponent(group.scope) + '/' + encodeURIComponent(group.kind) + '/rollback', { method: 'POST', body: {} });
    setResult(result, 'ok', 'Rolled back ' + group.scope + ' ' + group.kind + ' from v' + answer.from + ' to v' + answer.to + '.');
  } catch (error) {
    setResult(result, 'error', describeFailure(error, 'Roll back'));
  }
  refreshSoon();
}

function highlight(scope) {
  state.highlightedScope = state.highlightedScope === scope ? null : scope;
  renderAll();
}

function renderModels(models, champions) {
  const groups = groupModels(models);
  const scopes = new Set(groups.map((group) => group.scope));
  byId('models-summary').textContent = groups.length === 0 ? '' : groups.length + ' models in ' + scopes.size + ' scopes, ' + models.length + ' versions' + (models.length >= MODEL_LIMIT ? ' (the newest ' + MODEL_LIMIT + ')' : '');
  const rows = groups.map((group) => {
    const championVersion = champions.get(modelKey(group.scope, group.kind)) ?? null;
    const champion = group.versions.find((version) => version.version === championVersion) ?? null;
    const latest = group.versions[group.versions.length - 1];
    const metric = mainMetricOf(group.kind, group.versions);
    const shownVersion = champion ?? latest;
    const mainValue = metric === null ? undefined : shownVersion.metrics[metric.name];
    const others = Object.fromEntries(Object.entries(shownVersion.metrics).filter(([name]) => metric === null || name !== metric.name));
    const latestIsChampion = championVersion !== null && latest.version === championVersion;
    return el(
      'tr',
      {
        'data-testid': 'model-row',
        'data-scope': group.scope,
        'data-kind': group.kind,
        'data-champion-version': championVersion === null ? '' : String(championVersion),
        'data-latest-version': String(latest.version),
        'data-versions': String(group.versions.length),
        class: state.highlightedScope === group.scope ? 'highlighted' : null,
      },
      el('td', null, el('button', { type: 'button', class: 'scope-button', 'aria-pressed': String(state.highlightedScope === group.scope), title: 'Highlight in the charts', onclick: () => highlight(group.scope) }, group.scope)),
      el('td', null, group.kind),
      el('td', { 'data-testid': 'model-champion' }, championVersion === null ? el('span', { class: 'badge' }, 'none') : el('span', { class: 'badge badge-champion' }, 'champion v' + championVersion)),
      el(
        'td',
        { class: 'nowrap', 'data-testid': 'model-latest' },
        latestIsChampion ? 'v' + latest.version : el('span', { title: latest.decision }, 'v' + latest.version + ' ', el('span', { class: 'badge ' + (latest.promoted ? 'badge-promoted' : 'badge-rejected') }, latest.promoted ? 'was promoted' : 'rejected')),
        el('br'),
        el('small', { class: 'metric-list' }, group.versions.length + (group.versions.length === 1 ? ' version' : ' versions')),
      ),
      el('td', { class: 'metric-main', 'data-testid': 'model-main-metric' }, metric === null || mainValue === undefined ? '—' : metric.label + ' ' + formatNumber(mainValue)),
      el('td', { class: 'metric-list' }, figuresText(others)),
      el('td', { class: 'nowrap' }, formatTime(shownVersion.trainedAt), el('br'), el('small', { class: 'metric-list' }, shownVersion.engine + ' · ' + shownVersion.mode)),
      el(
        'td',
        null,
        el(
          'button',
          {
            type: 'button',
            class: 'small danger',
            'data-testid': 'model-rollback',
            'aria-label': 'Roll back ' + group.scope + ' ' + group.kind,
            disabled: championVersion === null || group.versions.filter((version) => version.promoted).length < 2,
            title: 'Make the previous champion the champion again',
            onclick: () => void rollback(group, championVersion),
          },
          'Roll back',
        ),
      ),
    );
  });
  const body = byId('models-table').querySelector('tbody');
  body.replaceChildren(...(rows.length > 0 ? rows : [el('tr', null, el('td', { colspan: '8', class: 'empty' }, 'No models trained yet.'))]));
}

// ---------------------------------------------------------------- charts

/** Round tick values across [min, max], and how many decimals show them all alike. */
function niceTicks(min, max, count) {
  const span = max - min || Math.abs(max) || 1;
  const rough = span / count;
  const power = Math.pow(10, Math.floor(Math.log10(rough)));
  const step = [1, 2, 2.5, 5, 10].map((factor) => factor * power).find((candidate) => span / candidate <= count) ?? rough;
  const values = [];
  for (let tick = Math.ceil(min / step) * step; tick <= max + step * 1e-9; tick += step) values.push(Number(tick.toPrecision(12)));
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9) + (String(step / power).includes('.') ? 1 : 0));
  return { values, decimals };
}

function chartFor(kind, groups, champions, colours) {
  const metric = mainMetricOf(kind, groups.flatMap((group) => group.versions));
  if (metric === null) return null;
  const points = groups.flatMap((group) => group.versions.filter((version) => typeof version.metrics[metric.name] === 'number'));
  if (points.length === 0) return null;

  const width = 560;
  const height = 240;
  const margin = { left: 52, right: 16, top: 12, bottom: 30 };
  let xMin = Math.min(...points.map((point) => point.trainedAt));
  let xMax = Math.max(...points.map((point) => point.trainedAt));
  if (xMax - xMin < 3_600_000) {
    xMin -= 43_200_000;
    xMax += 43_200_000;
  }
  const values = points.map((point) => point.metrics[metric.name]);
  let yMin = Math.min(...values);
  let yMax = Math.max(...values);
  const padding = (yMax - yMin) * 0.08 || Math.abs(yMax) * 0.05 || 0.05;
  yMin -= padding;
  yMax += padding;
  const x = (time) => margin.left + ((time - xMin) / (xMax - xMin)) * (width - margin.left - margin.right);
  const y = (value) => height - margin.bottom - ((value - yMin) / (yMax - yMin)) * (height - margin.top - margin.bottom);

  const grid = svg('g', { class: 'grid' });
  const axis = svg('g', { class: 'axis' });
  const valueTicks = niceTicks(yMin, yMax, 5);
  for (const tick of valueTicks.values) {
    grid.append(svg('line', { x1: margin.left, x2: width - margin.right, y1: y(tick), y2: y(tick) }));
    axis.append(svg('text', { x: margin.left - 6, y: y(tick) + 4, 'text-anchor': 'end' }, tick.toFixed(valueTicks.decimals)));
  }
  const dayMs = 86_400_000;
  const timeTicks = niceTicks(xMin / dayMs, xMax / dayMs, 4).values.map((day) => day * dayMs);
  for (const tick of timeTicks) {
    if (tick < xMin || tick > xMax) continue;
    grid.append(svg('line', { x1: x(tick), x2: x(tick), y1: margin.top, y2: height - margin.bottom }));
    axis.append(svg('text', { x: x(tick), y: height - margin.bottom + 16, 'text-anchor': 'middle' }, formatDate(tick)));
  }
  axis.append(svg('line', { x1: margin.left, x2: width - margin.right, y1: height - margin.bottom, y2: height - margin.bottom, stroke: '#9aa5b1' }));

  const series = groups.map((group) => {
    const colour = colours.get(group.scope);
    const championVersion = champions.get(modelKey(group.scope, group.kind));
    const versions = group.versions.filter((version) => typeof version.metrics[metric.name] === 'number');
    const dimmed = state.highlightedScope !== null && state.highlightedScope !== group.scope;
    return svg(
      'g',
      { class: 'series' + (dimmed ? ' dimmed' : ''), 'data-scope': group.scope, 'data-points': String(versions.length) },
      svg('polyline', { points: versions.map((version) => x(version.trainedAt).toFixed(1) + ',' + y(version.metrics[metric.name]).toFixed(1)).join(' '), stroke: colour }),
      versions.map((version) => {
        const isChampion = version.version === championVersion;
        const label = group.scope + ' ' + group.kind + ' v' + version.version + ': ' + metric.label + ' ' + formatNumber(version.metrics[metric.name]) + ' · ' + formatTime(version.trainedAt) + ' · ' + (isChampion ? 'champion' : version.promoted ? 'was promoted' : 'rejected: ' + version.decision);
        return svg(
          'circle',
          {
            cx: x(version.trainedAt).toFixed(1),
            cy: y(version.metrics[metric.name]).toFixed(1),
            r: isChampion ? 5.5 : 3.5,
            fill: version.promoted ? colour : '#ffffff',
            stroke: isChampion ? '#16212d' : colour,
            'stroke-width': isChampion ? 2.5 : 1.5,
            'data-version': String(version.version),
          },
          svg('title', null, label),
        );
      }),
    );
  });

  const caption = el('figcaption', null, kind + ' · ' + metric.label + ' ', el('small', null, '(' + metric.better + ' is better; ' + points.length + ' versions of ' + groups.length + ' models)'));
  const description = kind + ' models: ' + metric.label + ' of each version against the time it was trained, ' + groups.length + ' scopes.';
  const chart = svg('svg', { viewBox: '0 0 ' + width + ' ' + height, role: 'img', 'aria-label': description, 'data-testid': 'metric-chart', 'data-kind': kind, 'data-metric': metric.name }, grid, axis, series);
  const legend = el(
    'ul',
    { class: 'legend' },
    groups.map((group) =>
      el(
        'li',
        null,
        el('button', { type: 'button', 'aria-pressed': String(state.highlightedScope === group.scope), onclick: () => highlight(group.scope) }, el('span', { class: 'swatch', style: 'background:' + colours.get(group.scope), 'aria-hidden': 'true' }), group.scope),
      ),
    ),
  );
  return el('figure', { class: 'chart' }, caption, chart, legend);
}

function renderCharts(models, champions) {
  const groups = groupModels(models);
  const scopes = [...new Set(groups.map((group) => group.scope))].sort();
  const colours = new Map(scopes.map((scope, index) => [scope, PALETTE[index % PALETTE.length]]));
  const charts = KINDS.map((kind) => chartFor(kind, groups.filter((group) => group.kind === kind), champions, colours)).filter((chart) => chart !== null);
  byId('metric-charts').replaceChildren(...(charts.length > 0 ? charts : [el('p', { class: 'panel-summary' }, 'No model versions yet.')]));
}

// ---------------------------------------------------------------- decisions

function renderDecisions(decisions, jobs) {
  const jobsById = new Map(jobs.map((job) => [job.jobId, job]));
  const items = decisions.map((decision) => {
    const job = jobsById.get(decision.decisionId);
    const figures = [];
    const counts = figuresText(decision.counts);
    if (counts !== '') figures.push(el('span', null, counts));
    if (decision.metric) figures.push(el('span', null, el('strong', null, decision.metric.name + ' ' + formatNumber(decision.metric.value)), ' vs threshold ' + formatNumber(decision.metric.threshold)));
    figures.push(el('span', null, decision.sinceLastTrainingMs === null ? 'first training' : formatDuration(decision.sinceLastTrainingMs) + ' since the last training'));
    if (decision.lookbackDays !== null) figures.push(el('span', null, 'look-back ' + decision.lookbackDays + ' d'));
    figures.push(el('span', null, decision.publishedAt === null ? 'not published yet' : 'published ' + formatTime(decision.publishedAt)));
    return el(
      'li',
      { 'data-testid': 'decision', 'data-decision-id': decision.decisionId, 'data-reason': decision.reason },
      el(
        'div',
        { class: 'decision-head' },
        el('strong', null, decision.scope),
        el('span', null, decision.kind),
        el('span', { class: 'badge badge-' + decision.reason, 'data-testid': 'decision-reason' }, decision.reason),
        job === undefined ? null : el('span', { class: 'badge decision-job badge-' + job.status, title: 'the training job ' + job.jobId }, 'job ' + job.status + (job.result?.version ? ' · v' + job.result.version : '')),
      ),
      el(
        'p',
        { class: 'decision-figures' },
        el('time', { datetime: new Date(decision.decidedAt).toISOString() }, formatTime(decision.decidedAt)),
        ' · ' + decision.mode + (decision.force ? ' · forced' : ''),
        figures.flatMap((figure) => [' · ', figure]),
      ),
    );
  });
  byId('decisions-list').replaceChildren(...(items.length > 0 ? items : [el('li', { class: 'panel-summary' }, 'No decisions yet.')]));
}

// ---------------------------------------------------------------- lag

/** One row per consumer group and topic: partitions are many and mostly alike; the worst one is what matters. */
function renderLag(lag) {
  const summary = byId('lag-summary');
  const body = byId('lag-table').querySelector('tbody');
  if (lag.rows.length === 0) {
    summary.textContent = lag.error === null ? 'This process exports no ' + LAG_METRIC + ' samples (no consumers run here).' : 'Could not read /metrics: ' + lag.error;
    body.replaceChildren();
    return;
  }
  const groups = new Map();
  for (const row of lag.rows) {
    const key = (row.labels.group ?? '') + '|' + (row.labels.topic ?? '');
    const entry = groups.get(key) ?? { group: row.labels.group ?? '', topic: row.labels.topic ?? '', partitions: 0, max: 0, total: 0 };
    entry.partitions += 1;
    entry.max = Math.max(entry.max, row.value);
    entry.total += row.value;
    groups.set(key, entry);
  }
  const rows = [...groups.values()].sort((a, b) => b.total - a.total || (a.group + a.topic).localeCompare(b.group + b.topic));
  const total = rows.reduce((sum, row) => sum + row.total, 0);
  summary.textContent = 'Total lag ' + formatNumber(total) + (total === 1 ? ' record' : ' records') + ' over ' + lag.rows.length + ' partitions of ' + rows.length + ' group topics.';
  body.replaceChildren(
    ...rows.map((row) =>
      el(
        'tr',
        { 'data-testid': 'lag-row', 'data-group': row.group, 'data-topic': row.topic, 'data-partitions': String(row.partitions), 'data-lag': String(row.total) },
        el('td', null, row.group),
        el('td', null, row.topic),
        el('td', { class: 'num' }, String(row.partitions)),
        el('td', { class: 'num' }, formatNumber(row.max)),
        el('td', { class: 'num' + (row.total > 0 ? ' lagging' : '') }, formatNumber(row.total)),
      ),
    ),
  );
}

// ---------------------------------------------------------------- overview

function renderOverview(data, champions) {
  const active = data.jobs.filter((job) => job.status === 'running' || job.status === 'queued').length;
  const failed = data.jobs.filter((job) => job.status === 'failed').length;
  const models = new Set(data.models.map((version) => modelKey(version.scope, version.kind)));
  const events = data.events ?? {};
  const tiles = [
    ['scopes', 'Scopes', data.scopes.length, null],
    ['models', 'Models', models.size, champions.size + ' with a champion'],
    ['versions', 'Versions', data.models.length, data.models.filter((version) => !version.promoted).length + ' rejected by the gate'],
    ['active-jobs', 'Jobs running or queued', active, failed + ' failed of the latest ' + data.jobs.length],
    ['transactions', 'Transactions stored', events.transactions ?? 0, formatNumber(events.labels ?? 0) + ' labels'],
    ['expenses', 'Expenses stored', events.expenses ?? 0, formatNumber(events.sheets ?? 0) + ' sheets'],
  ];
  byId('overview').replaceChildren(
    ...tiles.map(([id, label, value, detail]) =>
      el('div', { class: 'tile', 'data-testid': 'overview-' + id, 'data-value': String(value) }, el('dt', null, label), el('dd', null, el('span', { class: 'tile-value' }, formatNumber(value)), detail === null ? null : el('small', null, detail))),
    ),
  );
}

// ---------------------------------------------------------------- forms

function setResult(node, kind, text) {
  node.dataset.state = kind;
  node.textContent = text;
}

async function requestTraining(event) {
  event.preventDefault();
  const result = byId('train-result');
  const scope = byId('train-scope').value.trim();
  const kind = byId('train-kind').value;
  const body = { scope };
  if (kind !== '') body.kind = kind;
  if (byId('train-force').checked) body.force = true;
  const button = byId('train-submit');
  button.disabled = true;
  setResult(result, 'pending', 'Requesting a training for ' + scope + '…');
  try {
    const answer = await api('/api/v1/trainings', { method: 'POST', body });
    const lines = (answer.requests ?? []).map((request) => request.scope + ' ' + request.kind + ': ' + request.outcome + (request.decisionId ? ' as ' + request.decisionId : '') + (request.reason ? ' (' + request.reason + ')' : ''));
    setResult(result, 'ok', lines.join('; ') || 'Nothing to train.');
    result.dataset.decisionIds = (answer.requests ?? []).map((request) => request.decisionId).filter(Boolean).join(' ');
  } catch (error) {
    setResult(result, 'error', describeFailure(error, 'Training request'));
  } finally {
    button.disabled = false;
  }
  refreshSoon();
}

function useToken(event) {
  event.preventDefault();
  const input = byId('token-input');
  state.token = input.value.trim();
  storeToken(state.token);
  input.value = '';
  input.placeholder = state.token === '' ? 'Bearer token' : 'saved; type to replace';
  showNotice('');
  void refresh();
}

function forgetToken() {
  state.token = '';
  storeToken('');
  state.data = null;
  state.signatures.clear();
  byId('token-input').placeholder = 'Bearer token';
  showNotice('The token was removed from this browser.');
  void refresh();
}

function start() {
  byId('token-form').addEventListener('submit', useToken);
  byId('token-clear').addEventListener('click', forgetToken);
  byId('refresh-now').addEventListener('click', () => void refresh());
  byId('train-form').addEventListener('submit', (event) => void requestTraining(event));
  if (state.token !== '') byId('token-input').placeholder = 'saved; type to replace';
  void refresh();
}

start();
`;
