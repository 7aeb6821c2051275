/** Evaluations as the engine produces them, built tersely for store tests. */
import type { Evaluation, Evidence, Severity, Verdict } from '../../src/core/types';

export const SUB_A = '00000000-0000-0000-0000-00000000000a';
export const SUB_B = '00000000-0000-0000-0000-00000000000b';

export function subnetId(name: string, subscription = SUB_A, group = 'rg-net'): string {
  return `/subscriptions/${subscription}/resourceGroups/${group}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/${name}`;
}

export function workspaceId(name: string, subscription = SUB_A): string {
  return `/subscriptions/${subscription}/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/${name}`;
}

export function evaluation(
  resourceId: string,
  status: Verdict,
  overrides: Partial<{ ruleId: string; severity: Severity; message: string; evidence: Evidence; workspaceIds: string[]; title: string }> = {},
): Evaluation {
  return {
    ruleId: overrides.ruleId ?? 'nsg.batch-inbound',
    resourceId,
    status,
    severity: overrides.severity ?? 'high',
    title: overrides.title ?? 'Batch node management ports are blocked',
    message: overrides.message ?? `Subnet ${resourceId} blocks TCP 29876-29877 from BatchNodeManagement.`,
    evidence: overrides.evidence ?? { nsgId: `${resourceId}/nsg`, rule: 'deny-all-in', priority: 100 },
    workspaceIds: overrides.workspaceIds ?? [workspaceId('ws1')],
  };
}

/** Minutes after a fixed origin, so tests order times explicitly. */
export function at(minute: number): Date {
  return new Date(Date.UTC(2026, 10, 24, 10, minute, 0));
}
