import { describe, expect, it } from 'vitest';
import { csvCell, FINDING_CSV_COLUMNS, storedFindingsCsv } from '../../src/core/csv';
import type { CsvFinding } from '../../src/core/csv';

const finding: CsvFinding = {
  ruleId: 'storage.default-deny',
  resourceId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st,1',
  status: 'fail',
  severity: 'high',
  state: 'suppressed',
  firstSeen: '2026-11-24T10:00:00.000Z',
  lastSeen: '2026-11-24T11:00:00.000Z',
  resolvedAt: null,
  occurrences: null,
  title: 'Storage is open',
  message: '=HYPERLINK("http://evil.example")',
  workspaceIds: ['/w/1', '/w/2'],
  evidence: { defaultAction: 'Allow', note: 'line\nbreak' },
  suppression: { reason: 'accepted, until Q1', expiresOn: '2027-01-01T00:00:00.000Z' },
};

describe('the stored-findings CSV (CLI and dashboard)', () => {
  it('writes the header and one RFC 4180 row per finding, CRLF-terminated', () => {
    const text = storedFindingsCsv([finding]);
    expect(text.endsWith('\r\n')).toBe(true);
    const [header, row] = text.split('\r\n');
    expect(header).toBe(FINDING_CSV_COLUMNS.join(','));
    expect(row).toBe(
      [
        'storage.default-deny',
        '"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st,1"',
        'fail',
        'high',
        'suppressed',
        '2026-11-24T10:00:00.000Z',
        '2026-11-24T11:00:00.000Z',
        '',
        '',
        'Storage is open',
        `"'=HYPERLINK(""http://evil.example"")"`,
        '/w/1;/w/2',
        '"{""defaultAction"":""Allow"",""note"":""line\\nbreak""}"',
        '"accepted, until Q1"',
        '2027-01-01T00:00:00.000Z',
      ].join(','),
    );
  });

  it('neutralises every cell a spreadsheet would read as a formula', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r']) expect(csvCell(`${start}1`).replace(/^"/, '').startsWith("'")).toBe(true);
    expect(csvCell('plain')).toBe('plain');
  });
});
