/**
 * `npm run bench`, section `shared-identity`: the generated 30k estate with every AKS cluster
 * running as one identity that holds 20,000 role assignments (a platform identity granted across
 * a tenant). aks.internal-lb-network-contributor must cost O(the identity's useful grants) per
 * compute, not O(all its grants): measured here as time and evidence size.
 */
import { performance } from 'node:perf_hooks';
import { auditEstate } from '../src/engine/audit';
import { buildEstate } from '../src/estate';
import type { ResourceRow } from '../src/inventory/types';
import { aksInternalLbNetworkContributorRule } from '../src/rules/aks/internal-lb-network-contributor';
import { guidFrom, roleAssignment } from './arm-rows';
import { generateEstate } from './generate';
import { scaled } from './scale';

const SHARED_PRINCIPAL = guidFrom('shared-aks-identity');
const GRANTS = scaled(20_000, 500);

export async function benchSharedIdentity(): Promise<string[]> {
  const generated = generateEstate({ resources: scaled(30_000, 1_000), seed: 20261124 });
  const resources: ResourceRow[] = generated.resources.map((row) =>
    String(row.type) === 'microsoft.containerservice/managedclusters' ? { ...row, identity: { type: 'SystemAssigned', principalId: SHARED_PRINCIPAL } } : row,
  );
  const first = resources[0]?.subscriptionId;
  const subscription = typeof first === 'string' ? first : guidFrom('subscription');
  for (let index = 0; index < GRANTS; index++) {
    resources.push(roleAssignment(guidFrom(`shared-grant-${index}`), { principalId: SHARED_PRINCIPAL, role: 'Reader', scope: `/subscriptions/${subscription}/resourceGroups/rg-app-${index}` }));
  }
  const estate = buildEstate({ resources, serviceTags: generated.serviceTags, warnings: [], gaps: [] });
  const started = performance.now();
  const result = auditEstate(estate, { rules: [aksInternalLbNetworkContributorRule] });
  const ruleMs = performance.now() - started;
  const evidenceBytes = result.evaluations.reduce((sum, evaluation) => sum + JSON.stringify(evaluation.evidence).length, 0);
  return [
    `shared-identity: ${result.evaluations.length} AKS computes on internal load balancers share one identity holding ${GRANTS} role assignments`,
    `shared-identity: aks.internal-lb-network-contributor ${ruleMs.toFixed(0)} ms, evidence ${(evidenceBytes / 1024).toFixed(0)} KiB in all`,
  ];
}
