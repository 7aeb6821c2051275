import { HttpRequest } from '@azure/functions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FindingsStore, SweepRecord } from '../../src/store/types';
import {
  DASHBOARD_CSP,
  dashboardResponse,
  dashboardScript,
  escapeHtml,
  html,
  newestSweepPerSubscription,
  renderDashboardPage,
  renderTrendSvg,
  ruleCatalogue,
  trendPoints,
} from '../../src/dashboard';
import { examplesOf, ruleDocPath } from '../../src/rules/fix-docs';
import { RULE_FIXES } from '../../src/rules/fixes.generated';
import { allRules } from '../../src/rules/registry';

const HOSTILE = '<img src=x onerror=alert(1)>';
const SUB_A = '3f2b8c1d-7e4a-4b9c-a1d2-5e6f7a8b9c0d';
const SUB_B = '9c4e1a7b-2d3f-4e5a-8b6c-0d1e2f3a4b5c';

function sweep(subscriptionId: string, startedAt: string, bySeverity: Partial<SweepRecord['bySeverity']>, extra: Partial<SweepRecord> = {}): SweepRecord {
  const counts = { info: 0, low: 0, medium: 0, high: 0, ...bySeverity };
  const findings = counts.info + counts.low + counts.medium + counts.high;
  return {
    sweepId: `${subscriptionId}-${startedAt}`,
    subscriptionId,
    startedAt,
    observedAt: startedAt,
    finishedAt: startedAt,
    durationMs: 10,
    complete: true,
    evaluations: findings + 10,
    pass: 10,
    fail: findings,
    unknown: 0,
    notApplicable: 0,
    bySeverity: counts,
    byRule: {},
    opened: 0,
    reopened: 0,
    resolved: 0,
    updated: 0,
    stale: 0,
    written: 0,
    superseded: false,
    ...extra,
  };
}

/** A store that answers sweep records only: the page handler reads nothing else. */
function sweepStore(records: readonly SweepRecord[] | Error): FindingsStore {
  const refuse = (): never => {
    throw new Error('not used by the dashboard handler');
  };
  return {
    description: 'test',
    listSweeps: async () => {
      if (records instanceof Error) throw records;
      return records;
    },
    recordEvaluations: refuse,
    syncPartition: refuse,
    noticedStates: refuse,
    announceChanges: refuse,
    listFindings: refuse,
    getFinding: refuse,
    recordSweep: refuse,
    addSuppression: refuse,
    listSuppressions: refuse,
    removeSuppression: refuse,
    repairFutureTimes: refuse,
    prune: refuse,
    recordRemediation: refuse,
    listRemediations: refuse,
  };
}

const request = (path: string): HttpRequest => new HttpRequest({ method: 'GET', url: `http://localhost:7071${path}` });
const silent = { warn: () => undefined };

describe('escaping', () => {
  it('escapes the five HTML specials and the backtick', () => {
    expect(escapeHtml(HOSTILE)).toBe('&lt;img src=x onerror=alert(1)&gt;');
    expect(escapeHtml(`"'&\``)).toBe('&quot;&#39;&amp;&#96;');
  });

  it('the html tag escapes interpolations but not nested SafeHtml', () => {
    const inner = html`<b>${HOSTILE}</b>`;
    expect(html`<p title="${'" onmouseover="x'}">${inner}</p>`.value).toBe('<p title="&quot; onmouseover=&quot;x"><b>&lt;img src=x onerror=alert(1)&gt;</b></p>');
  });
});

describe('renderDashboardPage', () => {
  const page = renderDashboardPage({ trend: html`<svg id="t"></svg>`, generatedAt: '2026-11-24T10:00:00.000Z' });

  it('has no inline script, inline style, event handler attribute or external URL', () => {
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
    expect(page).not.toMatch(/<style/i);
    expect(page).not.toMatch(/\sstyle=/i);
    expect(page).not.toMatch(/\son[a-z]+=/i);
    expect(page).not.toMatch(/(src|href)="(https?:)?\/\//i);
    expect(page).toContain('<script src="/api/dashboard/app.js" defer></script>');
  });

  it('labels every filter control and makes the table headers sort buttons', () => {
    for (const id of ['filter-state', 'filter-severity', 'filter-rule', 'filter-workspace', 'filter-subscription', 'filter-q']) {
      expect(page).toMatch(new RegExp(`<label[^>]*>[^<]+<(select|input) id="${id}"`));
    }
    expect(page.match(/<th scope="col" data-sort="[a-zA-Z]+" aria-sort="[a-z]+"><button type="button">/g)?.length).toBe(6);
    expect(page).toContain('<html lang="en">');
  });

  it('never puts a key in a URL: assets load through the page\'s own sign-in', () => {
    const page = renderDashboardPage({ trend: html``, generatedAt: '2026-11-24T10:00:00.000Z' });
    expect(page).toContain('src="/api/dashboard/app.js"');
    expect(page).not.toContain('code=');
  });

});

describe('trend', () => {
  it('sums the newest complete sweep of each subscription at every sweep time', () => {
    const points = trendPoints([
      sweep(SUB_A, '2026-11-24T10:00:00.000Z', { high: 3, low: 1 }),
      sweep(SUB_B, '2026-11-24T10:00:00.000Z', { medium: 2 }),
      sweep(SUB_A, '2026-11-24T11:00:00.000Z', { high: 1 }),
      // Failed, partial and superseded sweeps did not see the whole subscription: ignored.
      sweep(SUB_B, '2026-11-24T11:30:00.000Z', { high: 50 }, { complete: false }),
      sweep(SUB_B, '2026-11-24T11:40:00.000Z', {}, { complete: false, error: 'inventory unreachable' }),
      sweep(SUB_B, '2026-11-24T11:50:00.000Z', { high: 50 }, { superseded: true }),
    ]);
    expect(points.map((point) => [point.at, point.total, point.bySeverity.high, point.subscriptions])).toEqual([
      ['2026-11-24T10:00:00.000Z', 6, 3, 2],
      ['2026-11-24T11:00:00.000Z', 3, 1, 2],
    ]);
  });

  it('renders an SVG with a text alternative and a titled point per sweep', () => {
    const svg = renderTrendSvg(trendPoints([sweep(SUB_A, '2026-11-24T10:00:00.000Z', { high: 3 }), sweep(SUB_A, '2026-11-25T10:00:00.000Z', { high: 1, low: 1 })])).value;
    expect(svg).toMatch(/^<svg class="trend" id="trend-chart"[^>]*role="img" aria-labelledby="trend-title trend-desc"/);
    expect(svg.match(/<circle /g)?.length).toBe(2);
    expect(svg).toContain('2026-11-25 10:00 UTC: 2 open (high 1');
    expect(svg).not.toMatch(/\sstyle=/);
    expect(svg).not.toContain('NaN');
  });

  it('escapes a hostile timestamp that is not a date, and says when there is no sweep yet', () => {
    const svg = renderTrendSvg([{ at: HOSTILE, total: 1, bySeverity: { info: 0, low: 0, medium: 0, high: 1 }, subscriptions: 1 }]).value;
    expect(svg).not.toContain('<img');
    expect(svg).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(renderTrendSvg([]).value).toContain('No complete sweep');
  });
});

describe('rule docs and catalogue', () => {
  it('extracts the az CLI and Bicep blocks of the Examples section', () => {
    const doc = '# x\n\n## Examples\n\n### Azure CLI\n\n```bash\naz network nsg rule delete \\\n  --name AllowSsh\n```\n\n### Bicep\n\n```bicep\nresource x\n```\n\n## Links\n\n```\nnot an example\n```\n';
    expect(examplesOf(doc)).toEqual({ azureCli: 'az network nsg rule delete \\\n  --name AllowSsh', bicep: 'resource x' });
    expect(examplesOf('# no examples')).toEqual({ azureCli: null, bicep: null });
    expect(examplesOf('## Examples\n\n### Azure CLI\n\nNo block here.\n\n### Bicep\n\n```\nb\n```\n')).toEqual({ azureCli: null, bicep: 'b' });
  });

  it('serves a rule\'s fixes from the generated data, and names no doc for an odd ID', () => {
    const ssh = RULE_FIXES['nsg.ssh-exposed'];
    expect(ssh?.docPath).toBe('src/rules/nsg/ssh-exposed.md');
    expect(ssh?.azureCli).toContain('az network nsg rule');
    expect(ssh?.bicep).toContain('Microsoft.Network/networkSecurityGroups');
    expect(RULE_FIXES['nsg.no-such-rule']).toBeUndefined();
    expect(ruleDocPath('../../etc/passwd')).toBeUndefined();
    expect(ruleDocPath('nsg.ssh-exposed')).toBe('src/rules/nsg/ssh-exposed.md');
  });

  it('lists every registered rule with its quoted source; counts are null without a judged estate', () => {
    const catalogue = ruleCatalogue(new Map());
    expect(catalogue.rules.map((rule) => rule.id)).toEqual(allRules.map((rule) => rule.meta.id));
    const ssh = catalogue.rules.find((rule) => rule.id === 'nsg.ssh-exposed');
    expect(ssh?.source.quote).toContain('port 22');
    expect(ssh?.source.documentTitle).toMatch(/Azure/);
    expect(ssh?.counts).toBeNull();
  });

  it("says which profile judges, which rules it runs, and each rule's guidance", () => {
    const documented = ruleCatalogue(new Map());
    const current = ruleCatalogue(new Map(), 'current');
    expect([documented.profile, current.profile]).toEqual(['documented', 'current']);
    const flags = (catalogue: typeof documented, id: string): boolean | undefined => catalogue.rules.find((rule) => rule.id === id)?.inProfile;
    expect([flags(documented, 'aks.private-cluster'), flags(current, 'aks.private-cluster')]).toEqual([true, false]);
    expect([flags(documented, 'compute.no-public-ip-egress'), flags(current, 'compute.no-public-ip-egress')]).toEqual([false, true]);
    expect([flags(documented, 'acr.workspace-edition'), flags(current, 'acr.workspace-edition')]).toEqual([false, false]);
    expect(current.rules.find((rule) => rule.id === 'aks.private-cluster')?.guidance).toMatchObject({ status: 'superseded', page: { url: expect.stringMatching(/^https:\/\/learn\.microsoft\.com\//) } });
    expect(current.rules.find((rule) => rule.id === 'compute.no-public-ip-egress')?.source.documentTitle).toBe('Secure an Azure Machine Learning training environment with virtual networks');
  });

  it('keeps the newest sweep per subscription, failed ones included', () => {
    const newest = newestSweepPerSubscription([
      sweep(SUB_A, '2026-11-24T10:00:00.000Z', {}),
      sweep(SUB_A, '2026-11-24T11:00:00.000Z', {}, { complete: false, error: 'boom' }),
      sweep(SUB_B, '2026-11-24T09:00:00.000Z', {}),
    ]);
    expect(newest.map((entry) => [entry.subscriptionId, entry.sweptAt, entry.error])).toEqual([
      [SUB_A, '2026-11-24T11:00:00.000Z', 'boom'],
      [SUB_B, '2026-11-24T09:00:00.000Z', null],
    ]);
  });
});

describe('dashboardResponse', () => {
  const store = sweepStore([sweep(SUB_A, '2026-11-24T10:00:00.000Z', { high: 2 })]);

  it('serves the page at / and /api/dashboard with the CSP and the trend', async () => {
    for (const path of ['/', '/api/dashboard']) {
      const response = await dashboardResponse({ store }, request(path), silent);
      expect(response.status).toBe(200);
      expect((response.headers as Record<string, string>)['content-security-policy']).toBe(DASHBOARD_CSP);
      expect(String(response.body)).toContain('id="trend-chart"');
    }
  });

  it('still renders the page when the sweep records cannot be read', async () => {
    const warnings: string[] = [];
    const response = await dashboardResponse({ store: sweepStore(new Error('table down')) }, request('/api/dashboard'), { warn: (line) => warnings.push(line) });
    expect(response.status).toBe(200);
    expect(String(response.body)).toContain('trend is unavailable');
    expect(warnings.join('\n')).toContain('table down');
    const sweeps = await dashboardResponse({ store: sweepStore(new Error('table down')) }, request('/api/dashboard/sweeps'), silent);
    expect(sweeps.status).toBe(503);
  });

  it('serves the script and stylesheet with their types, and 404s anything else', async () => {
    const script = await dashboardResponse({ store }, request('/api/dashboard/app.js'), silent);
    expect((script.headers as Record<string, string>)['content-type']).toMatch(/^text\/javascript/);
    const css = await dashboardResponse({ store }, request('/api/dashboard/app.css'), silent);
    expect((css.headers as Record<string, string>)['content-type']).toMatch(/^text\/css/);
    expect((await dashboardResponse({ store }, request('/api/dashboard/../../etc/passwd'), silent)).status).toBe(404);
    expect((await dashboardResponse({ store }, request('/api/dashboard/nope'), silent)).status).toBe(404);
  });

  it('answers the sweeps and rules JSON', async () => {
    const sweeps = await dashboardResponse({ store }, request('/api/dashboard/sweeps'), silent);
    expect((sweeps.jsonBody as { subscriptions: { subscriptionId: string }[] }).subscriptions.map((entry) => entry.subscriptionId)).toEqual([SUB_A]);
    const rules = await dashboardResponse({ store }, request('/api/dashboard/rules'), silent);
    expect((rules.jsonBody as { rules: unknown[] }).rules.length).toBe(allRules.length);
  });
});

describe('the client script', () => {
  let script = '';
  beforeAll(async () => {
    script = await dashboardScript();
  });

  it('is one self-contained, syntactically valid script', () => {
    // Parsed, never run: the Function constructor is the syntax check of a script meant for a page.
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    expect(() => new Function(script)).not.toThrow();
    expect(script.startsWith('"use strict";')).toBe(true);
    // One bundle: no module loader left for the page to resolve.
    expect(script).not.toMatch(/\brequire\(|^import |^export /m);
  });

  it('never writes markup from strings (textContent and DOM nodes only)', () => {
    expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
  });
});
