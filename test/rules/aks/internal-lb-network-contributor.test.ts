import { describe, expect, it } from 'vitest';
import { aksInternalLbNetworkContributorRule } from '../../../src/rules/aks/internal-lb-network-contributor';
import { NOT_READ_MESSAGE_ID } from '../../../src/core/types';
import { buildEstate } from '../../../src/estate';
import type { ResourceRow } from '../../../src/inventory/types';
import { estateOf, RESOURCE_GROUP, ROLE, roleAssignment, SUBSCRIPTION, vnet } from '../../support/arm';
import { compliantSubnets, withAks, withAksCompute } from '../../support/compute-fixtures';
import { compliantRows, ids, withoutRow } from '../../support/scenario';
import { evaluateRule, verdictFor } from '../../support/rules';

const rule = aksInternalLbNetworkContributorRule;
const resourceGroupScope = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RESOURCE_GROUP}`;
const scenarioAssignment = `${resourceGroupScope}/providers/Microsoft.Authorization/roleAssignments/f1e2d3c4-0000-4000-8000-00000000c001`;

/** The compliant estate with the scenario's Network Contributor grant replaced by `assignments`. */
function withGrants(assignments: readonly ResourceRow[], rows: readonly ResourceRow[] = compliantRows()): ResourceRow[] {
  return [...withoutRow(rows, scenarioAssignment), ...assignments];
}

function grant(role: keyof typeof ROLE, scope: string, principalId: string = ids.aksPrincipal, name = 'a1b2c3d4-0000-4000-8000-00000000d001'): ResourceRow {
  return roleAssignment({ name, principalId, role, scope });
}

describe('aks.internal-lb-network-contributor', () => {
  it("passes with Network Contributor on the VNet's resource group", () => {
    const evaluation = verdictFor(rule, estateOf(compliantRows()), ids.aksCompute);
    expect(evaluation.status).toBe('pass');
    expect(evaluation.workspaceIds).toEqual([ids.workspace]);
    expect(evaluation.evidence).toMatchObject({ principalIds: [ids.aksPrincipal], vnetIds: [ids.vnet] });
    expect(evaluation.evidence.grants).toEqual([expect.objectContaining({ vnetId: ids.vnet, role: 'Network Contributor', scope: resourceGroupScope })]);
  });

  it.each([
    ['Contributor on the subscription', grant('Contributor', `/subscriptions/${SUBSCRIPTION}`), 'Contributor'],
    ['Owner on the VNet itself', grant('Owner', ids.vnet), 'Owner'],
    ['a resource-group scope written in another case with a trailing slash', grant('NetworkContributor', `${resourceGroupScope.toUpperCase()}/`), 'Network Contributor'],
    ['a principal ID written in another case', grant('NetworkContributor', resourceGroupScope, ids.aksPrincipal.toUpperCase()), 'Network Contributor'],
  ])('passes with %s', (_, assignment, role) => {
    const evaluation = verdictFor(rule, estateOf(withGrants([assignment])), ids.aksCompute);
    expect(evaluation.status).toBe('pass');
    expect(evaluation.evidence.grants).toEqual([expect.objectContaining({ role })]);
  });

  it('passes for a user-assigned cluster identity', () => {
    const evaluation = verdictFor(rule, estateOf(withAks({ identity: 'user' })), ids.aksCompute);
    expect(evaluation.status).toBe('pass');
  });

  it('is unknown when the inventory holds no role assignment at all (they were not read)', () => {
    const evaluation = verdictFor(rule, estateOf(withGrants([])), ids.aksCompute);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ roleAssignmentsFound: [], grants: [] });
  });

  it('fails when the identity holds no role assignment while others have some', () => {
    const evaluation = verdictFor(rule, estateOf(withGrants([grant('Owner', resourceGroupScope, '00000000-0000-4000-8000-00000000ffff')])), ids.aksCompute);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.severity).toBe('high');
    expect(evaluation.evidence).toMatchObject({ roleAssignmentsFound: [], grants: [], uncoveredVnetIds: [ids.vnet] });
    expect(evaluation.evidence.acceptedScopes).toEqual([ids.vnet.toLowerCase(), resourceGroupScope.toLowerCase(), `/subscriptions/${SUBSCRIPTION}`]);
  });

  it.each([
    ['its subscription', `/subscriptions/${SUBSCRIPTION}`],
    ['a management group', '/providers/Microsoft.Management/managementGroups/mg-platform'],
  ])("is unknown, not failed, when the role assignments over the VNet's subscription may not all have been read (a gap over %s)", (_, scope) => {
    // Others' grants were read (a management group's, or another subscription's), so the identity's absence would read as a fail.
    const rows = withGrants([grant('Owner', resourceGroupScope, '00000000-0000-4000-8000-00000000ffff')]);
    const gap = { scope, reason: 'role assignments: HTTP 500' };
    const evaluation = verdictFor(rule, buildEstate({ resources: rows, warnings: [], gaps: [gap] }), ids.aksCompute);
    // Not judged: a store leaves the finding as the last whole read judged it.
    expect(evaluation).toMatchObject({ status: 'unknown', messageId: NOT_READ_MESSAGE_ID });
    expect(evaluation.message).toContain(`the role assignments over subscription ${SUBSCRIPTION} may not all have been read (role assignments: HTTP 500)`);
    // A gap over another subscription says nothing of this one.
    expect(verdictFor(rule, buildEstate({ resources: rows, warnings: [], gaps: [{ ...gap, scope: '/subscriptions/00000000-0000-4000-8000-000000000999' }] }), ids.aksCompute).status).toBe('fail');
  });

  it.each([
    ['Reader on the resource group', grant('Reader', resourceGroupScope)],
    ['Network Contributor on another resource group', grant('NetworkContributor', `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-other`)],
    ['Network Contributor on the node subnet only', grant('NetworkContributor', ids.aksSubnet)],
    ['Network Contributor to another principal', grant('NetworkContributor', resourceGroupScope, '00000000-0000-4000-8000-00000000ffff')],
  ])('fails with %s', (_, assignment) => {
    const evaluation = verdictFor(rule, estateOf(withGrants([assignment])), ids.aksCompute);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence.grants).toEqual([]);
  });

  it("judges the grant against the VNet's own resource group", () => {
    const networkVnet = vnet({ name: 'vnet-ml', resourceGroup: 'rg-network', subnets: compliantSubnets });
    const nodeSubnet = `${networkVnet.id}/subnets/aks`;
    const rows = withAks({ subnetIds: [nodeSubnet] }, [...compliantRows(), networkVnet]);
    expect(verdictFor(rule, estateOf(rows), ids.aksCompute).status).toBe('fail');
    const granted = withGrants([grant('NetworkContributor', `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-network`)], rows);
    expect(verdictFor(rule, estateOf(granted), ids.aksCompute).status).toBe('pass');
  });

  it('passes with a grant inherited from a management group above the VNet\'s subscription (Resource Graph resourcecontainers ancestry)', () => {
    const mgGrant = grant('NetworkContributor', '/providers/Microsoft.Management/managementGroups/mg-platform');
    const subscriptionRow = (groups: readonly string[]): ResourceRow => ({
      id: `/subscriptions/${SUBSCRIPTION}`,
      subscriptionId: SUBSCRIPTION,
      name: 'ml-prod',
      type: 'microsoft.resources/subscriptions',
      properties: { state: 'Enabled', managementGroupAncestorsChain: groups.map((name) => ({ name, displayName: name })) },
    });
    const inherited = verdictFor(rule, estateOf([...withGrants([mgGrant]), subscriptionRow(['mg-platform', 'tenant-root'])]), ids.aksCompute);
    expect(inherited.status).toBe('pass');
    expect(inherited.evidence.grants).toEqual([expect.objectContaining({ scope: '/providers/Microsoft.Management/managementGroups/mg-platform' })]);
    // A management group that is not an ancestor grants nothing here: with the ancestry known, the verdict is a fail, not a doubt.
    expect(verdictFor(rule, estateOf([...withGrants([mgGrant]), subscriptionRow(['mg-sandbox', 'tenant-root'])]), ids.aksCompute).status).toBe('fail');
  });

  it('is unknown when the only grant is at management group scope and the subscription\'s ancestry is not in the inventory', () => {
    const evaluation = verdictFor(rule, estateOf(withGrants([grant('NetworkContributor', '/providers/Microsoft.Management/managementGroups/mg-platform')])), ids.aksCompute);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence.roleAssignmentsFound).toEqual([expect.objectContaining({ scope: '/providers/Microsoft.Management/managementGroups/mg-platform' })]);
  });

  it('lists at most 20 of an identity\'s role assignments in evidence and counts them all (an identity may hold thousands)', () => {
    const many = Array.from({ length: 250 }, (_, index) => grant('Reader', `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-${index}`, ids.aksPrincipal, `a1b2c3d4-0000-4000-8000-${String(index).padStart(12, '0')}`));
    const evaluation = verdictFor(rule, estateOf(withGrants(many)), ids.aksCompute);
    expect(evaluation.status).toBe('fail');
    expect((evaluation.evidence.roleAssignmentsFound as unknown[]).length).toBe(20);
    expect(evaluation.evidence.roleAssignmentsOfIdentity).toBe(250);
    expect(evaluation.message).toContain('250 role assignment(s)');
  });

  it('is unknown for a service-principal cluster whose object ID is not known', () => {
    const evaluation = verdictFor(rule, estateOf(withAks({ identity: 'sp' })), ids.aksCompute);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ identityType: null, servicePrincipalClientId: '3e3e3e3e-0000-4000-8000-0000000000b2' });
  });

  it('is unknown when the cluster is not in the inventory', () => {
    const evaluation = verdictFor(rule, estateOf(withoutRow(compliantRows(), ids.aksCluster)), ids.aksCompute);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ missingResourceId: ids.aksCluster });
  });

  it('does not apply to a cluster in a VNet that AKS manages', () => {
    expect(verdictFor(rule, estateOf(withAks({ subnetIds: [] })), ids.aksCompute).status).toBe('not-applicable');
  });

  it('judges only AKS computes on an internal load balancer', () => {
    expect(evaluateRule(rule, estateOf(withAksCompute({ loadBalancerType: 'PublicIp' })))).toEqual([]);
  });
});
