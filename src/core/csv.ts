/**
 * CSV as every part of the auditor writes it (RFC 4180: CRLF line ends, fields quoted when they
 * hold a comma, quote or line break, quotes doubled), and the one CSV of stored findings that
 * `findings list --format csv` and the dashboard's export both write. Pure and dependency-free,
 * so the browser bundle takes it as it is.
 */

/**
 * One field. Names in the inventory are attacker-controlled and CSV files get opened in
 * spreadsheets, so a cell that a spreadsheet would read as a formula (= + - @, or a leading
 * tab or carriage return) gets a leading apostrophe (OWASP "CSV injection").
 */
export function csvCell(value: string): string {
  const neutralised = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(neutralised) ? `"${neutralised.replace(/"/g, '""')}"` : neutralised;
}

export const FINDING_CSV_COLUMNS = [
  'ruleId',
  'resourceId',
  'status',
  'severity',
  'state',
  'firstSeen',
  'lastSeen',
  'resolvedAt',
  'occurrences',
  'title',
  'message',
  'workspaceIds',
  'evidence',
  'suppressionReason',
  'suppressionExpiresOn',
] as const;

/** What a stored finding's CSV row reads (the store's StoredFinding, or the page's copy of it). */
export interface CsvFinding {
  readonly ruleId: string;
  readonly resourceId: string;
  readonly status: string;
  readonly severity: string;
  readonly state: string;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly resolvedAt: string | null;
  readonly occurrences: number | null;
  readonly title: string;
  readonly message: string;
  readonly workspaceIds: readonly string[];
  readonly evidence: unknown;
  readonly suppression: { readonly reason: string; readonly expiresOn: string } | null;
}

export type FindingCsvColumn = (typeof FINDING_CSV_COLUMNS)[number];

/** Every column's text for one finding: evidence is its JSON, workspace IDs are joined by ';'. */
function cellsOf(finding: CsvFinding): Record<FindingCsvColumn, string> {
  return {
    ruleId: finding.ruleId,
    resourceId: finding.resourceId,
    status: finding.status,
    severity: finding.severity,
    state: finding.state,
    firstSeen: finding.firstSeen,
    lastSeen: finding.lastSeen,
    resolvedAt: finding.resolvedAt ?? '',
    occurrences: finding.occurrences === null ? '' : String(finding.occurrences),
    title: finding.title,
    message: finding.message,
    workspaceIds: finding.workspaceIds.join(';'),
    evidence: JSON.stringify(finding.evidence) ?? '',
    suppressionReason: finding.suppression?.reason ?? '',
    suppressionExpiresOn: finding.suppression?.expiresOn ?? '',
  };
}

/**
 * Stored findings as CSV, one row each, in the columns asked for: all of FINDING_CSV_COLUMNS
 * (`findings list`, the dashboard's export) or the HTTP API's shorter set (docs/interfaces.md).
 */
export function storedFindingsCsv(findings: readonly CsvFinding[], columns: readonly FindingCsvColumn[] = FINDING_CSV_COLUMNS): string {
  const lines = [columns.join(',')];
  for (const finding of findings) {
    const cells = cellsOf(finding);
    lines.push(columns.map((column) => csvCell(cells[column])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
