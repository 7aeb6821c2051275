/**
 * Stored findings as JSON, CSV and a terminal table: `findings list` prints these, and the HTTP
 * API (GET /api/findings, `format=csv`) can answer with the same bytes.
 */
import { storedFindingsCsv } from '../core/csv';
import { stripTerminalControls } from '../report';
import type { StoredFinding, Suppression } from './types';

export { FINDING_CSV_COLUMNS } from '../core/csv';

/** `{ "findings": [...], "continuationToken": "…" }` (the token only when there is a next page). */
export function renderFindingsJson(findings: readonly StoredFinding[], continuationToken?: string): string {
  return `${JSON.stringify(continuationToken === undefined ? { findings } : { findings, continuationToken }, null, 2)}\n`;
}

/** The one CSV of stored findings (src/core/csv.ts), as `findings list --format csv` prints it. */
export function renderFindingsCsv(findings: readonly StoredFinding[]): string {
  return storedFindingsCsv(findings);
}

/** One block per finding; inventory strings lose terminal controls (hostile names). */
export function renderFindingsTable(findings: readonly StoredFinding[]): string {
  if (findings.length === 0) return 'No stored findings match.\n';
  const lines: string[] = [];
  for (const finding of findings) {
    const since = finding.state === 'resolved' ? `resolved ${finding.resolvedAt ?? ''}` : `since ${finding.firstSeen}, last seen ${finding.lastSeen}`;
    lines.push(`${finding.state.toUpperCase().padEnd(11)}${finding.severity.toUpperCase().padEnd(8)}${clean(finding.ruleId)}  ${clean(finding.title)}`);
    lines.push(`${' '.repeat(19)}${clean(finding.resourceId)}`);
    lines.push(`${' '.repeat(19)}${since}${finding.occurrences > 1 ? `, opened ${finding.occurrences} times` : ''}`);
    if (finding.suppression !== null) {
      lines.push(`${' '.repeat(19)}suppressed by ${clean(finding.suppression.createdBy)} until ${finding.suppression.expiresOn}: ${clean(finding.suppression.reason)}`);
    }
    lines.push(`${' '.repeat(19)}${clean(finding.message)}`);
    lines.push('');
  }
  return `${lines.join('\n')}`;
}

export function renderSuppressionsTable(suppressions: readonly Suppression[]): string {
  if (suppressions.length === 0) return 'No suppressions.\n';
  return `${suppressions
    .map((item) => `${item.id}  ${clean(item.ruleId)}  ${clean(item.scope)}\n  until ${item.expiresOn}, by ${clean(item.createdBy)}: ${clean(item.reason)}`)
    .join('\n')}\n`;
}

function clean(text: string): string {
  return stripTerminalControls(text);
}
