import type { Evidence, Finding, InventoryGap } from '../core/types';
import type { FindingsReport } from '../engine/audit';
import { DEFAULT_PROFILE } from '../rules/profiles';

/** One finding as docs/interfaces.md's JSON output writes it (and the findings store extends). */
export interface FindingDocument {
  readonly ruleId: string;
  readonly resourceId: string;
  readonly status: Finding['status'];
  readonly severity: Finding['severity'];
  readonly title: string;
  readonly message: string;
  readonly evidence: Evidence;
  readonly workspaceIds: readonly string[];
}

/** The `--format json` document (docs/interfaces.md); `profile`, `incomplete`, `gaps` and `warnings` are additive. */
export interface AuditDocument {
  readonly generatedAt: string;
  /** Present when a profile other than the default (documented) chose the rules (src/rules/profiles.ts). */
  readonly profile?: string;
  readonly summary: FindingsReport['summary'];
  readonly findings: readonly FindingDocument[];
  readonly incomplete?: true;
  readonly gaps?: readonly InventoryGap[];
  readonly warnings?: readonly string[];
}

/** Only the contract's fields, in the contract's order, whatever else a finding object carries. */
export function findingDocument(finding: Finding): FindingDocument {
  return {
    ruleId: finding.ruleId,
    resourceId: finding.resourceId,
    status: finding.status,
    severity: finding.severity,
    title: finding.title,
    message: finding.message,
    evidence: finding.evidence,
    workspaceIds: finding.workspaceIds,
  };
}

export function auditDocument(report: FindingsReport): AuditDocument {
  return {
    generatedAt: report.generatedAt,
    ...(report.profile !== DEFAULT_PROFILE ? { profile: report.profile } : {}),
    summary: report.summary,
    findings: report.findings.map(findingDocument),
    ...(report.gaps.length > 0 ? { incomplete: true as const, gaps: report.gaps } : {}),
    ...(report.warnings.length > 0 ? { warnings: report.warnings } : {}),
  };
}

/** One JSON document and a newline. */
export function renderJson(report: FindingsReport): string {
  return `${JSON.stringify(auditDocument(report), null, 2)}\n`;
}
