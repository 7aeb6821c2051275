import type { Evaluation, Severity } from '../src/core/types';
import type { LocalServer } from '../src/local/start';
import { startLocalServer } from '../src/local/start';
import { allRules } from '../src/rules/registry';
import { launchChromium } from '../test/support/chromium';
import { benchRuns, median, scaled } from './scale';

/**
 * `npm run bench`, dashboard section: how long the dashboard takes to show 10k findings in
 * headless Chromium, against the real local server (`npm start`'s, Azurite in process) whose
 * store holds 10k open findings over 4 subscriptions and 40 workspaces. Timings are medians of
 * BENCH_RUNS page loads (default 3), measured in the page from navigation start.
 */

const FINDINGS = Number(process.env['BENCH_DASHBOARD_FINDINGS'] ?? String(scaled(10_000, 100)));
const SUBSCRIPTIONS = ['0a1b2c3d-0000-4000-8000-000000000001', '0a1b2c3d-0000-4000-8000-000000000002', '0a1b2c3d-0000-4000-8000-000000000003', '0a1b2c3d-0000-4000-8000-000000000004'];

export interface DashboardMeasurement {
  readonly findings: number;
  readonly firstRowsMs: number;
  readonly readyMs: number;
  readonly completeMs: number;
  readonly apiPages: number;
  readonly filterMs: number;
  readonly sortMs: number;
  readonly searchMs: number;
  readonly pageMs: number;
}

/** Deterministic findings: rule, severity, subscription and workspace cycle; names are unique. */
export function syntheticEvaluations(count: number): Map<string, Evaluation[]> {
  const rules = allRules.filter((rule) => rule.meta.enabledByDefault);
  const bySubscription = new Map<string, Evaluation[]>(SUBSCRIPTIONS.map((id) => [id, []]));
  for (let index = 0; index < count; index++) {
    const rule = rules[index % rules.length];
    const subscription = SUBSCRIPTIONS[index % SUBSCRIPTIONS.length] as string;
    if (rule === undefined) break;
    const group = `rg-ml-${index % 40}`;
    const workspace = `/subscriptions/${subscription}/resourceGroups/${group}/providers/Microsoft.MachineLearningServices/workspaces/ws-${index % 40}`;
    const resourceId = `/subscriptions/${subscription}/resourceGroups/${group}/providers/Microsoft.Network/virtualNetworks/vnet-${index % 40}/subnets/snet-${index}`;
    const severity: Severity = rule.meta.severity;
    bySubscription.get(subscription)?.push({
      ruleId: rule.meta.id,
      resourceId,
      status: index % 17 === 0 ? 'unknown' : 'fail',
      severity,
      title: rule.meta.title,
      message: `Subnet 'snet-${index}' in 'vnet-${index % 40}' fails ${rule.meta.id} (synthetic finding ${index}).`,
      evidence: { subnetId: resourceId, index, nsgRule: `rule-${index % 97}`, priority: 100 + (index % 300) },
      workspaceIds: [workspace],
    });
  }
  return bySubscription;
}

async function seed(server: LocalServer, count: number): Promise<void> {
  const started = new Date(Date.now() - 60_000);
  for (const [subscriptionId, evaluations] of syntheticEvaluations(count)) {
    await server.auditor.store.recordEvaluations({ scope: { subscriptionIds: [subscriptionId] }, evaluations, evaluatedAt: started, complete: true });
  }
}

/** One page load and a few interactions, timed inside the page (until the next frame is painted). */
async function measureOnce(server: LocalServer, findings: number): Promise<DashboardMeasurement> {
  const chromium = await launchChromium({ viewport: { width: 1366, height: 768 } });
  try {
    const page = await chromium.context.newPage();
    await page.goto(`http://127.0.0.1:${server.port}/`);
    await page.waitForSelector('body[data-ready]', { timeout: 300_000 });
    if ((await page.getAttribute('body', 'data-ready')) !== 'true') throw new Error(`the dashboard failed to load: ${await page.textContent('#status')}`);
    // Interactions are timed once the background check for unswept subscriptions is done too.
    await page.waitForSelector('body[data-complete="true"]', { timeout: 300_000 });
    const timings = await page.evaluate(() => (window as unknown as { dashboardTimings: { firstRowsMs: number; readyMs: number; completeMs: number; pages: number } }).dashboardTimings);
    const interaction = (action: string): Promise<number> =>
      page.evaluate(async (what) => {
        const start = performance.now();
        const select = (id: string, value: string): void => {
          const element = document.getElementById(id) as HTMLSelectElement;
          element.value = value;
          element.dispatchEvent(new Event('change'));
        };
        if (what === 'filter') select('filter-severity', 'high');
        else if (what === 'sort') (document.querySelector('th[data-sort="rule"] button') as HTMLButtonElement).click();
        else if (what === 'page') (document.getElementById('page-next') as HTMLButtonElement).click();
        else {
          const input = document.getElementById('filter-q') as HTMLInputElement;
          input.value = 'snet-99';
          input.dispatchEvent(new Event('input'));
          // The search is debounced (120 ms): wait for the table to change, then subtract the debounce.
          await new Promise<void>((done) => {
            const table = document.getElementById('findings-table') as HTMLElement;
            const observer = new MutationObserver(() => {
              observer.disconnect();
              done();
            });
            observer.observe(table, { attributes: true, attributeFilter: ['data-matching'] });
          });
        }
        await new Promise<void>((done) => requestAnimationFrame(() => setTimeout(done, 0)));
        return performance.now() - start - (what === 'search' ? 120 : 0);
      }, action);
    const filterMs = await interaction('filter');
    const sortMs = await interaction('sort');
    const pageMs = await interaction('page');
    const searchMs = await interaction('search');
    const loaded = Number(await page.evaluate(() => document.querySelector('#result-count')?.textContent?.match(/of ([\d,]+) findings/)?.[1]?.replace(/,/g, '') ?? '0'));
    if (loaded !== findings) throw new Error(`the dashboard loaded ${loaded} findings, expected ${findings}`);
    return { findings, firstRowsMs: timings.firstRowsMs, readyMs: timings.readyMs, completeMs: timings.completeMs, apiPages: timings.pages, filterMs, sortMs, searchMs, pageMs };
  } finally {
    await chromium.close();
  }
}

export async function measureDashboard(findings: number = FINDINGS, runs: number = benchRuns()): Promise<DashboardMeasurement> {
  const server = await startLocalServer({ port: 0, env: {}, initialSweep: false, verbose: false, log: () => undefined });
  try {
    await seed(server, findings);
    const results: DashboardMeasurement[] = [];
    for (let run = 0; run < Math.max(1, runs); run++) results.push(await measureOnce(server, findings));
    const pick = (key: keyof DashboardMeasurement): number => median(results.map((result) => result[key]));
    return { findings, firstRowsMs: pick('firstRowsMs'), readyMs: pick('readyMs'), completeMs: pick('completeMs'), apiPages: pick('apiPages'), filterMs: pick('filterMs'), sortMs: pick('sortMs'), searchMs: pick('searchMs'), pageMs: pick('pageMs') };
  } finally {
    await server.stop();
  }
}

const ms = (value: number): string => `${Math.round(value).toLocaleString('en-US')} ms`;

/** The bench section: a few lines for `npm run bench`. */
export async function benchDashboard(): Promise<string[]> {
  const result = await measureDashboard();
  return [
    `dashboard: ${result.findings.toLocaleString('en-US')} open findings, npm start server (Azurite in process), headless Chromium 1366×768, median of ${benchRuns()} loads`,
    `  first rows on screen ${ms(result.firstRowsMs)}; all ${result.findings.toLocaleString('en-US')} loaded and rendered ${ms(result.readyMs)} (${result.apiPages} pages of GET /api/findings?top=1000&order=key)`,
    `  then, over all of them: severity filter ${ms(result.filterMs)}, sort by rule ${ms(result.sortMs)}, text search ${ms(result.searchMs)} (+120 ms debounce), next page ${ms(result.pageMs)}`,
  ];
}

if (require.main === module) {
  void benchDashboard().then(
    (lines) => process.stdout.write(`${lines.join('\n')}\n`),
    (error: unknown) => {
      process.stderr.write(`bench dashboard failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
