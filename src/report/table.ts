import { nameOf } from '../core/ids';
import type { Finding, Severity } from '../core/types';
import { SEVERITIES, severityRank } from '../core/types';
import type { FindingsReport } from '../engine/audit';
import { stripTerminalControls } from './sanitize';

export interface TableOptions {
  /** ANSI colours (the CLI turns them off when stdout is not a terminal or NO_COLOR is set). */
  readonly color: boolean;
  /** Columns to wrap messages to; resource IDs are never wrapped, so they stay copyable. */
  readonly width: number;
}

const RESET = '\u001b[0m';
const STYLE: Readonly<Record<Severity | 'unknown' | 'dim' | 'bold' | 'pass', string>> = {
  high: '\u001b[1;31m',
  medium: '\u001b[33m',
  low: '\u001b[36m',
  info: '\u001b[2m',
  unknown: '\u001b[35m',
  pass: '\u001b[32m',
  dim: '\u001b[2m',
  bold: '\u001b[1m',
};

const NO_WORKSPACE = '';
const INDENT = '  ';
const LABEL_WIDTH = 8;

/**
 * The human report: findings grouped by the workspaces they serve, most severe first, then a
 * summary line. Every string that came from the inventory goes through stripTerminalControls.
 */
export function renderTable(report: FindingsReport, options: TableOptions): string {
  const paint = (style: keyof typeof STYLE, text: string): string => (options.color ? `${STYLE[style]}${text}${RESET}` : text);
  const width = Math.max(40, Math.floor(options.width));
  const lines: string[] = [];

  for (const group of groupByWorkspaces(report.findings)) {
    const header =
      group.workspaceIds.length === 0
        ? 'Not tied to a workspace'
        : `${group.workspaceIds.length === 1 ? 'Workspace' : 'Workspaces'} ${group.workspaceIds.map((id) => clean(nameOf(id))).join(', ')}`;
    lines.push(paint('bold', header));
    for (const id of group.workspaceIds) lines.push(INDENT + paint('dim', clean(id)));
    for (const finding of group.findings) {
      const severity = paint(finding.severity, finding.severity.toUpperCase().padEnd(LABEL_WIDTH));
      const status = finding.status === 'unknown' ? paint('unknown', 'UNKNOWN'.padEnd(LABEL_WIDTH)) : 'FAIL'.padEnd(LABEL_WIDTH);
      lines.push('');
      lines.push(`${INDENT}${severity}${status}${clean(finding.ruleId)}  ${clean(finding.title)}`);
      const bodyIndent = INDENT + ' '.repeat(LABEL_WIDTH * 2);
      lines.push(bodyIndent + paint('dim', clean(finding.resourceId)));
      for (const line of wrap(clean(finding.message), width - bodyIndent.length)) lines.push(bodyIndent + line);
    }
    lines.push('');
  }
  if (report.findings.length === 0) lines.push(paint('pass', 'No findings.'), '');

  lines.push(summaryLine(report, paint));
  if (report.gaps.length > 0) {
    lines.push(paint('unknown', `Incomplete: ${report.gaps.length} part${report.gaps.length === 1 ? '' : 's'} of the estate could not be read.`));
    for (const gap of report.gaps) lines.push(`${INDENT}${clean(gap.scope)}: ${clean(gap.reason)}`);
  }
  for (const warning of report.warnings) lines.push(paint('dim', `Warning: ${clean(warning)}`));
  return `${lines.join('\n')}\n`;
}

function summaryLine(report: FindingsReport, paint: (style: keyof typeof STYLE, text: string) => string): string {
  const { summary } = report;
  const failsBySeverity = new Map<Severity, number>(SEVERITIES.map((severity) => [severity, 0]));
  for (const finding of report.findings) {
    if (finding.status === 'fail') failsBySeverity.set(finding.severity, (failsBySeverity.get(finding.severity) ?? 0) + 1);
  }
  const bySeverity = [...SEVERITIES]
    .reverse()
    .map((severity) => {
      const count = failsBySeverity.get(severity) ?? 0;
      return count > 0 ? paint(severity, `${count} ${severity}`) : `${count} ${severity}`;
    })
    .join(', ');
  return (
    `Summary: ${summary.resources} resources, ${summary.evaluations} checks: ${summary.pass} pass, ` +
    `${summary.fail} fail (${bySeverity}), ${summary.unknown} unknown, ${summary.notApplicable} not applicable.`
  );
}

interface FindingGroup {
  readonly key: string;
  readonly workspaceIds: readonly string[];
  readonly findings: Finding[];
}

/** Findings that serve the same set of workspaces share a group; groups sort by workspace name. */
export function groupByWorkspaces(findings: readonly Finding[]): FindingGroup[] {
  const groups = new Map<string, FindingGroup>();
  for (const finding of findings) {
    const workspaceIds = [...new Map(finding.workspaceIds.map((id) => [id.toLowerCase(), id])).values()].sort((a, b) =>
      nameOf(a).localeCompare(nameOf(b)) || a.localeCompare(b),
    );
    const key = workspaceIds.length === 0 ? NO_WORKSPACE : workspaceIds.map((id) => id.toLowerCase()).join('\n');
    let group = groups.get(key);
    if (group === undefined) {
      group = { key, workspaceIds, findings: [] };
      groups.set(key, group);
    }
    group.findings.push(finding);
  }
  const ordered = [...groups.values()].sort((a, b) => {
    if (a.key === NO_WORKSPACE) return 1;
    if (b.key === NO_WORKSPACE) return -1;
    return nameOf(a.workspaceIds[0] ?? '').localeCompare(nameOf(b.workspaceIds[0] ?? '')) || a.key.localeCompare(b.key);
  });
  for (const group of ordered) group.findings.sort(compareFindings);
  return ordered;
}

/** Most severe first; fails before unknowns; then by rule and resource. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    (a.status === b.status ? 0 : a.status === 'fail' ? -1 : 1) ||
    a.ruleId.localeCompare(b.ruleId) ||
    a.resourceId.localeCompare(b.resourceId)
  );
}

function clean(text: string): string {
  return stripTerminalControls(text);
}

/** Greedy word wrap; words longer than the width are cut. */
export function wrap(text: string, width: number): string[] {
  const limit = Math.max(20, width);
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/).filter((part) => part !== '')) {
    let rest = word;
    while (rest.length > limit) {
      if (current !== '') {
        lines.push(current);
        current = '';
      }
      lines.push(rest.slice(0, limit));
      rest = rest.slice(limit);
    }
    if (current === '') current = rest;
    else if (current.length + 1 + rest.length <= limit) current += ` ${rest}`;
    else {
      lines.push(current);
      current = rest;
    }
  }
  if (current !== '') lines.push(current);
  return lines;
}
