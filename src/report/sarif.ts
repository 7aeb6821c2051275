import { sourcePage } from '../rules/sources';
import { createHash } from 'node:crypto';
import { idKey, nameOf } from '../core/ids';
import type { Finding, Severity } from '../core/types';
import type { FindingsReport } from '../engine/audit';
import type { RuleMeta } from '../rules/types';

/**
 * SARIF 2.1.0 for GitHub code scanning and other SARIF viewers. One run; the driver lists the
 * rules that ran; each finding is a result located logically at its Azure resource. GitHub
 * only accepts results with a physical location (artifactLocation.uri), so when the caller
 * names the inventory file (the snapshot) every result also points at its line 1.
 */

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
export const TOOL_NAME = 'aml-vnet-audit';
/** The partialFingerprints key; bump its version if the fingerprint recipe ever changes. */
export const FINGERPRINT_KEY = 'amlVnetAuditFinding/v1';

export interface SarifOptions {
  /** The inventory file, relative to the repository root where possible (e.g. the snapshot path). */
  readonly artifactUri?: string;
  readonly toolVersion?: string;
  /** Rule docs (the .md beside each rule) by rule ID, for help.markdown. */
  readonly ruleDocs?: ReadonlyMap<string, string>;
}

type RuleLike = { readonly meta: RuleMeta<string> };
type SarifLevel = 'error' | 'warning' | 'note';

/** GitHub reads `security-severity` (0–10) to rank alerts: >= 7 high, >= 4 medium, else low. */
const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = { high: '8.0', medium: '5.5', low: '3.0', info: '1.0' };

export function sarifLevel(severity: Severity): SarifLevel {
  return severity === 'high' ? 'error' : severity === 'medium' ? 'warning' : 'note';
}

/** Stable across runs and case changes in the ID: the same (rule, resource) is the same alert. */
export function findingFingerprint(ruleId: string, resourceId: string): string {
  return createHash('sha256').update(`${ruleId}\n${idKey(resourceId)}`).digest('hex').slice(0, 32);
}

export function renderSarif(report: FindingsReport, rules: readonly RuleLike[], options: SarifOptions = {}): string {
  return `${JSON.stringify(sarifLog(report, rules, options), null, 2)}\n`;
}

export function sarifLog(report: FindingsReport, rules: readonly RuleLike[], options: SarifOptions = {}): Record<string, unknown> {
  const descriptors = new Map<string, Record<string, unknown>>();
  for (const rule of rules) descriptors.set(rule.meta.id, ruleDescriptor(rule.meta, options.ruleDocs?.get(rule.meta.id)));
  // A finding of a rule the caller did not list still needs a descriptor for ruleIndex.
  for (const finding of report.findings) {
    if (!descriptors.has(finding.ruleId)) {
      descriptors.set(finding.ruleId, {
        id: finding.ruleId,
        name: finding.ruleId,
        shortDescription: { text: finding.title || finding.ruleId },
        defaultConfiguration: { level: sarifLevel(finding.severity) },
        properties: { tags: ['security', 'azure-machine-learning'], 'security-severity': SECURITY_SEVERITY[finding.severity] },
      });
    }
  }
  const ruleIds = [...descriptors.keys()];
  const indexOf = new Map(ruleIds.map((id, index) => [id, index]));

  const notifications = [
    ...report.gaps.map((gap) => ({ level: 'warning', message: { text: `Incomplete inventory: ${gap.scope}: ${gap.reason}` } })),
    ...report.warnings.map((warning) => ({ level: 'warning', message: { text: warning } })),
  ];
  const driver: Record<string, unknown> = {
    name: TOOL_NAME,
    ...(options.toolVersion !== undefined ? { version: options.toolVersion } : {}),
    rules: [...descriptors.values()],
  };
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: { driver },
        invocations: [
          {
            executionSuccessful: true,
            endTimeUtc: report.generatedAt,
            ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}),
          },
        ],
        ...(options.artifactUri !== undefined ? { artifacts: [{ location: { uri: options.artifactUri }, roles: ['analysisTarget'] }] } : {}),
        results: report.findings.map((finding) => sarifResult(finding, indexOf.get(finding.ruleId) ?? 0, options.artifactUri)),
        properties: {
          summary: report.summary,
          incomplete: report.gaps.length > 0,
          // Which rules ran when none were named (documented or current), and which ran.
          profile: report.profile,
          rules: report.ruleIds,
        },
      },
    ],
  };
}

function ruleDescriptor(meta: RuleMeta<string>, doc: string | undefined): Record<string, unknown> {
  const family = meta.id.split('.')[0] ?? meta.id;
  const document = sourcePage(meta.source);
  const source = `Source: [${document.title}](${document.url}) (${document.published}), "${meta.source.section}".`;
  const markdown = [`**Remediation.** ${meta.remediation}`, source, ...(doc !== undefined && doc.trim() !== '' ? [doc.trim()] : [])].join('\n\n');
  return {
    id: meta.id,
    name: meta.id,
    shortDescription: { text: meta.title },
    fullDescription: { text: meta.description },
    help: { text: `${meta.remediation} ${source}`, markdown },
    defaultConfiguration: { level: sarifLevel(meta.severity), enabled: meta.enabledByDefault },
    properties: {
      tags: ['security', 'azure-machine-learning', 'network-isolation', family],
      'security-severity': SECURITY_SEVERITY[meta.severity],
      severity: meta.severity,
      guidance: meta.guidance.status,
      ...(meta.guidance.status === 'superseded' ? { supersededBy: meta.guidance.page.url, supersededNote: meta.guidance.note } : {}),
    },
  };
}

function sarifResult(finding: Finding, ruleIndex: number, artifactUri: string | undefined): Record<string, unknown> {
  const unknown = finding.status === 'unknown';
  const location: Record<string, unknown> = {
    ...(artifactUri !== undefined ? { physicalLocation: { artifactLocation: { uri: artifactUri, index: 0 }, region: { startLine: 1 } } } : {}),
    logicalLocations: [{ fullyQualifiedName: finding.resourceId, name: nameOf(finding.resourceId), kind: 'resource' }],
  };
  return {
    ruleId: finding.ruleId,
    ruleIndex,
    // An unknown verdict is not a confirmed problem: a note, marked as such, never an error.
    level: unknown ? 'note' : sarifLevel(finding.severity),
    message: { text: unknown ? `Could not be verified: ${finding.message}` : finding.message },
    locations: [location],
    partialFingerprints: { [FINGERPRINT_KEY]: findingFingerprint(finding.ruleId, finding.resourceId) },
    properties: {
      status: finding.status,
      severity: finding.severity,
      resourceId: finding.resourceId,
      workspaceIds: finding.workspaceIds,
      evidence: finding.evidence,
    },
  };
}
