import { SEVERITIES } from '../core/types';
import type { SafeHtml } from './escape';
import { html } from './escape';

/**
 * The HTML shell of the dashboard. Everything dynamic is filled by /api/dashboard/app.js from
 * the findings API, through DOM APIs and textContent only; the server renders only the static
 * structure, the trend chart (from sweep records, escaped) and the asset URLs.
 */

/** The page's policy: nothing inline, nothing from another origin (it must work in a closed network). */
export const DASHBOARD_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Headers every dashboard response carries. */
export function securityHeaders(contentType: string): Record<string, string> {
  return {
    'content-type': contentType,
    'content-security-policy': DASHBOARD_CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
  };
}

export interface DashboardPageInput {
  /** The server-rendered trend chart (renderTrendSvg). */
  readonly trend: SafeHtml;
  /** When the page was rendered, ISO 8601. */
  readonly generatedAt: string;
  /**
   * The function key the page was opened with, if any: Azure requires it on every route, so the
   * asset URLs carry it too (the client adds it to its API calls). Validated by the caller.
   */
}

/** Where the assets are served (absolute, so the page works at / and at /api/dashboard). */
export const ASSET_BASE = '/api/dashboard';

export function assetUrl(name: string): string {
  return `${ASSET_BASE}/${name}`;
}

export function renderDashboardPage(input: DashboardPageInput): string {
  const severityCards = SEVERITIES.slice()
    .reverse()
    .map(
      (severity) =>
        html`<li class="card sev-card sev-${severity}"><button type="button" class="card-button" data-filter-severity="${severity}" aria-describedby="cards-hint"><span class="card-count" data-count-severity="${severity}">…</span><span class="card-label">${severity}</span></button></li>`,
    );
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>AML network isolation — aml-vnet-auditor</title>
<link rel="stylesheet" href="${assetUrl('app.css')}">
<script src="${assetUrl('app.js')}" defer></script>
</head>
<body>
<a class="skip" href="#findings">Skip to findings</a>
<header class="top">
  <h1>Azure ML network isolation</h1>
  <p class="muted">aml-vnet-auditor · page rendered <time datetime="${input.generatedAt}">${input.generatedAt.slice(0, 16).replace('T', ' ')} UTC</time></p>
  <p id="status" class="status" role="status" aria-live="polite">Loading findings…</p>
</header>
<noscript><p class="error">This dashboard needs JavaScript to read the findings. The same data is at /api/findings.</p></noscript>
<main>
<section class="headline" aria-labelledby="headline-title">
  <div class="headline-cards">
    <h2 id="headline-title">Open findings</h2>
    <ul class="cards">
      <li class="card card-total"><span class="card-count" data-count-total>…</span><span class="card-label">open</span></li>
      ${severityCards}
      <li class="card card-suppressed"><button type="button" class="card-button" data-filter-state="suppressed"><span class="card-count" data-count-suppressed>…</span><span class="card-label">suppressed</span></button></li>
    </ul>
    <p id="cards-hint" class="muted small">Select a severity to filter the table.</p>
    <h3 id="hot-title">Most open findings</h3>
    <ul class="hot" id="hot-workspaces" aria-labelledby="hot-title"></ul>
  </div>
  <figure class="headline-trend">
    <figcaption><h2>Trend over sweeps</h2></figcaption>
    ${input.trend}
  </figure>
</section>

<section id="findings" class="findings" aria-labelledby="findings-title" tabindex="-1">
  <h2 id="findings-title">Findings</h2>
  <form id="filters" class="filters" role="search" aria-label="Filter findings">
    <label>State <select id="filter-state" name="state">
      <option value="open">Open</option>
      <option value="suppressed">Suppressed</option>
      <option value="resolved">Resolved</option>
      <option value="all">All</option>
    </select></label>
    <label>Severity <select id="filter-severity" name="severity">
      <option value="">Any</option>
      <option value="high">High</option>
      <option value="medium">Medium</option>
      <option value="low">Low</option>
      <option value="info">Info</option>
    </select></label>
    <label>Rule <select id="filter-rule" name="rule"><option value="">Any</option></select></label>
    <label>Workspace <select id="filter-workspace" name="workspace"><option value="">Any</option></select></label>
    <label>Subscription <select id="filter-subscription" name="subscription"><option value="">Any</option></select></label>
    <label class="search">Search <input id="filter-q" name="q" type="search" autocomplete="off" spellcheck="false" placeholder="resource, message, evidence…"></label>
    <div class="filter-actions">
      <button type="button" id="clear-filters">Clear</button>
      <button type="button" id="export-csv">Export CSV</button>
    </div>
  </form>
  <p id="result-count" class="muted" aria-live="polite"></p>
  <p id="filter-note" class="filter-note" role="status" hidden></p>
  <div class="table-wrap">
    <table id="findings-table" class="grid" aria-describedby="table-hint">
      <caption class="visually-hidden">Findings: select a row (Enter) for its evidence and fix</caption>
      <thead><tr>
        <th scope="col" data-sort="severity" aria-sort="descending"><button type="button">Severity</button></th>
        <th scope="col" data-sort="rule" aria-sort="none"><button type="button">Rule</button></th>
        <th scope="col" data-sort="resource" aria-sort="none"><button type="button">Resource</button></th>
        <th scope="col" data-sort="workspace" aria-sort="none"><button type="button">Workspace</button></th>
        <th scope="col" data-sort="state" aria-sort="none"><button type="button">State</button></th>
        <th scope="col" data-sort="lastSeen" aria-sort="none"><button type="button">Last seen</button></th>
      </tr></thead>
      <tbody id="findings-body"></tbody>
    </table>
  </div>
  <p id="table-hint" class="muted small">Rows open with Enter or a click. Column headers sort.</p>
  <nav class="pager" aria-label="Pages of findings">
    <button type="button" id="page-first">First</button>
    <button type="button" id="page-prev">Previous</button>
    <span id="page-info" aria-live="polite"></span>
    <button type="button" id="page-next">Next</button>
    <button type="button" id="page-last">Last</button>
    <label>Rows per page <select id="page-size"><option>25</option><option selected>50</option><option>100</option><option>200</option></select></label>
  </nav>
</section>

<div class="breakdowns">
  <section class="wide" aria-labelledby="rules-title">
    <h2 id="rules-title">Compliance by rule</h2>
    <p class="muted small" id="rules-basis"></p>
    <div class="table-wrap whole"><table class="grid compact" id="rules-table">
      <thead><tr><th scope="col">Rule</th><th scope="col">Severity</th><th scope="col" class="num">Evaluated</th><th scope="col" class="num">Failing</th><th scope="col" class="num">Suppressed</th><th scope="col">Compliant</th></tr></thead>
      <tbody id="rules-body"></tbody>
    </table></div>
  </section>
  <section aria-labelledby="workspaces-title">
    <h2 id="workspaces-title">Open findings by workspace</h2>
    <div class="table-wrap short"><table class="grid compact" id="workspaces-table">
      <thead><tr><th scope="col">Workspace</th><th scope="col" class="num">High</th><th scope="col" class="num">Medium</th><th scope="col" class="num">Low</th><th scope="col" class="num">Info</th><th scope="col" class="num">Total</th></tr></thead>
      <tbody id="workspaces-body"></tbody>
    </table></div>
  </section>
  <section aria-labelledby="subscriptions-title">
    <h2 id="subscriptions-title">By subscription</h2>
    <div class="table-wrap short"><table class="grid compact" id="subscriptions-table">
      <thead><tr><th scope="col">Subscription</th><th scope="col" class="num">Open</th><th scope="col" class="num">High</th><th scope="col">Last sweep</th><th scope="col" class="num">Passing checks</th></tr></thead>
      <tbody id="subscriptions-body"></tbody>
    </table></div>
  </section>
</div>
</main>

<dialog id="detail" aria-labelledby="detail-title">
  <div class="detail-head">
    <h2 id="detail-title" tabindex="-1"></h2>
    <button type="button" id="detail-close" aria-label="Close the finding">Close</button>
  </div>
  <div id="detail-body"></div>
</dialog>
</body>
</html>
`;
  return page.value;
}
