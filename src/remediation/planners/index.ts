import { aksPlanners } from './aks';
import { computePlanners } from './compute';
import type { Planner } from './draft';
import { firewallPlanners } from './firewalls';
import { nsgPlanners } from './nsg';
import { firewallHostsPlanner } from './firewall';
import { forcedTunnelPlanner } from './routes';

export type { Draft, Planner, PlanningContext } from './draft';

/** Every planner, one per rule ID at most (test/remediation/planners.test.ts holds them to it). */
export const planners: readonly Planner[] = [...firewallPlanners, ...nsgPlanners, forcedTunnelPlanner, ...computePlanners, ...aksPlanners, firewallHostsPlanner];

const byRule = new Map(planners.flatMap((planner) => planner.ruleIds.map((ruleId) => [ruleId, planner] as const)));

export function plannerFor(ruleId: string): Planner | undefined {
  return byRule.get(ruleId);
}

/** Rules whose findings may get automatic plans (docs/remediation.md); every other rule's plans are manual. */
export const AUTO_REMEDIABLE: readonly string[] = [
  'storage.trusted-services',
  'keyvault.trusted-services',
  'storage.compute-subnet-allowed',
  'keyvault.compute-subnet-allowed',
  'acr.compute-subnet-allowed',
  'nsg.batch-inbound',
  'nsg.instance-inbound',
  'nsg.outbound-service-tags',
  'nsg.mcr-outbound',
  'nsg.studio-frontdoor-outbound',
  'route.forced-tunnel-batch',
  'acr.image-build-compute',
  'aci.subnet-delegation',
];
