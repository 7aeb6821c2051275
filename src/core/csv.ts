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

/** Stored findings as CSV, one row each: evidence is its JSON, workspace IDs are joined by ';'. */
export function storedFindingsCsv(findings: readonly CsvFinding[]): string {
  const lines = [FINDING_CSV_COLUMNS.join(',')];
  for (const finding of findings) {
    lines.push(
      [
        finding.ruleId,
        finding.resourceId,
        finding.status,
        finding.severity,
        finding.state,
        finding.firstSeen,
        finding.lastSeen,
        finding.resolvedAt ?? '',
        finding.occurrences === null ? '' : String(finding.occurrences),
        finding.title,
        finding.message,
        finding.workspaceIds.join(';'),
        JSON.stringify(finding.evidence) ?? '',
        finding.suppression?.reason ?? '',
        finding.suppression?.expiresOn ?? '',
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
