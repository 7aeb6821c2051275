/**
 * What the dashboard shows, as plain data: the filters and the sort, read from and written to the
 * URL fragment (so a view is a link), and the filtering and ordering of rows. No DOM here: unit
 * tests run it without a browser (test/dashboard/view-state.test.ts).
 */

/** A finding as GET /api/findings answers it (docs/interfaces.md). */
export interface ClientFinding {
  readonly ruleId: string;
  readonly resourceId: string;
  readonly status: string;
  readonly severity: string;
  readonly title: string;
  readonly message: string;
  readonly evidence: unknown;
  readonly workspaceIds: readonly string[];
  readonly state: string;
  readonly firstSeen: string;
  readonly lastSeen: string;
  /** The time of the state judged (a snapshot's capture time): shown apart from when the auditor looked. */
  readonly evaluatedAt: string;
  readonly resolvedAt: string | null;
  readonly resolution: string | null;
  readonly occurrences: number | null;
  readonly subscriptionId: string | null;
  readonly suppression: { readonly reason: string; readonly createdBy: string; readonly expiresOn: string } | null;
}

/** A finding with what filtering and sorting need, computed once. */
export interface Row {
  readonly finding: ClientFinding;
  readonly key: string;
  readonly name: string;
  readonly rank: number;
  readonly workspaceKeys: readonly string[];
  readonly workspaceName: string;
  readonly subscription: string;
  readonly haystack: string;
}

export type SortKey = 'severity' | 'rule' | 'resource' | 'workspace' | 'state' | 'lastSeen';

export interface Filters {
  state: string;
  severity: string;
  rule: string;
  workspace: string;
  subscription: string;
  q: string;
}

export interface ViewState {
  readonly filters: Filters;
  readonly sortKey: SortKey;
  readonly sortDescending: boolean;
}

export const SEVERITY_ORDER: readonly string[] = ['info', 'low', 'medium', 'high'];
export const FILTER_NAMES: readonly (keyof Filters)[] = ['state', 'severity', 'rule', 'workspace', 'subscription', 'q'];
const STATES = ['open', 'resolved', 'suppressed', 'all'];

export function defaultFilters(): Filters {
  return { state: 'open', severity: '', rule: '', workspace: '', subscription: '', q: '' };
}

/**
 * A view from a URL fragment (`#severity=high&sort=rule:asc`). A link states the whole view: what
 * it does not name is the default. Values it names that no view can show are returned in
 * `unknown`, to be said on the page (never a silent empty table).
 */
export function parseViewState(fragment: string): ViewState & { readonly unknown: readonly string[] } {
  const params = new URLSearchParams(fragment.replace(/^#/, ''));
  const filters = defaultFilters();
  const unknown: string[] = [];
  for (const name of FILTER_NAMES) {
    const value = params.get(name);
    if (value === null) continue;
    if (name === 'state' && !STATES.includes(value)) unknown.push(`state '${value}' is not open, resolved, suppressed or all`);
    else if (name === 'severity' && !SEVERITY_ORDER.includes(value)) unknown.push(`severity '${value}' is not ${SEVERITY_ORDER.join(', ')}`);
    else filters[name] = value;
  }
  const sort = /^(severity|rule|resource|workspace|state|lastSeen):(asc|desc)$/.exec(params.get('sort') ?? '');
  return { filters, sortKey: sort !== null ? (sort[1] as SortKey) : 'severity', sortDescending: sort !== null ? sort[2] === 'desc' : true, unknown };
}

/** The fragment of a view, without the `#`; empty for the default view. */
export function viewStateFragment(view: ViewState): string {
  const params = new URLSearchParams();
  for (const name of FILTER_NAMES) if (view.filters[name] !== '' && !(name === 'state' && view.filters[name] === 'open')) params.set(name, view.filters[name]);
  if (view.sortKey !== 'severity' || !view.sortDescending) params.set('sort', `${view.sortKey}:${view.sortDescending ? 'desc' : 'asc'}`);
  return params.toString();
}

/** The words of the text search: every one must appear (case-insensitive) in a row's text. */
export function searchWords(q: string): string[] {
  return q.toLowerCase().split(/\s+/).filter((word) => word !== '');
}

export function matchesFilters(row: Row, filters: Filters, words: readonly string[]): boolean {
  const finding = row.finding;
  if (filters.state !== 'all' && finding.state !== filters.state) return false;
  if (filters.severity !== '' && finding.severity !== filters.severity) return false;
  if (filters.rule !== '' && finding.ruleId !== filters.rule) return false;
  if (filters.workspace !== '' && !(filters.workspace === '(none)' ? row.workspaceKeys.length === 0 : row.workspaceKeys.includes(filters.workspace))) return false;
  if (filters.subscription !== '' && row.subscription !== filters.subscription) return false;
  for (const word of words) if (!row.haystack.includes(word)) return false;
  return true;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The order of the table: by the sort column, then newest last-seen, then key (stable across reloads). */
export function rowComparator(sortKey: SortKey, descending: boolean): (a: Row, b: Row) => number {
  return (a, b) => {
    let order = 0;
    switch (sortKey) {
      case 'severity':
        order = a.rank - b.rank;
        break;
      case 'rule':
        order = compareText(a.finding.ruleId, b.finding.ruleId);
        break;
      case 'resource':
        order = a.name.localeCompare(b.name);
        break;
      case 'workspace':
        order = a.workspaceName.localeCompare(b.workspaceName);
        break;
      case 'state':
        order = compareText(a.finding.state, b.finding.state);
        break;
      case 'lastSeen':
        order = compareText(a.finding.lastSeen, b.finding.lastSeen);
        break;
    }
    if (order === 0 && sortKey !== 'lastSeen') order = compareText(a.finding.lastSeen, b.finding.lastSeen);
    if (order === 0) order = -compareText(a.key, b.key);
    return descending ? -order : order;
  };
}
