import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { DEFAULT_PROFILE } from '../engine/audit';
import type { Profile } from '../engine/audit';
import type { Estate } from '../estate';
import type { FindingsStore, SweepRecord } from '../store';
import { newestSweepPerSubscription, ruleCatalogue } from './catalogue';
import { dashboardScript } from './script';
import { renderDashboardPage, securityHeaders } from './page';
import { DASHBOARD_CSS } from './styles';
import { renderTrendSvg, trendPoints } from './trend';
import { html } from './escape';

/**
 * GET /api/dashboard (and / under `npm start`): the page, its two assets and the rule catalogue.
 * Read-only: the findings come to the browser through GET /api/findings; this adds only what that
 * API lacks (the trend from sweep records, rule sources and fixes, evaluated-subject counts).
 */

/** What the dashboard reads: the findings store and, when at hand, the estates the instance judged. AuditorApp fits. */
export interface DashboardSource {
  readonly store: FindingsStore;
  readonly states?: { peek(subscriptionId: string): { readonly estate: Estate } | undefined };
  /** The profile sweeps and events judge with (AML_AUDITOR_PROFILE); documented when absent. */
  readonly profile?: Profile;
}

export interface DashboardLog {
  warn(message: string): void;
}

/** Paths under the dashboard's base; the Functions route is `dashboard/{*path}`. */
export const DASHBOARD_ASSET_PATHS = ['/api/dashboard/app.js', '/api/dashboard/app.css', '/api/dashboard/rules', '/api/dashboard/sweeps'] as const;
export const DASHBOARD_PAGE_PATHS = ['/', '/api/dashboard', '/api/dashboard/'] as const;

/** How many sweep records the trend reads (newest first): a few weeks of hourly sweeps of a few subscriptions. */
const TREND_SWEEPS = 500;

// The script and stylesheet never change within a process: build them once.
let script: string | undefined;

export async function dashboardResponse(source: DashboardSource, request: HttpRequest, log: DashboardLog): Promise<HttpResponseInit> {
  const path = new URL(request.url).pathname.replace(/\/{2,}/g, '/');
  if (path === '/api/dashboard/app.js') {
    script ??= await dashboardScript();
    return { status: 200, headers: { ...securityHeaders('text/javascript; charset=utf-8'), 'cache-control': 'private, max-age=300' }, body: script };
  }
  if (path === '/api/dashboard/app.css') {
    return { status: 200, headers: { ...securityHeaders('text/css; charset=utf-8'), 'cache-control': 'private, max-age=300' }, body: DASHBOARD_CSS };
  }
  if (path === '/api/dashboard/rules') {
    const sweeps = await readSweeps(source, log);
    const estates = new Map<string, Estate>();
    for (const subscriptionId of new Set((sweeps ?? []).map((record) => record.subscriptionId))) {
      const state = source.states?.peek(subscriptionId);
      if (state !== undefined) estates.set(subscriptionId, state.estate);
    }
    return { status: 200, headers: { ...securityHeaders('application/json; charset=utf-8'), 'cache-control': 'no-store' }, jsonBody: ruleCatalogue(estates, source.profile ?? DEFAULT_PROFILE) };
  }
  if (path === '/api/dashboard/sweeps') {
    // The newest sweep of each subscription: the subscriptions the client loads findings for, and their last sweep.
    const sweeps = await readSweeps(source, log);
    if (sweeps === undefined) return { status: 503, headers: { ...securityHeaders('application/json; charset=utf-8'), 'retry-after': '5' }, jsonBody: { error: 'the sweep records could not be read' } };
    return { status: 200, headers: { ...securityHeaders('application/json; charset=utf-8'), 'cache-control': 'no-store' }, jsonBody: { subscriptions: newestSweepPerSubscription(sweeps) } };
  }
  if ((DASHBOARD_PAGE_PATHS as readonly string[]).includes(path)) {
    const sweeps = await readSweeps(source, log);
    const trend = sweeps === undefined ? html`<p class="error" id="trend-empty">The sweep records could not be read: the trend is unavailable (see the function log).</p>` : renderTrendSvg(trendPoints(sweeps));
    const body = renderDashboardPage({ trend, generatedAt: new Date().toISOString() });
    return { status: 200, headers: { ...securityHeaders('text/html; charset=utf-8'), 'cache-control': 'no-store' }, body };
  }
  return { status: 404, headers: securityHeaders('application/json; charset=utf-8'), jsonBody: { error: `no dashboard resource at ${path}` } };
}

/** The page renders without the trend rather than fail when the sweep records cannot be read. */
async function readSweeps(source: DashboardSource, log: DashboardLog): Promise<readonly SweepRecord[] | undefined> {
  try {
    return await source.store.listSweeps(undefined, TREND_SWEEPS);
  } catch (error) {
    log.warn(`dashboard: cannot read sweep records: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

