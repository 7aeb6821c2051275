import { csvCell } from '../core/csv';
import type { FindingsReport } from '../engine/audit';

export { csvCell };

export const CSV_COLUMNS = ['ruleId', 'resourceId', 'status', 'severity', 'title', 'message', 'workspaceIds', 'evidence'] as const;

/**
 * CSV (RFC 4180: CRLF line ends, fields quoted when they hold a comma, quote or line break,
 * quotes doubled), one row per finding. Evidence is its JSON; workspace IDs are joined by ';'.
 */
export function renderCsv(report: FindingsReport): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const finding of report.findings) {
    lines.push(
      [
        finding.ruleId,
        finding.resourceId,
        finding.status,
        finding.severity,
        finding.title,
        finding.message,
        finding.workspaceIds.join(';'),
        JSON.stringify(finding.evidence),
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
