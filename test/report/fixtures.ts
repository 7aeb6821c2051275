import type { Finding } from '../../src/core/types';
import type { AuditReport } from '../../src/engine/audit';
import type { RuleMeta } from '../../src/rules/types';

const SUB = '6f1c2b9e-3a4d-4c5e-9f70-1a2b3c4d5e6f';
export const WS_A = `/subscriptions/${SUB}/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/ws-alpha`;
export const WS_B = `/subscriptions/${SUB}/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/ws-beta`;
export const STORAGE = `/subscriptions/${SUB}/resourceGroups/rg-ml/providers/Microsoft.Storage/storageAccounts/stalpha`;
export const SUBNET = `/subscriptions/${SUB}/resourceGroups/rg-ml/providers/Microsoft.Network/virtualNetworks/vnet-ml/subnets/training`;
/** A name an attacker with write access to a subscription could give a resource. */
export const HOSTILE = `=HYPERLINK("http://evil.example")\u001b[2J\u001b]0;pwned\u0007<img src=x onerror=alert(1)>\u202e`;
export const HOSTILE_ID = `/subscriptions/${SUB}/resourceGroups/rg-ml/providers/Microsoft.Network/networkSecurityGroups/${HOSTILE}`;

export function finding(overrides: Partial<Finding> & Pick<Finding, 'ruleId' | 'resourceId'>): Finding {
  return {
    status: 'fail',
    severity: 'high',
    title: 'A title',
    message: 'A message a person can act on.',
    evidence: {},
    workspaceIds: [WS_A],
    ...overrides,
  };
}

export const findings: Finding[] = [
  finding({ ruleId: 'storage.default-deny', resourceId: STORAGE, title: 'Workspace storage accepts traffic from all networks', evidence: { defaultAction: 'Allow', publicNetworkAccess: null } }),
  finding({
    ruleId: 'nsg.batch-inbound',
    resourceId: SUBNET,
    severity: 'high',
    title: 'Batch node management ports are blocked',
    message: "NSG rule 'deny-all-in' (priority 100) denies TCP 29876-29877 from BatchNodeManagement.",
    evidence: { nsgId: 'nsg', rule: 'deny-all-in', priority: 100 },
    workspaceIds: [WS_B, WS_A],
  }),
  finding({ ruleId: 'nsg.ssh-exposed', resourceId: HOSTILE_ID, severity: 'medium', title: 'SSH open', message: `Rule ${HOSTILE} allows SSH, "quoted", with, commas\nand a newline.`, workspaceIds: [WS_B] }),
  finding({ ruleId: 'route.forced-tunnel-batch', resourceId: SUBNET, status: 'unknown', severity: 'high', title: 'Forced tunnel', message: 'No service-tag data.', workspaceIds: [WS_A] }),
  finding({ ruleId: 'studio.storage-features', resourceId: WS_A, severity: 'info', title: 'Studio features', workspaceIds: [] }),
];

export function report(overrides: Partial<AuditReport> = {}): AuditReport {
  return {
    generatedAt: '2026-11-24T10:00:00.000Z',
    summary: { resources: 120, evaluations: 40, pass: 30, fail: 4, unknown: 1, notApplicable: 5 },
    evaluations: [],
    findings,
    gaps: [],
    warnings: [],
    ruleErrors: [],
    malformedRows: [],
    ruleIds: ['nsg.batch-inbound', 'nsg.ssh-exposed', 'route.forced-tunnel-batch', 'studio.storage-features'],
    profile: 'documented',
    ...overrides,
  };
}

export function ruleMeta(id: string, severity: RuleMeta<string>['severity']): { meta: RuleMeta<string> } {
  return {
    meta: {
      id,
      title: `Title of ${id}`,
      severity,
      source: { document: '001', section: 'Required ports', quote: 'quoted' },
      description: `Description of ${id}.`,
      remediation: `Remediation of ${id}.`,
      enabledByDefault: true,
      guidance: { status: 'current' },
      messages: {},
    },
  };
}
