import { computePlanners } from './compute';
import type { Planner } from './draft';
import { firewallPlanners } from './firewalls';
import { nsgPlanners } from './nsg';
import { forcedTunnelPlanner } from './routes';

export type { Draft, Planner, PlanningContext } from './draft';

/** Every planner, one per rule ID at most (test/remediation/planners.test.ts holds them to it). */
export const planners: readonly Planner[] = [...firewallPlanners, ...nsgPlanners, forcedTunnelPlanner, ...computePlanners];

const byRule = new Map(planners.flatMap((planner) => planner.ruleIds.map((ruleId) => [ruleId, planner] as const)));

export function plannerFor(ruleId: string): Planner | undefined {
  return byRule.get(ruleId);
}
