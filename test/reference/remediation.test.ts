import { describe, expect, it } from 'vitest';
import { idKey } from '../../src/core/ids';
import { auditEstate } from '../../src/engine/audit';
import { buildEstate } from '../../src/estate';
import type { Inventory } from '../../src/inventory/types';
import { applyToRows, planRemediations } from '../../src/remediation';
import { azureTreAzureMl, quickstartEndToEndSecure, terraformHubSpokeSecure } from './estates';

/**
 * Plans on estates built from public Microsoft templates: every failing finding gets a plan, the
 * automatic ones are verified, and applied in order they resolve their findings and worsen nothing.
 */
const ESTATES = [
  ['quickstart end-to-end-secure', quickstartEndToEndSecure()],
  ['Terraform 301 hub-spoke', terraformHubSpokeSecure()],
  ['AzureTRE Azure ML (classic firewall rules)', azureTreAzureMl({ rules: 'classic' })],
  ['AzureTRE Azure ML (firewall policy)', azureTreAzureMl({ rules: 'policy' })],
] as const;

const RANK: Record<string, number> = { pass: 0, 'not-applicable': 0, unknown: 1, fail: 2 };

function verdicts(inventory: Inventory): Map<string, string> {
  return new Map(auditEstate(buildEstate(inventory)).evaluations.map((evaluation) => [`${evaluation.ruleId}|${idKey(evaluation.resourceId)}`, evaluation.status]));
}

describe.each(ESTATES)('remediation plans on %s', (_name, estate) => {
  it('plan every failing finding; applied in order, the automatic ones resolve theirs and worsen nothing', () => {
    const inventory: Inventory = { resources: estate.resources, serviceTags: estate.serviceTags, warnings: [], gaps: [] };
    const before = verdicts(inventory);
    const { plans } = planRemediations(inventory);
    expect(plans).toHaveLength([...before.values()].filter((status) => status === 'fail').length);
    const auto = plans.filter((plan) => plan.mode === 'auto');
    expect(auto.every((plan) => plan.verified)).toBe(true);
    let rows = inventory.resources;
    for (const plan of auto) rows = applyToRows(rows, plan.operations);
    const after = verdicts({ ...inventory, resources: rows });
    for (const plan of auto) expect(['pass', 'not-applicable']).toContain(after.get(`${plan.ruleId}|${idKey(plan.resourceId)}`));
    expect([...after].filter(([key, status]) => (RANK[status] ?? 0) > (RANK[before.get(key) ?? 'pass'] ?? 0))).toEqual([]);
    for (const plan of plans) expect(plan.summary.length, plan.ruleId).toBeGreaterThan(0);
  });
});
