import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, csvCell, renderCsv } from '../../src/report';
import { HOSTILE_ID, findings, report } from './fixtures';

/** A small RFC 4180 reader, so the test checks what a spreadsheet would see. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += char;
  }
  return rows;
}

describe('renderCsv', () => {
  it('writes a header and one row per finding, CRLF-terminated', () => {
    const text = renderCsv(report());
    const rows = parseCsv(text);
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(findings.length + 1);
    expect(text.endsWith('\r\n')).toBe(true);
  });

  it('round-trips commas, quotes and line breaks, and writes evidence as JSON', () => {
    const rows = parseCsv(renderCsv(report()));
    const ssh = rows.find((row) => row[0] === 'nsg.ssh-exposed') ?? [];
    expect(ssh[5]).toContain('"quoted", with, commas\nand a newline.');
    const batch = rows.find((row) => row[0] === 'nsg.batch-inbound') ?? [];
    expect(JSON.parse(batch[7] ?? '')).toEqual({ nsgId: 'nsg', rule: 'deny-all-in', priority: 100 });
    expect(batch[6]?.split(';')).toHaveLength(2);
    expect(ssh[1]).toBe(HOSTILE_ID);
  });

  it.each(['=1+1', '+cmd', '-2+3', '@SUM(A1)', '\tx', '\rx'])('neutralises a formula-looking cell %j with a leading apostrophe', (value) => {
    expect(csvCell(value).replace(/^"/, '').startsWith(`'`)).toBe(true);
  });

  it('neutralises a hostile resource name in a cell', () => {
    const rows = parseCsv(renderCsv(report({ findings: [{ ...findings[0]!, title: '=HYPERLINK("http://evil.example","x")' }] })));
    expect(rows[1]?.[4]).toBe(`'=HYPERLINK("http://evil.example","x")`);
  });

  it('leaves ordinary cells alone', () => {
    expect(csvCell('storage.default-deny')).toBe('storage.default-deny');
    expect(csvCell('/subscriptions/x')).toBe('/subscriptions/x');
  });
});
