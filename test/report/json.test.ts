import { describe, expect, it } from 'vitest';
import { renderJson } from '../../src/report';
import { findings, report } from './fixtures';

describe('renderJson', () => {
  it('prints exactly the contract document: generatedAt, summary, findings with the listed fields', () => {
    const withExtra = findings.map((finding) => ({ ...finding, internal: 'not for output' }));
    const document = JSON.parse(renderJson(report({ findings: withExtra }))) as Record<string, unknown>;
    expect(Object.keys(document)).toEqual(['generatedAt', 'summary', 'findings']);
    expect(document['generatedAt']).toBe('2026-11-24T10:00:00.000Z');
    expect(Object.keys(document['summary'] as object)).toEqual(['resources', 'evaluations', 'pass', 'fail', 'unknown', 'notApplicable']);
    const first = (document['findings'] as Array<Record<string, unknown>>)[0] ?? {};
    expect(Object.keys(first)).toEqual(['ruleId', 'resourceId', 'status', 'severity', 'title', 'message', 'evidence', 'workspaceIds']);
    expect(first['evidence']).toEqual({ defaultAction: 'Allow', publicNetworkAccess: null });
  });

  it('adds incomplete and gaps when the inventory has gaps, and warnings when there are some', () => {
    const document = JSON.parse(renderJson(report({ gaps: [{ scope: '/subscriptions/x', reason: 'throttled' }], warnings: ['skipped 2 rows'] }))) as Record<string, unknown>;
    expect(document['incomplete']).toBe(true);
    expect(document['gaps']).toEqual([{ scope: '/subscriptions/x', reason: 'throttled' }]);
    expect(document['warnings']).toEqual(['skipped 2 rows']);
  });

  it('is one document followed by a newline', () => {
    const text = renderJson(report({ findings: [] }));
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text).findings).toEqual([]);
  });
});
