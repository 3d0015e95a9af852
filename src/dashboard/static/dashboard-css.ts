// Embedded so the built package (dist/) and the container image serve the dashboard
// without copying non-TypeScript files. Edit the text in place: String.raw keeps
// backslashes as written; the text must contain no backtick and no dollar-brace.

/** The dashboard stylesheet, served at /assets/dashboard.css. */
export const DASHBOARD_CSS = String.raw`:root {
  --bg: #f4f6f8;
  --panel: #ffffff;
  --ink: #1b2530;
  --muted: #55626f;
  --line: #d9dfe5;
  --accent: #1f5fbf;
  --accent-ink: #ffffff;
  --ok: #1d7a3e;
  --ok-bg: #e3f4e8;
  --bad: #b3261e;
  --bad-bg: #fbe7e5;
  --warn: #8a5a00;
  --warn-bg: #fdf1d8;
  --run: #1f5fbf;
  --run-bg: #e3ecfa;
  --idle: #55626f;
  --idle-bg: #eceff2;
  --radius: 6px;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif;
  font-size: 14px;
  line-height: 1.4;
  color: var(--ink);
  background: var(--bg);
}

* { box-sizing: border-box; }

body { margin: 0; }

a { color: var(--accent); }

h1, h2 { margin: 0; }

h1 { font-size: 1.35rem; letter-spacing: 0.02em; }

h2 { font-size: 1rem; margin-bottom: 0.5rem; }

h3 { font-size: 0.9rem; margin: 0 0 0.35rem; color: var(--muted); }

.visually-hidden {
  position: absolute;
  width: 1px;
  height: 1px;
  overflow: hidden;
  clip: rect(0 0 0 0);
  white-space: nowrap;
}

.topbar {
  display: flex;
  flex-wrap: wrap;
  align-items: center;
  gap: 0.75rem 1.5rem;
  padding: 0.75rem 1.25rem;
  background: #16212d;
  color: #f2f5f8;
}

.brand { display: flex; align-items: baseline; gap: 0.75rem; }

.tagline { margin: 0; color: #a9b6c3; font-size: 0.85rem; }

.refresh-status {
  margin: 0;
  flex: 1 1 16rem;
  min-height: 1.4em;
  color: #c9d4df;
  font-variant-numeric: tabular-nums;
}

.refresh-status[data-state="error"],
.refresh-status[data-state="unauthorized"] { color: #ffb4ab; font-weight: 600; }

.refresh-status[data-state="no-token"] { color: #ffd98a; font-weight: 600; }

.token-form { display: flex; align-items: center; gap: 0.5rem; flex-wrap: wrap; }

.token-form label { color: #c9d4df; }

.token-form input { width: 14rem; }

input, select, button {
  font: inherit;
  border-radius: var(--radius);
  border: 1px solid var(--line);
  padding: 0.3rem 0.55rem;
  min-height: 2rem;
}

input, select { background: #fff; color: var(--ink); }

button {
  background: var(--accent);
  border-color: var(--accent);
  color: var(--accent-ink);
  cursor: pointer;
  font-weight: 600;
}

button.secondary { background: transparent; color: inherit; border-color: currentColor; font-weight: 500; }

button.small { min-height: 1.6rem; padding: 0.1rem 0.5rem; font-size: 0.85rem; }

button.danger { background: #fff; color: var(--bad); border-color: var(--bad); white-space: nowrap; }

button:disabled { opacity: 0.45; cursor: not-allowed; }

:focus-visible { outline: 3px solid #f5a623; outline-offset: 2px; }

.notice {
  margin: 0.75rem 1.25rem 0;
  padding: 0.5rem 0.75rem;
  border-radius: var(--radius);
  background: var(--warn-bg);
  color: var(--warn);
}

.layout {
  display: grid;
  gap: 1rem;
  padding: 1rem 1.25rem;
  grid-template-columns: minmax(0, 3fr) minmax(0, 2fr);
  grid-template-areas:
    "overview lag"
    "jobs jobs"
    "models models"
    "charts decisions";
}

.panel-overview { grid-area: overview; }
.panel-lag { grid-area: lag; }
.panel-jobs { grid-area: jobs; }
.panel-models { grid-area: models; }
.panel-charts { grid-area: charts; }
.panel-decisions { grid-area: decisions; }

@media (max-width: 640px) {
  .overview { grid-template-columns: repeat(2, minmax(0, 1fr)); }
}

@media (max-width: 980px) {
  .layout { grid-template-columns: minmax(0, 1fr); grid-template-areas: "overview" "lag" "jobs" "models" "charts" "decisions"; }
}

.panel {
  background: var(--panel);
  border: 1px solid var(--line);
  border-radius: 8px;
  padding: 0.85rem 1rem;
  min-width: 0;
}

.panel-summary { margin: 0 0 0.5rem; color: var(--muted); font-size: 0.9rem; min-height: 1.3em; }

.scroll { max-height: 24rem; overflow: auto; }

.scroll-short { max-height: 16rem; }

.panel-models .scroll { max-height: 32rem; }

.panel-decisions .scroll { max-height: 46rem; }

.train-block {
  margin-bottom: 0.85rem;
  padding: 0.6rem 0.75rem 0.2rem;
  background: #f8fafb;
  border: 1px solid var(--line);
  border-radius: var(--radius);
}

.train-form { display: flex; flex-wrap: wrap; align-items: flex-end; gap: 0.5rem 0.75rem; }

.train-form .action-result { flex: 1 1 18rem; margin: 0; align-self: center; }

.overview {
  display: grid;
  grid-template-columns: repeat(3, minmax(0, 1fr));
  gap: 0.6rem;
  margin: 0;
}

.tile { border: 1px solid var(--line); border-radius: var(--radius); padding: 0.5rem 0.7rem; background: #f8fafb; }

.tile dt { color: var(--muted); font-size: 0.82rem; }

.tile dd { margin: 0.1rem 0 0; }

.tile-value { display: block; font-size: 1.5rem; font-weight: 650; font-variant-numeric: tabular-nums; line-height: 1.2; }

.tile small { color: var(--muted); font-size: 0.8rem; }

.lagging { color: var(--warn); font-weight: 700; }

.field { display: flex; flex-direction: column; gap: 0.2rem; }

.field label { color: var(--muted); font-size: 0.85rem; }

.field-check { flex-direction: row; align-items: center; gap: 0.4rem; min-height: 2rem; }

.field-check label { color: var(--ink); font-size: 0.9rem; }

.field-check input { min-height: auto; }

#train-scope { width: 13rem; }

.action-result { margin: 0.5rem 0 0; min-height: 1.4em; font-size: 0.9rem; }

.action-result[data-state="error"] { color: var(--bad); }

.action-result[data-state="ok"] { color: var(--ok); }

.data-table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }

.data-table th, .data-table td {
  text-align: left;
  padding: 0.35rem 0.5rem;
  border-bottom: 1px solid var(--line);
  vertical-align: top;
}

.data-table thead th {
  position: sticky;
  top: 0;
  background: #f8fafb;
  color: var(--muted);
  font-weight: 600;
  font-size: 0.82rem;
  white-space: nowrap;
  z-index: 1;
}

.data-table .num { text-align: right; white-space: nowrap; }

.data-table .nowrap { white-space: nowrap; }

.data-table tr.group-row th {
  background: #eef2f5;
  font-size: 0.82rem;
  text-transform: uppercase;
  letter-spacing: 0.04em;
  color: var(--muted);
}

.data-table td.empty { color: var(--muted); text-align: center; padding: 1rem; }

.data-table tr.highlighted td { background: #fff8e1; }

.job-id { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.85rem; }

.job-id small { color: var(--muted); }

.error-text { color: var(--bad); max-width: 28rem; overflow-wrap: anywhere; }

.col-progress { width: 9rem; }

.progress { display: flex; align-items: center; gap: 0.4rem; }

.progress progress { width: 5.5rem; height: 0.6rem; accent-color: var(--accent); }

.badge {
  display: inline-block;
  padding: 0.05rem 0.5rem;
  border-radius: 999px;
  font-size: 0.8rem;
  font-weight: 600;
  white-space: nowrap;
  background: var(--idle-bg);
  color: var(--idle);
}

.badge-succeeded, .badge-champion, .badge-promoted { background: var(--ok-bg); color: var(--ok); }
.badge-failed, .badge-rejected { background: var(--bad-bg); color: var(--bad); }
.badge-running, .badge-manual { background: var(--run-bg); color: var(--run); }
.badge-queued, .badge-performance, .badge-drift { background: var(--warn-bg); color: var(--warn); }

.chips { display: flex; flex-wrap: wrap; gap: 0.4rem; margin-bottom: 0.6rem; }

.chip {
  background: #fff;
  color: var(--ink);
  border: 1px solid var(--line);
  border-radius: 999px;
  font-weight: 500;
  min-height: 1.8rem;
  padding: 0.1rem 0.7rem;
  font-variant-numeric: tabular-nums;
}

.chip[aria-pressed="true"] { background: var(--ink); color: #fff; border-color: var(--ink); }

.metric-list { color: var(--muted); font-size: 0.85rem; }

.metric-main { font-weight: 600; font-variant-numeric: tabular-nums; white-space: nowrap; }

.scope-button {
  white-space: nowrap;
  background: none;
  border: none;
  color: var(--accent);
  padding: 0;
  min-height: auto;
  font-weight: 600;
  text-decoration: none;
}

.scope-button:hover, .scope-button[aria-pressed="true"] { text-decoration: underline; text-underline-offset: 3px; }

.charts { display: grid; gap: 1rem; grid-template-columns: minmax(0, 1fr); }

.chart figure, figure.chart { margin: 0; }

figure.chart figcaption { font-weight: 600; margin-bottom: 0.25rem; }

figure.chart figcaption small { color: var(--muted); font-weight: 400; }

.chart svg { width: 100%; height: auto; display: block; overflow: visible; }

.chart .axis text { fill: var(--muted); font-size: 11px; font-variant-numeric: tabular-nums; }

.chart .grid line { stroke: #e7ebef; }

.chart .series { transition: opacity 120ms; }

.chart .series.dimmed { opacity: 0.15; }

.chart .series polyline { fill: none; stroke-width: 2; }

.legend { display: flex; flex-wrap: wrap; gap: 0.25rem 0.75rem; margin: 0.35rem 0 0; padding: 0; list-style: none; font-size: 0.82rem; }

.legend button {
  background: none;
  border: none;
  color: var(--ink);
  font-weight: 500;
  padding: 0 0.2rem;
  min-height: 1.5rem;
  display: inline-flex;
  align-items: center;
  gap: 0.3rem;
}

.legend button[aria-pressed="true"] { text-decoration: underline; font-weight: 700; }

.swatch { display: inline-block; width: 0.8rem; height: 0.8rem; border-radius: 2px; }

.decisions { list-style: none; margin: 0; padding: 0; }

.decisions li { padding: 0.5rem 0.25rem; border-bottom: 1px solid var(--line); }

.decision-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0.25rem 0.5rem; }

.decision-head .decision-job { margin-left: auto; }

.decision-figures time { color: var(--ink); }

.decision-figures { margin: 0.2rem 0 0; color: var(--muted); font-size: 0.85rem; font-variant-numeric: tabular-nums; }

.decision-figures strong { color: var(--ink); font-weight: 600; }

.footer { padding: 0 1.25rem 1.25rem; color: var(--muted); font-size: 0.85rem; }
`;
