import { DASHBOARD_CSS } from './static/dashboard-css.js';
import { DASHBOARD_HTML } from './static/dashboard-html.js';
import { DASHBOARD_JS } from './static/dashboard-js.js';

export interface DashboardAsset {
  contentType: string;
  body: Buffer | string;
}

/** URL paths the dashboard is served at: the page itself and its two assets. */
export const DASHBOARD_PATHS = {
  page: '/',
  /** The file name the API server's dashboard route looks up when `/` is asked for. */
  pageFile: '/index.html',
  script: '/assets/dashboard.js',
  styles: '/assets/dashboard.css',
} as const;

let assets: ReadonlyMap<string, DashboardAsset> | undefined;

/**
 * The dashboard's files keyed by URL path, for the API server to serve without auth.
 * The files are TypeScript string modules, so they ship inside dist/ like any other code
 * and the dashboard works with no network and no copy step.
 */
export function dashboardAssets(): ReadonlyMap<string, DashboardAsset> {
  const page: DashboardAsset = { contentType: 'text/html; charset=utf-8', body: DASHBOARD_HTML };
  assets ??= new Map<string, DashboardAsset>([
    [DASHBOARD_PATHS.page, page],
    [DASHBOARD_PATHS.pageFile, page],
    [DASHBOARD_PATHS.script, { contentType: 'text/javascript; charset=utf-8', body: DASHBOARD_JS }],
    [DASHBOARD_PATHS.styles, { contentType: 'text/css; charset=utf-8', body: DASHBOARD_CSS }],
  ]);
  return assets;
}
