/**
 * The dashboard's browser code, bundled by esbuild into the one script the page loads
 * (/api/dashboard/app.js; see ../script.ts). Written in TypeScript so the compiler checks it
 * against the DOM. Its pure parts live beside it (csv.ts) and are unit-tested without a browser.
 *
 * Safety: every string from the API (resource names, tags, messages, evidence) is attacker-
 * controlled. It reaches the page through textContent, element properties and DOM nodes only;
 * there is no innerHTML, no string-built markup, no eval. Links to the portal are built only from
 * IDs that look like ARM IDs, segment by segment encoded.
 *
 * Longer than 500 lines: the page's state (rows, filters, paging, the detail view) is one closure
 * that its event handlers share; its pure parts are split out as they are given tests
 * (view-state.ts: filters, sort and the URL; remediation-view.ts).
 */

import { storedFindingsCsv } from '../../core/csv';
import type { DashboardRule, RuleCatalogue, SubscriptionSweepSummary } from '../catalogue';
import type { ClientRemediation } from './remediation-view';
import { remediationNodes } from './remediation-view';
import type { ClientFinding, Filters, Row, SortKey } from './view-state';
import { defaultFilters, matchesFilters, parseViewState, rowComparator, searchWords, SEVERITY_ORDER, viewStateFragment } from './view-state';

/** What /api/dashboard/rules answers, and the sweep summaries of the page data: the server's own types. */
type ClientRule = DashboardRule;
type ClientSubscriptionSweep = SubscriptionSweepSummary;
type ClientCatalogue = Pick<RuleCatalogue, 'rules' | 'evaluatedBasis'> & { readonly profile: string };

/** Timings the bench and tests read (performance marks are also set). */
interface DashboardTimings {
  firstRowsMs?: number;
  readyMs?: number;
  lastRenderMs?: number;
  pages?: number;
  /** When everything the page loads is in (today the same moment as readyMs). */
  completeMs?: number;
}

export function dashboardClient(): void {
  const PAGE_LIMIT = 1000;

  const rows: Row[] = [];
  const rowsByKey = new Map<string, Row>();
  const rules = new Map<string, ClientRule>();
  let catalogue: ClientCatalogue | undefined;
  let sweeps: readonly ClientSubscriptionSweep[] = [];
  let filtered: Row[] = [];
  let page = 0;
  let pageSize = 50;
  let sortKey: SortKey = 'severity';
  let sortDescending = true;
  let loading = true;
  let lastOpened: HTMLElement | undefined;
  const filters: Filters = defaultFilters();
  const timings: DashboardTimings = {};
  (window as unknown as { dashboardTimings: DashboardTimings }).dashboardTimings = timings;

  const byId = <T extends HTMLElement>(id: string): T => {
    const element = document.getElementById(id);
    if (element === null) throw new Error(`dashboard: #${id} is missing from the page`);
    return element as T;
  };
  const el = <K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] => {
    const element = document.createElement(tag);
    if (className !== undefined) element.className = className;
    if (text !== undefined) element.textContent = text;
    return element;
  };
  const numberFormat = new Intl.NumberFormat('en-US');
  const count = (value: number): string => numberFormat.format(value);
  const formatTime = (iso: string | null): string => {
    if (iso === null || iso === '') return '—';
    const time = Date.parse(iso);
    return Number.isNaN(time) ? iso : `${new Date(time).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  };
  const lastSegment = (id: string): string => {
    const parts = id.replace(/\/+$/, '').split('/');
    return parts[parts.length - 1] ?? id;
  };
  /** "Microsoft.Network/virtualNetworks/subnets · rg-ml": what the resource is and where. */
  const describeResource = (id: string): string => {
    const match = /^\/subscriptions\/[^/]+\/resourcegroups\/([^/]+)\/providers\/(.+)$/i.exec(id);
    if (match === null) return id;
    const segments = (match[2] ?? '').split('/');
    const types = [segments[0] ?? ''];
    for (let index = 1; index < segments.length; index += 2) types.push(segments[index] ?? '');
    return `${types.join('/')} · ${match[1] ?? ''}`;
  };
  // The page's own sign-in (App Service authentication's cookie) covers what it reads: never a key in a URL.
  const withKey = (url: string): string => url;
  const text = (value: unknown): string =>
    typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : value === null || value === undefined ? '' : (JSON.stringify(value) ?? '');
  const textOrNull = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

  /** The edge: whatever the API sent, a row holds strings where strings are expected. */
  const toFinding = (raw: unknown): ClientFinding | undefined => {
    if (typeof raw !== 'object' || raw === null) return undefined;
    const value = raw as Record<string, unknown>;
    if (typeof value.ruleId !== 'string' || typeof value.resourceId !== 'string') return undefined;
    const suppression = typeof value.suppression === 'object' && value.suppression !== null ? (value.suppression as Record<string, unknown>) : null;
    return {
      ruleId: value.ruleId,
      resourceId: value.resourceId,
      status: text(value.status),
      severity: SEVERITY_ORDER.includes(text(value.severity)) ? text(value.severity) : 'info',
      title: text(value.title),
      message: text(value.message),
      evidence: value.evidence ?? {},
      workspaceIds: Array.isArray(value.workspaceIds) ? value.workspaceIds.filter((id): id is string => typeof id === 'string') : [],
      state: text(value.state),
      firstSeen: text(value.firstSeen),
      lastSeen: text(value.lastSeen),
      evaluatedAt: text(value.evaluatedAt),
      resolvedAt: textOrNull(value.resolvedAt),
      resolution: textOrNull(value.resolution),
      occurrences: typeof value.occurrences === 'number' ? value.occurrences : null,
      subscriptionId: textOrNull(value.subscriptionId),
      suppression: suppression === null ? null : { reason: text(suppression.reason), createdBy: text(suppression.createdBy), expiresOn: text(suppression.expiresOn) },
    };
  };

  const toRow = (finding: ClientFinding): Row => {
    const subscriptionMatch = /^\/subscriptions\/([^/]+)/i.exec(finding.resourceId);
    let evidenceText = '';
    try {
      evidenceText = JSON.stringify(finding.evidence);
    } catch {
      evidenceText = '';
    }
    return {
      finding,
      key: `${finding.ruleId}\n${finding.resourceId.toLowerCase()}`,
      name: lastSegment(finding.resourceId),
      rank: SEVERITY_ORDER.indexOf(finding.severity),
      workspaceKeys: finding.workspaceIds.map((id) => id.toLowerCase()),
      workspaceName: finding.workspaceIds.map(lastSegment).join(', '),
      subscription: (finding.subscriptionId ?? subscriptionMatch?.[1] ?? '').toLowerCase(),
      haystack: [finding.ruleId, finding.resourceId, finding.title, finding.message, finding.workspaceIds.join(' '), evidenceText, finding.suppression?.reason ?? ''].join('\n').toLowerCase(),
    };
  };

  // ---------- loading ----------

  const status = byId<HTMLParagraphElement>('status');
  const setStatus = (message: string, isError = false): void => {
    status.textContent = message;
    status.classList.toggle('error', isError);
  };

  const fetchJson = async (url: string): Promise<{ body: unknown; response: Response }> => {
    const response = await fetch(withKey(url), { headers: { accept: 'application/json' }, credentials: 'same-origin' });
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      body = undefined;
    }
    if (!response.ok) {
      const detail = typeof body === 'object' && body !== null && typeof (body as { error?: unknown }).error === 'string' ? (body as { error: string }).error : response.statusText;
      throw new Error(`${url.split('?')[0] ?? url} answered ${response.status}: ${detail}`);
    }
    return { body, response };
  };

  let catalogueLoaded: Promise<void> = Promise.resolve();
  const loadCatalogue = async (): Promise<void> => {
    try {
      const { body } = await fetchJson('/api/dashboard/rules');
      const value = body as Partial<ClientCatalogue> | undefined;
      if (value === undefined || !Array.isArray(value.rules)) return;
      catalogue = { rules: value.rules, evaluatedBasis: Array.isArray(value.evaluatedBasis) ? value.evaluatedBasis : [], profile: text(value.profile) || 'documented' };
      for (const rule of catalogue.rules) if (typeof rule?.id === 'string') rules.set(rule.id, rule);
      refreshOptions();
      renderBreakdowns();
    } catch (error) {
      // The findings still show without the catalogue; the detail then lacks the fix examples.
      byId('rules-basis').textContent = `Rule details unavailable: ${error instanceof Error ? error.message : String(error)}`;
    }
  };

  /** Every page of one query of GET /api/findings, each page shown as it lands. */
  const loadQuery = async (query: URLSearchParams): Promise<void> => {
    let token: string | null = null;
    do {
      const pageQuery = new URLSearchParams(query);
      pageQuery.set('top', String(PAGE_LIMIT));
      // The page sorts rows itself: pages by key cost the store about their own size each.
      pageQuery.set('order', 'key');
      if (token !== null) pageQuery.set('continuationToken', token);
      const { body, response } = await fetchJson(`/api/findings?${pageQuery.toString()}`);
      const value = body as { findings?: unknown; continuationToken?: unknown } | undefined;
      const items = Array.isArray(value?.findings) ? value.findings : [];
      for (const raw of items) {
        const finding = toFinding(raw);
        if (finding === undefined) continue;
        const row = toRow(finding);
        // A finding read twice (moved while paging) is kept once: the first copy.
        if (rowsByKey.has(row.key)) continue;
        rowsByKey.set(row.key, row);
        rows.push(row);
      }
      apiPages++;
      const next = typeof value?.continuationToken === 'string' && value.continuationToken !== '' ? value.continuationToken : response.headers.get('x-continuation-token');
      token = next !== null && next !== '' ? next : null;
      if (token !== null) setStatus(`Loading findings… ${count(rows.length)} so far`);
      refreshOptions();
      applyFilters(false);
      renderHeadline();
      if (timings.firstRowsMs === undefined) {
        timings.firstRowsMs = performance.now();
        performance.mark('dashboard-first-rows');
      }
    } while (token !== null);
  };

  let apiPages = 0;

  /**
   * Every finding, paged by key: each page costs the store about its own size, and the page sorts
   * rows itself. The sweep records (/api/dashboard/sweeps) are read beside, for the coverage view.
   */
  const loadFindings = async (): Promise<void> => {
    const sweepsRead = fetchJson('/api/dashboard/sweeps').then(
      ({ body }) => {
        const value = body as { subscriptions?: unknown } | undefined;
        sweeps = Array.isArray(value?.subscriptions) ? (value.subscriptions as ClientSubscriptionSweep[]) : [];
      },
      () => {
        sweeps = [];
      },
    );
    await loadQuery(new URLSearchParams({ status: 'all' }));
    await sweepsRead;
    timings.pages = apiPages;
  };

  // ---------- filtering, sorting, paging ----------

  const applyFilters = (resetPage: boolean): void => {
    const started = performance.now();
    const words = searchWords(filters.q);
    filtered = rows.filter((row) => matchesFilters(row, filters, words));
    filtered.sort(rowComparator(sortKey, sortDescending));
    if (resetPage) page = 0;
    const pages = Math.max(1, Math.ceil(filtered.length / pageSize));
    if (page >= pages) page = pages - 1;
    renderTable();
    renderFilterNote();
    timings.lastRenderMs = performance.now() - started;
  };

  const saveFiltersToUrl = (): void => {
    const hash = viewStateFragment({ filters, sortKey, sortDescending });
    history.replaceState(null, '', hash === '' ? `${window.location.pathname}${window.location.search}` : `#${hash}`);
  };

  /** Values a link asked for that this page cannot show: said in #filter-note, never a silent empty table. */
  const unknownFromUrl: string[] = [];

  const loadFiltersFromUrl = (): void => {
    const view = parseViewState(window.location.hash);
    unknownFromUrl.length = 0;
    unknownFromUrl.push(...view.unknown);
    Object.assign(filters, view.filters);
    sortKey = view.sortKey;
    sortDescending = view.sortDescending;
  };

  /** Says what the link asked for that the data does not have (once findings and rules are loaded). */
  const renderFilterNote = (): void => {
    const note = byId('filter-note');
    const problems = [...unknownFromUrl];
    if (!loading) {
      if (filters.rule !== '' && catalogue !== undefined && !rules.has(filters.rule)) problems.push(`rule '${filters.rule}' is not a rule of this auditor`);
      if (filters.workspace !== '' && filters.workspace !== '(none)' && !rows.some((row) => row.workspaceKeys.includes(filters.workspace))) problems.push(`no finding is in workspace '${filters.workspace}'`);
      if (filters.subscription !== '' && !rows.some((row) => row.subscription === filters.subscription)) problems.push(`no finding is in subscription '${filters.subscription}'`);
    }
    note.hidden = problems.length === 0;
    note.textContent = problems.length === 0 ? '' : `From the link: ${problems.join('; ')}.`;
  };

  // ---------- rendering ----------

  const tbody = byId<HTMLTableSectionElement>('findings-body');
  const badge = (severity: string): HTMLSpanElement => el('span', `badge badge-${SEVERITY_ORDER.includes(severity) ? severity : 'info'}`, severity);

  const renderTable = (): void => {
    const start = page * pageSize;
    const visible = filtered.slice(start, start + pageSize);
    const fragment = document.createDocumentFragment();
    for (const row of visible) {
      const finding = row.finding;
      const tr = el('tr');
      tr.tabIndex = 0;
      tr.dataset.key = row.key;
      tr.dataset.severity = finding.severity;
      tr.dataset.ruleId = finding.ruleId;
      tr.setAttribute('aria-label', `${finding.severity} ${finding.ruleId} on ${row.name}: open details`);
      const severityCell = el('td');
      severityCell.append(badge(finding.severity));
      const ruleCell = el('td');
      ruleCell.append(el('span', 'mono', finding.ruleId), el('span', 'res-sub', finding.title));
      const resourceCell = el('td');
      const message = el('span', 'msg', finding.message);
      // Cut to fit the row: the whole text on hover (and in the detail view).
      message.title = finding.message;
      resourceCell.title = finding.resourceId;
      resourceCell.append(el('span', 'res-name', row.name), el('span', 'res-sub', describeResource(finding.resourceId)), message);
      const workspaceCell = el('td', undefined, row.workspaceName === '' ? '—' : row.workspaceName);
      const stateCell = el('td');
      stateCell.append(el('span', `state state-${finding.state}`, finding.state));
      if (finding.status === 'unknown') stateCell.append(el('span', 'res-sub', 'unknown'));
      const seenCell = el('td', undefined, formatTime(finding.lastSeen));
      tr.append(severityCell, ruleCell, resourceCell, workspaceCell, stateCell, seenCell);
      fragment.append(tr);
    }
    if (visible.length === 0) {
      const tr = el('tr');
      const td = el('td', 'empty', loading && rows.length === 0 ? 'Loading…' : rows.length === 0 ? 'No findings are stored yet.' : 'No finding matches these filters.');
      td.colSpan = 6;
      tr.append(td);
      fragment.append(tr);
    }
    tbody.replaceChildren(fragment);
    const pages = Math.max(1, Math.ceil(filtered.length / pageSize));
    byId('page-info').textContent = `Page ${count(page + 1)} of ${count(pages)}`;
    byId<HTMLButtonElement>('page-first').disabled = page === 0;
    byId<HTMLButtonElement>('page-prev').disabled = page === 0;
    byId<HTMLButtonElement>('page-next').disabled = page >= pages - 1;
    byId<HTMLButtonElement>('page-last').disabled = page >= pages - 1;
    const shownFrom = filtered.length === 0 ? 0 : start + 1;
    byId('result-count').textContent = `${count(filtered.length)} of ${count(rows.length)} findings match · showing ${count(shownFrom)}–${count(start + visible.length)}`;
    byId('findings-table').dataset.matching = String(filtered.length);
    for (const th of Array.from(document.querySelectorAll<HTMLTableCellElement>('#findings-table th[data-sort]'))) {
      th.setAttribute('aria-sort', th.dataset.sort === sortKey ? (sortDescending ? 'descending' : 'ascending') : 'none');
    }
  };

  const setOptions = (select: HTMLSelectElement, options: readonly { value: string; label: string }[], current: string): void => {
    const fragment = document.createDocumentFragment();
    const any = el('option', undefined, 'Any');
    any.value = '';
    fragment.append(any);
    for (const option of options) {
      const element = el('option', undefined, option.label);
      element.value = option.value;
      fragment.append(element);
    }
    // A filter from the URL names a value not loaded yet: keep it selectable.
    if (current !== '' && !options.some((option) => option.value === current)) {
      const element = el('option', undefined, current);
      element.value = current;
      fragment.append(element);
    }
    select.replaceChildren(fragment);
    select.value = current;
  };

  let optionsSignature = '';
  const refreshOptions = (): void => {
    const ruleIds = new Set<string>(rules.keys());
    const workspaces = new Map<string, string>();
    const subscriptions = new Set<string>();
    let withoutWorkspace = false;
    for (const row of rows) {
      ruleIds.add(row.finding.ruleId);
      row.finding.workspaceIds.forEach((id, index) => workspaces.set(row.workspaceKeys[index] ?? id.toLowerCase(), id));
      if (row.workspaceKeys.length === 0) withoutWorkspace = true;
      if (row.subscription !== '') subscriptions.add(row.subscription);
    }
    const signature = `${ruleIds.size}/${workspaces.size}/${subscriptions.size}/${withoutWorkspace}`;
    if (signature === optionsSignature) return;
    optionsSignature = signature;
    setOptions(
      byId('filter-rule'),
      [...ruleIds].sort().map((id) => ({ value: id, label: id })),
      filters.rule,
    );
    const workspaceOptions = [...workspaces].map(([key, id]) => ({ value: key, label: `${lastSegment(id)} (${describeResource(id).split(' · ')[1] ?? ''})` })).sort((a, b) => a.label.localeCompare(b.label));
    if (withoutWorkspace) workspaceOptions.push({ value: '(none)', label: '(no workspace)' });
    setOptions(byId('filter-workspace'), workspaceOptions, filters.workspace);
    setOptions(
      byId('filter-subscription'),
      [...subscriptions].sort().map((id) => ({ value: id, label: id })),
      filters.subscription,
    );
  };

  const renderHeadline = (): void => {
    const bySeverity: Record<string, number> = { info: 0, low: 0, medium: 0, high: 0 };
    let open = 0;
    let suppressed = 0;
    for (const row of rows) {
      if (row.finding.state === 'open') {
        open++;
        bySeverity[row.finding.severity] = (bySeverity[row.finding.severity] ?? 0) + 1;
      } else if (row.finding.state === 'suppressed') suppressed++;
    }
    const total = document.querySelector<HTMLElement>('[data-count-total]');
    if (total !== null) total.textContent = count(open);
    for (const severity of SEVERITY_ORDER) {
      const target = document.querySelector<HTMLElement>(`[data-count-severity="${severity}"]`);
      if (target !== null) target.textContent = count(bySeverity[severity] ?? 0);
    }
    const suppressedTarget = document.querySelector<HTMLElement>('[data-count-suppressed]');
    if (suppressedTarget !== null) suppressedTarget.textContent = count(suppressed);
    renderBreakdowns();
  };

  const filterButton = (label: string, apply: () => void, title?: string): HTMLButtonElement => {
    const button = el('button', 'link-button', label);
    button.type = 'button';
    if (title !== undefined) button.title = title;
    button.addEventListener('click', () => {
      apply();
      syncControls();
      applyFilters(true);
      saveFiltersToUrl();
      byId('findings').scrollIntoView({ block: 'start' });
      byId('findings-title').focus?.();
    });
    return button;
  };

  const numberCell = (value: number | string): HTMLTableCellElement => el('td', 'num', typeof value === 'number' ? count(value) : value);

  const renderBreakdowns = (): void => {
    // Per rule: open and suppressed findings in the store; evaluated subjects from the catalogue.
    const openByRule = new Map<string, number>();
    const suppressedByRule = new Map<string, number>();
    const bySubscription = new Map<string, { open: number; high: number }>();
    const byWorkspace = new Map<string, { id: string; counts: Record<string, number>; total: number }>();
    for (const row of rows) {
      const finding = row.finding;
      if (finding.state === 'suppressed') suppressedByRule.set(finding.ruleId, (suppressedByRule.get(finding.ruleId) ?? 0) + 1);
      if (finding.state !== 'open') continue;
      openByRule.set(finding.ruleId, (openByRule.get(finding.ruleId) ?? 0) + 1);
      const subscription = bySubscription.get(row.subscription) ?? { open: 0, high: 0 };
      subscription.open++;
      if (finding.severity === 'high') subscription.high++;
      bySubscription.set(row.subscription, subscription);
      const keys = row.workspaceKeys.length === 0 ? ['(none)'] : row.workspaceKeys;
      keys.forEach((key, index) => {
        const entry = byWorkspace.get(key) ?? { id: finding.workspaceIds[index] ?? '(no workspace)', counts: { info: 0, low: 0, medium: 0, high: 0 }, total: 0 };
        entry.counts[finding.severity] = (entry.counts[finding.severity] ?? 0) + 1;
        entry.total++;
        byWorkspace.set(key, entry);
      });
    }

    const ruleRows = document.createDocumentFragment();
    // The rules this instance runs (its profile), and any other with stored findings.
    const ruleIds = new Set<string>([...rules.values()].filter((rule) => rule.inProfile ?? rule.enabledByDefault).map((rule) => rule.id));
    for (const id of openByRule.keys()) ruleIds.add(id);
    for (const id of suppressedByRule.keys()) ruleIds.add(id);
    const ordered = [...ruleIds].sort((a, b) => (openByRule.get(b) ?? 0) - (openByRule.get(a) ?? 0) || a.localeCompare(b));
    for (const id of ordered) {
      const rule = rules.get(id);
      const failing = openByRule.get(id) ?? 0;
      const suppressedCount = suppressedByRule.get(id) ?? 0;
      const tr = el('tr');
      const nameCell = el('td');
      nameCell.append(
        filterButton(id, () => {
          filters.rule = id;
          filters.state = 'open';
        }, `Show the open findings of ${id}`),
      );
      if (rule !== undefined) nameCell.append(el('span', 'res-sub', rule.title));
      if (rule?.guidance?.status === 'superseded') {
        // Its findings are kept, but today's guidance no longer asks for it: say so, and why.
        const note = el('span', 'res-sub', `Superseded: ${text(rule.guidance.note)}`);
        note.title = text(rule.guidance.page?.url);
        nameCell.append(note);
      }
      const severityCell = el('td');
      severityCell.append(badge(rule?.severity ?? 'info'));
      const evaluated = rule?.counts?.evaluated;
      const complianceCell = el('td');
      if (evaluated !== undefined && evaluated > 0) {
        const compliant = Math.max(0, evaluated - failing - suppressedCount);
        const meter = el('meter');
        meter.min = 0;
        meter.max = evaluated;
        meter.value = compliant;
        meter.low = evaluated * 0.8;
        meter.optimum = evaluated;
        meter.setAttribute('aria-label', `${id}: ${compliant} of ${evaluated} compliant`);
        complianceCell.append(meter, document.createTextNode(` ${Math.round((compliant / evaluated) * 100)}%`));
      } else complianceCell.textContent = evaluated === 0 ? 'no subjects' : '—';
      tr.append(nameCell, severityCell, numberCell(evaluated ?? '—'), numberCell(failing), numberCell(suppressedCount), complianceCell);
      ruleRows.append(tr);
    }
    byId('rules-body').replaceChildren(ruleRows);
    const basis = catalogue?.evaluatedBasis ?? [];
    const judged = catalogue === undefined ? '' : `Judged under the ${catalogue.profile} profile. `;
    byId('rules-basis').textContent =
      catalogue === undefined
        ? 'Loading rule details…'
        : basis.length > 0
          ? `${judged}Evaluated: subjects each rule applied to, in the estate this instance last judged (${basis.length} subscription(s)). Failing: open findings in the store.`
          : `${judged}Evaluated counts appear once this instance has swept a subscription. Failing: open findings in the store.`;

    const workspaceRows = document.createDocumentFragment();
    for (const [key, entry] of [...byWorkspace].sort((a, b) => b[1].total - a[1].total || a[1].id.localeCompare(b[1].id))) {
      const tr = el('tr');
      const nameCell = el('td');
      nameCell.append(
        filterButton(key === '(none)' ? '(no workspace)' : lastSegment(entry.id), () => {
          filters.workspace = key;
          filters.state = 'open';
        }, key === '(none)' ? 'Findings that serve no workspace' : entry.id),
      );
      tr.append(nameCell, numberCell(entry.counts.high ?? 0), numberCell(entry.counts.medium ?? 0), numberCell(entry.counts.low ?? 0), numberCell(entry.counts.info ?? 0), numberCell(entry.total));
      workspaceRows.append(tr);
    }
    byId('workspaces-body').replaceChildren(workspaceRows);
    // The headline's short list: the workspaces with the most open findings.
    const hot = document.createDocumentFragment();
    for (const [key, entry] of [...byWorkspace].sort((a, b) => b[1].total - a[1].total || a[1].id.localeCompare(b[1].id)).slice(0, 5)) {
      const item = el('li');
      item.append(
        filterButton(key === '(none)' ? '(no workspace)' : lastSegment(entry.id), () => {
          filters.workspace = key;
          filters.state = 'open';
        }, key === '(none)' ? 'Findings that serve no workspace' : entry.id),
        el('span', 'count', count(entry.total)),
      );
      if ((entry.counts.high ?? 0) > 0) item.append(el('span', 'res-sub', `${count(entry.counts.high ?? 0)} high`));
      hot.append(item);
    }
    byId('hot-workspaces').replaceChildren(hot);

    const subscriptionRows = document.createDocumentFragment();
    const sweepsById = new Map(sweeps.map((sweep) => [text(sweep.subscriptionId).toLowerCase(), sweep]));
    const subscriptionIds = new Set<string>([...bySubscription.keys(), ...sweepsById.keys()]);
    for (const id of [...subscriptionIds].sort()) {
      const counts = bySubscription.get(id) ?? { open: 0, high: 0 };
      const sweep = sweepsById.get(id);
      const tr = el('tr');
      const nameCell = el('td');
      nameCell.append(
        filterButton(id === '' ? '(none)' : id, () => {
          filters.subscription = id;
          filters.state = 'open';
        }),
      );
      const sweptCell = el('td', undefined, sweep === undefined ? '—' : formatTime(sweep.sweptAt));
      if (sweep?.error !== null && sweep?.error !== undefined) sweptCell.append(el('span', 'res-sub error', `failed: ${sweep.error}`));
      else if (sweep !== undefined && !sweep.complete) sweptCell.append(el('span', 'res-sub', 'incomplete inventory'));
      const judged = sweep === undefined ? 0 : sweep.pass + sweep.fail + sweep.unknown;
      tr.append(nameCell, numberCell(counts.open), numberCell(counts.high), sweptCell, numberCell(sweep === undefined || judged === 0 ? '—' : `${count(sweep.pass)} / ${count(judged)}`));
      subscriptionRows.append(tr);
    }
    byId('subscriptions-body').replaceChildren(subscriptionRows);
  };

  // ---------- detail ----------

  const dialog = byId<HTMLDialogElement>('detail');
  const detailBody = byId<HTMLDivElement>('detail-body');

  /** https://portal.azure.com/#@/resource/subscriptions/…, only for what looks like an ARM ID. */
  const portalUrl = (resourceId: string): string | undefined => {
    if (!/^\/subscriptions\/[0-9a-z-]+(\/[^/?#\s]+)*$/i.test(resourceId)) return undefined;
    const path = resourceId
      .split('/')
      .map((segment) => encodeURIComponent(segment))
      .join('/');
    return `https://portal.azure.com/#@/resource${path}`;
  };

  const definitionList = (entries: readonly (readonly [string, string | Node])[]): HTMLDListElement => {
    const list = el('dl');
    for (const [term, value] of entries) {
      const dd = el('dd');
      if (typeof value === 'string') dd.textContent = value;
      else dd.append(value);
      list.append(el('dt', undefined, term), dd);
    }
    return list;
  };

  const codeBlock = (code: string, label: string): HTMLPreElement => {
    const pre = el('pre');
    pre.tabIndex = 0;
    pre.setAttribute('aria-label', label);
    pre.append(el('code', undefined, code));
    return pre;
  };

  const openDetail = (row: Row, opener: HTMLElement | undefined): void => {
    const finding = row.finding;
    const rule = rules.get(finding.ruleId);
    lastOpened = opener;
    byId('detail-title').textContent = finding.title !== '' ? finding.title : finding.ruleId;
    const parts: Node[] = [];

    const summary = el('p');
    summary.append(badge(finding.severity), document.createTextNode(' '), el('span', 'mono', finding.ruleId), document.createTextNode(' · '), el('span', `state state-${finding.state}`, finding.state), document.createTextNode(` · ${finding.status}`));
    parts.push(summary);
    parts.push(el('p', 'detail-message', finding.message));

    const resource = el('span');
    resource.append(el('span', 'res-name', row.name), el('span', 'res-sub mono', finding.resourceId));
    const portal = portalUrl(finding.resourceId);
    if (portal !== undefined) {
      const link = el('a', undefined, 'Open in the Azure portal');
      link.href = portal;
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
      link.id = 'detail-portal-link';
      resource.append(link);
    }
    const workspaces = el('span');
    if (finding.workspaceIds.length === 0) workspaces.textContent = '—';
    for (const id of finding.workspaceIds) workspaces.append(el('span', 'res-sub mono', id));
    parts.push(
      definitionList([
        ['Resource', resource],
        ['Workspaces', workspaces],
        ['First seen', formatTime(finding.firstSeen)],
        ['Last seen', formatTime(finding.lastSeen)],
        ['State as of', finding.evaluatedAt === '' ? '—' : `${formatTime(finding.evaluatedAt)} (when the judged state was read or captured)`],
        ...(finding.resolvedAt !== null ? ([['Resolved', `${formatTime(finding.resolvedAt)}${finding.resolution !== null ? ` (${finding.resolution})` : ''}`]] as const) : []),
        ...(finding.occurrences !== null && finding.occurrences > 1 ? ([['Opened', `${finding.occurrences} times`]] as const) : []),
        ['Suppression', finding.suppression === null ? 'Not suppressed' : `Suppressed by ${finding.suppression.createdBy} until ${formatTime(finding.suppression.expiresOn)}: ${finding.suppression.reason}`],
      ]),
    );

    parts.push(el('h3', undefined, 'Evidence'));
    let evidence = '';
    try {
      evidence = JSON.stringify(finding.evidence, null, 2);
    } catch {
      evidence = String(finding.evidence);
    }
    parts.push(codeBlock(evidence, 'Evidence (JSON)'));

    parts.push(el('h3', undefined, 'Requirement'));
    if (rule !== undefined) {
      const quote = el('blockquote', undefined, rule.source.quote);
      parts.push(quote);
      parts.push(el('p', 'muted small', `Source ${rule.source.document}: ${rule.source.documentTitle}, section “${rule.source.section}”.`));
      parts.push(el('h3', undefined, 'Remediation'));
      parts.push(el('p', undefined, rule.remediation));
      if (rule.examples.azureCli !== null) {
        parts.push(el('h3', undefined, 'Azure CLI'));
        parts.push(codeBlock(rule.examples.azureCli, 'Azure CLI fix'));
      }
      if (rule.examples.bicep !== null) {
        parts.push(el('h3', undefined, 'Bicep'));
        parts.push(codeBlock(rule.examples.bicep, 'Bicep fix'));
      }
      if (rule.examples.azureCli === null && rule.examples.bicep === null) parts.push(el('p', 'muted', `No az CLI or Bicep example is documented for ${rule.id} yet.`));
    } else {
      parts.push(el('p', 'muted', catalogue === undefined ? 'Rule details are still loading or unavailable.' : `Rule ${finding.ruleId} is not in this auditor's registry.`));
    }
    const remediation = el('section', 'detail-remediation');
    remediation.id = 'detail-remediation';
    remediation.append(el('p', 'muted small', 'Loading remediation plans…'));
    parts.push(remediation);
    detailBody.replaceChildren(...parts);
    dialog.dataset.key = row.key;
    if (!dialog.open) dialog.showModal();
    byId('detail-title').focus();
    void loadRemediation(row.key, finding, remediation);
  };

  /** The plan and history of one finding (GET /api/remediations), filled in when it lands, if its detail is still open. */
  const loadRemediation = async (key: string, finding: ClientFinding, section: HTMLElement): Promise<void> => {
    const query = new URLSearchParams({ ruleId: finding.ruleId, resourceId: finding.resourceId, top: '20' });
    try {
      const { body } = await fetchJson(`/api/remediations?${query.toString()}`);
      const value = (typeof body === 'object' && body !== null ? body : {}) as { remediations?: unknown; mode?: unknown };
      const records = Array.isArray(value.remediations) ? (value.remediations as ClientRemediation[]) : [];
      if (dialog.dataset.key !== key) return;
      section.replaceChildren(...remediationNodes(el, records, typeof value.mode === 'string' ? value.mode : 'off'));
    } catch (error) {
      if (dialog.dataset.key === key) section.replaceChildren(el('p', 'muted small', `Remediation plans unavailable: ${error instanceof Error ? error.message : String(error)}`));
    }
  };

  dialog.addEventListener('close', () => {
    if (lastOpened !== undefined && lastOpened.isConnected) lastOpened.focus();
  });
  byId('detail-close').addEventListener('click', () => dialog.close());
  // A click on the backdrop (outside the dialog's box) closes it.
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog) {
      const box = dialog.getBoundingClientRect();
      if (event.clientX < box.left || event.clientX > box.right || event.clientY < box.top || event.clientY > box.bottom) dialog.close();
    }
  });

  const openFromEvent = (target: EventTarget | null): void => {
    const tr = target instanceof Element ? target.closest('tr') : null;
    const key = tr?.dataset.key;
    const row = key === undefined ? undefined : rowsByKey.get(key);
    if (tr !== null && row !== undefined) openDetail(row, tr ?? undefined);
  };
  tbody.addEventListener('click', (event) => openFromEvent(event.target));
  tbody.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      openFromEvent(event.target);
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      const current = event.target instanceof HTMLElement ? event.target.closest('tr') : null;
      const next = event.key === 'ArrowDown' ? current?.nextElementSibling : current?.previousElementSibling;
      if (next instanceof HTMLElement) {
        event.preventDefault();
        next.focus();
      }
    }
  });

  // ---------- controls ----------

  const controls: Record<Exclude<keyof Filters, 'q'>, HTMLSelectElement> = {
    state: byId('filter-state'),
    severity: byId('filter-severity'),
    rule: byId('filter-rule'),
    workspace: byId('filter-workspace'),
    subscription: byId('filter-subscription'),
  };
  const search = byId<HTMLInputElement>('filter-q');
  const syncControls = (): void => {
    for (const [name, select] of Object.entries(controls) as [Exclude<keyof Filters, 'q'>, HTMLSelectElement][]) {
      if (filters[name] !== '' && !Array.from(select.options).some((option) => option.value === filters[name])) {
        const option = el('option', undefined, filters[name]);
        option.value = filters[name];
        select.append(option);
      }
      select.value = filters[name];
    }
    search.value = filters.q;
  };
  for (const [name, select] of Object.entries(controls) as [Exclude<keyof Filters, 'q'>, HTMLSelectElement][]) {
    select.addEventListener('change', () => {
      filters[name] = select.value;
      applyFilters(true);
      saveFiltersToUrl();
    });
  }
  let searchTimer: number | undefined;
  search.addEventListener('input', () => {
    window.clearTimeout(searchTimer);
    // Debounced: typing into 10k findings re-filters once per pause, not once per key.
    searchTimer = window.setTimeout(() => {
      filters.q = search.value.trim();
      applyFilters(true);
      saveFiltersToUrl();
    }, 120);
  });
  byId('filters').addEventListener('submit', (event) => event.preventDefault());
  byId('clear-filters').addEventListener('click', () => {
    Object.assign(filters, { state: 'open', severity: '', rule: '', workspace: '', subscription: '', q: '' });
    syncControls();
    applyFilters(true);
    saveFiltersToUrl();
  });
  for (const button of Array.from(document.querySelectorAll<HTMLButtonElement>('[data-filter-severity]'))) {
    button.addEventListener('click', () => {
      filters.severity = button.dataset.filterSeverity ?? '';
      filters.state = 'open';
      syncControls();
      applyFilters(true);
      saveFiltersToUrl();
    });
  }
  for (const button of Array.from(document.querySelectorAll<HTMLButtonElement>('[data-filter-state]'))) {
    button.addEventListener('click', () => {
      filters.state = button.dataset.filterState ?? 'open';
      syncControls();
      applyFilters(true);
      saveFiltersToUrl();
    });
  }
  for (const th of Array.from(document.querySelectorAll<HTMLTableCellElement>('#findings-table th[data-sort]'))) {
    th.querySelector('button')?.addEventListener('click', () => {
      const key = th.dataset.sort as SortKey;
      if (sortKey === key) sortDescending = !sortDescending;
      else {
        sortKey = key;
        sortDescending = key === 'severity' || key === 'lastSeen';
      }
      applyFilters(true);
      saveFiltersToUrl();
    });
  }
  const goTo = (target: number): void => {
    page = Math.max(0, Math.min(target, Math.ceil(filtered.length / pageSize) - 1));
    renderTable();
  };
  byId('page-first').addEventListener('click', () => goTo(0));
  byId('page-prev').addEventListener('click', () => goTo(page - 1));
  byId('page-next').addEventListener('click', () => goTo(page + 1));
  byId('page-last').addEventListener('click', () => goTo(Number.MAX_SAFE_INTEGER));
  byId<HTMLSelectElement>('page-size').addEventListener('change', (event) => {
    const size = Number((event.target as HTMLSelectElement).value);
    if ([25, 50, 100, 200].includes(size)) pageSize = size;
    applyFilters(true);
  });

  // ---------- CSV export of what the filters select ----------

  byId('export-csv').addEventListener('click', () => {
    // The same CSV as `findings list --format csv` (src/core/csv.ts), of what the filters select.
    const blob = new Blob([storedFindingsCsv(filtered.map((row) => row.finding))], { type: 'text/csv;charset=utf-8' });
    const link = el('a');
    link.href = URL.createObjectURL(blob);
    link.download = `aml-findings-${filters.state}-${new Date().toISOString().slice(0, 10)}.csv`;
    document.body.append(link);
    link.click();
    link.remove();
    window.setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    setStatus(`Exported ${count(filtered.length)} finding(s) as CSV`);
  });

  // ---------- start ----------

  loadFiltersFromUrl();
  syncControls();
  applyFilters(true);
  // A link edited or followed in an open tab changes the view, as a fresh load of it would.
  window.addEventListener('hashchange', () => {
    loadFiltersFromUrl();
    syncControls();
    applyFilters(true);
  });
  catalogueLoaded = loadCatalogue();
  loadFindings()
    .then(async () => {
      await catalogueLoaded;
      loading = false;
      applyFilters(false);
      renderHeadline();
      timings.readyMs = performance.now();
      performance.mark('dashboard-ready');
      setStatus(`${count(rows.length)} findings loaded · ${formatTime(new Date().toISOString())}`);
      document.body.dataset.ready = 'true';
      timings.completeMs = performance.now();
      document.body.dataset.complete = 'true';
    })
    .catch((error: unknown) => {
      loading = false;
      applyFilters(false);
      setStatus(`Could not load findings: ${error instanceof Error ? error.message : String(error)}`, true);
      document.body.dataset.ready = 'error';
    });
}
