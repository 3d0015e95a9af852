// Embedded so the built package (dist/) and the container image serve the dashboard
// without copying non-TypeScript files. Edit the text in place: String.raw keeps
// backslashes as written; the text must contain no backtick and no dollar-brace.

/** The dashboard page served at /. It loads only /assets/dashboard.css and /assets/dashboard.js. */
export const DASHBOARD_HTML = String.raw`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>relearn · dashboard</title>
<link rel="stylesheet" href="/assets/dashboard.css">
<script type="module" src="/assets/dashboard.js"></script>
</head>
<body>
<header class="topbar">
  <div class="brand">
    <h1>relearn</h1>
    <p class="tagline">continuous-learning models, live</p>
  </div>
  <p id="refresh-status" class="refresh-status" role="status" aria-live="polite" data-testid="refresh-status" data-state="starting" data-refreshes="0">Starting…</p>
  <form id="token-form" class="token-form" autocomplete="off">
    <label for="token-input">API token</label>
    <input id="token-input" name="token" type="password" spellcheck="false" placeholder="Bearer token" data-testid="token-input">
    <button id="token-save" type="submit" data-testid="token-save">Use token</button>
    <button id="token-clear" type="button" class="secondary" data-testid="token-clear">Forget</button>
    <button id="refresh-now" type="button" class="secondary" data-testid="refresh-now" aria-label="Refresh now">Refresh</button>
  </form>
</header>

<p id="notice" class="notice" role="status" aria-live="polite" data-testid="notice" hidden></p>

<main class="layout">
  <section id="overview-panel" class="panel panel-overview" aria-labelledby="overview-heading">
    <h2 id="overview-heading">Overview</h2>
    <dl id="overview" class="overview" data-testid="overview"></dl>
  </section>

  <section id="lag-panel" class="panel panel-lag" aria-labelledby="lag-heading">
    <h2 id="lag-heading">Consumer lag</h2>
    <p id="lag-summary" class="panel-summary" data-testid="lag-summary">Reading /metrics…</p>
    <div class="scroll scroll-short">
      <table id="lag-table" class="data-table" data-testid="lag-table">
        <thead>
          <tr>
            <th scope="col">Group</th>
            <th scope="col">Topic</th>
            <th scope="col" class="num">Partitions</th>
            <th scope="col" class="num">Max</th>
            <th scope="col" class="num">Lag</th>
          </tr>
        </thead>
        <tbody></tbody>
      </table>
    </div>
  </section>

  <section id="jobs-panel" class="panel panel-jobs" aria-labelledby="jobs-heading">
    <h2 id="jobs-heading">Training jobs</h2>
    <div id="train-panel" class="train-block" role="group" aria-labelledby="train-heading">
      <h3 id="train-heading">Request a training</h3>
      <form id="train-form" class="train-form" data-testid="train-form">
        <div class="field">
          <label for="train-scope">Scope</label>
          <input id="train-scope" name="scope" list="scope-options" required pattern="(user|org):.+" placeholder="user:u-0001" spellcheck="false" data-testid="train-scope">
          <datalist id="scope-options"></datalist>
        </div>
        <div class="field">
          <label for="train-kind">Kind</label>
          <select id="train-kind" name="kind" data-testid="train-kind">
            <option value="">every kind of the scope</option>
            <option value="categorizer">categorizer</option>
            <option value="forecaster">forecaster</option>
            <option value="anomaly">anomaly</option>
          </select>
        </div>
        <div class="field field-check">
          <input id="train-force" name="force" type="checkbox" data-testid="train-force">
          <label for="train-force">Force (ignore the policy thresholds)</label>
        </div>
        <button id="train-submit" type="submit" data-testid="train-submit">Train</button>
        <p id="train-result" class="action-result" role="status" aria-live="polite" data-testid="train-result"></p>
      </form>
    </div>
    <div id="job-state-filter" class="chips" role="group" aria-label="Show jobs in state" data-testid="job-state-filter"></div>
    <div class="scroll">
      <table id="jobs-table" class="data-table" data-testid="jobs-table">
        <thead>
          <tr>
            <th scope="col">Job</th>
            <th scope="col">State</th>
            <th scope="col">Stage</th>
            <th scope="col" class="col-progress">Progress</th>
            <th scope="col" class="num">Attempts</th>
            <th scope="col">Created (UTC)</th>
            <th scope="col" class="num">Duration</th>
            <th scope="col">Result or error</th>
            <th scope="col"><span class="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody><tr><td colspan="9" class="empty">No data yet.</td></tr></tbody>
      </table>
    </div>
  </section>

  <section id="models-panel" class="panel panel-models" aria-labelledby="models-heading">
    <h2 id="models-heading">Models</h2>
    <p id="models-summary" class="panel-summary" data-testid="models-summary"></p>
    <p id="models-result" class="action-result" role="status" aria-live="polite" data-testid="models-result"></p>
    <div class="scroll">
      <table id="models-table" class="data-table" data-testid="models-table">
        <thead>
          <tr>
            <th scope="col">Scope</th>
            <th scope="col">Kind</th>
            <th scope="col">Champion</th>
            <th scope="col">Latest</th>
            <th scope="col">Main metric</th>
            <th scope="col">Other metrics (champion)</th>
            <th scope="col">Trained (UTC)</th>
            <th scope="col"><span class="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody><tr><td colspan="8" class="empty">No data yet.</td></tr></tbody>
      </table>
    </div>
  </section>

  <section id="charts-panel" class="panel panel-charts" aria-labelledby="charts-heading">
    <h2 id="charts-heading">Main metric by version over time</h2>
    <p class="panel-summary">One line per scope; filled dots were promoted, hollow ones were rejected by the promotion gate, ringed dots are the current champions. Pick a scope in the legend to highlight it.</p>
    <div id="metric-charts" class="charts" data-testid="metric-charts"></div>
  </section>

  <section id="decisions-panel" class="panel panel-decisions" aria-labelledby="decisions-heading">
    <h2 id="decisions-heading">Recent decisions</h2>
    <div class="scroll">
      <ol id="decisions-list" class="decisions" data-testid="decisions-list"></ol>
    </div>
  </section>
</main>
<footer class="footer">
  <a href="/docs">API documentation</a> · <a href="/metrics">Prometheus metrics</a> · times are UTC
</footer>
</body>
</html>
`;
