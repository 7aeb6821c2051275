import { describe, expect, it } from 'vitest';
import type { ClientFinding, Row } from '../../src/dashboard/browser/view-state';
import { defaultFilters, matchesFilters, parseViewState, rowComparator, searchWords, viewStateFragment } from '../../src/dashboard/browser/view-state';

/** The dashboard's view (filters, sort, the URL fragment) and its filtering and ordering, without a browser. */

function row(overrides: Partial<ClientFinding> & { key: string; name?: string; rank?: number; workspaceKeys?: string[]; subscription?: string; haystack?: string }): Row {
  const finding: ClientFinding = {
    ruleId: 'storage.default-deny',
    resourceId: `/subscriptions/s/x/${overrides.key}`,
    status: 'fail',
    severity: 'high',
    title: 't',
    message: 'm',
    evidence: {},
    workspaceIds: [],
    state: 'open',
    firstSeen: '2026-12-01T00:00:00Z',
    lastSeen: '2026-12-01T00:00:00Z',
    evaluatedAt: '',
    resolvedAt: null,
    resolution: null,
    occurrences: 1,
    subscriptionId: 's',
    suppression: null,
    ...overrides,
  };
  return { finding, key: overrides.key, name: overrides.name ?? overrides.key, rank: overrides.rank ?? 3, workspaceKeys: overrides.workspaceKeys ?? [], workspaceName: '', subscription: overrides.subscription ?? 's', haystack: overrides.haystack ?? overrides.key };
}

describe('the view as a link', () => {
  it('round-trips filters and sort through the fragment; the default view is an empty fragment', () => {
    expect(viewStateFragment({ filters: defaultFilters(), sortKey: 'severity', sortDescending: true })).toBe('');
    const view = { filters: { ...defaultFilters(), state: 'all', rule: 'nsg.ssh-exposed', q: 'a b&c' }, sortKey: 'rule' as const, sortDescending: false };
    const fragment = viewStateFragment(view);
    expect(fragment).toBe('state=all&rule=nsg.ssh-exposed&q=a+b%26c&sort=rule%3Aasc');
    const parsed = parseViewState(`#${fragment}`);
    expect(parsed).toEqual({ ...view, unknown: [] });
  });

  it('a link states the whole view: names values it cannot show, ignores a sort it does not know', () => {
    const parsed = parseViewState('#state=gone&severity=critical&workspace=%3Cimg%3E&sort=evil:up');
    expect(parsed.filters).toEqual({ ...defaultFilters(), workspace: '<img>' });
    expect(parsed.unknown).toEqual(["state 'gone' is not open, resolved, suppressed or all", "severity 'critical' is not info, low, medium, high"]);
    expect([parsed.sortKey, parsed.sortDescending]).toEqual(['severity', true]);
  });
});

describe('filtering and ordering rows', () => {
  it('keeps rows that match every filter and every word of the search', () => {
    const rows = [row({ key: 'a', haystack: 'stmlws storage' }), row({ key: 'b', state: 'resolved' }), row({ key: 'c', severity: 'low' }), row({ key: 'd', workspaceKeys: ['ws'] })];
    const keys = (filters = defaultFilters(), q = ''): string[] => rows.filter((item) => matchesFilters(item, filters, searchWords(q))).map((item) => item.key);
    expect(keys()).toEqual(['a', 'c', 'd']);
    expect(keys({ ...defaultFilters(), state: 'all' })).toEqual(['a', 'b', 'c', 'd']);
    expect(keys({ ...defaultFilters(), severity: 'low' })).toEqual(['c']);
    expect(keys({ ...defaultFilters(), workspace: '(none)' })).toEqual(['a', 'c']);
    expect(keys(defaultFilters(), '  STORAGE   stmlws ')).toEqual(['a']);
  });

  it('orders by the sort column, then newest last seen, then key, in either direction', () => {
    const rows = [row({ key: 'a', rank: 1, lastSeen: '2026-12-01T01:00:00Z' }), row({ key: 'b', rank: 3, lastSeen: '2026-12-01T00:00:00Z' }), row({ key: 'c', rank: 3, lastSeen: '2026-12-01T02:00:00Z' })];
    expect([...rows].sort(rowComparator('severity', true)).map((item) => item.key)).toEqual(['c', 'b', 'a']);
    expect([...rows].sort(rowComparator('severity', false)).map((item) => item.key)).toEqual(['a', 'b', 'c']);
    expect([...rows].sort(rowComparator('lastSeen', true)).map((item) => item.key)).toEqual(['c', 'a', 'b']);
  });
});
