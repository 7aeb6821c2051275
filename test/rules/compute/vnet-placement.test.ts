import { describe, expect, it } from 'vitest';
import type { ResourceRow } from '../../../src/inventory/types';
import { computeVnetPlacementRule } from '../../../src/rules/compute/vnet-placement';
import { amlCluster, computeInstance, estateOf, OTHER_SUBSCRIPTION, vnet } from '../../support/arm';
import { compliantSubnets, withVnet } from '../../support/compute-fixtures';
import { compliantRows, ids, withoutRow, withRow } from '../../support/scenario';
import { verdictFor } from '../../support/rules';

const rule = computeVnetPlacementRule;

/** The scenario with the cluster and instance moved to vnet-far (placed as given). */
function movedTo(placement: { subscription?: string; location?: string }): ResourceRow[] {
  const far = vnet({ name: 'vnet-far', addressPrefixes: ['10.9.0.0/16'], subnets: [{ name: 'training', addressPrefix: '10.9.1.0/24' }], ...placement });
  const subnetId = `${far.id}/subnets/training`;
  const rows = compliantRows();
  const ws = rows.find((row) => row.id === ids.workspace) as ResourceRow;
  return [...withRow(withRow(rows, amlCluster(ws, { name: 'cpu-cluster', subnetId, maxNodeCount: 4, currentNodeCount: 1 })), computeInstance(ws, { name: 'ci-alice', subnetId })), far];
}

describe('compute.vnet-placement', () => {
  it("passes in a VNet of the workspace's subscription and region", () => {
    const evaluation = verdictFor(rule, estateOf(compliantRows()), ids.instance);
    expect(evaluation).toMatchObject({ status: 'pass', messageId: 'placed' });
    expect(evaluation.message).toContain('and region (eastus)');
  });

  it('lets a cluster run in a VNet of another region, which compute.vnet-location refused', () => {
    const evaluation = verdictFor(rule, estateOf(movedTo({ location: 'westeurope' })), ids.cluster);
    expect(evaluation).toMatchObject({ status: 'pass', messageId: 'placed', evidence: { vnetRegion: 'westeurope', workspaceRegion: 'eastus' } });
  });

  it('fails an instance in a VNet of another region', () => {
    const evaluation = verdictFor(rule, estateOf(movedTo({ location: 'westeurope' })), ids.instance);
    expect(evaluation).toMatchObject({ status: 'fail', severity: 'high', messageId: 'instanceOtherRegion' });
    expect(evaluation.message).toContain('region westeurope');
  });

  it("fails a cluster or an instance in a VNet of another subscription", () => {
    const evaluation = verdictFor(rule, estateOf(movedTo({ subscription: OTHER_SUBSCRIPTION })), ids.cluster);
    expect(evaluation).toMatchObject({ status: 'fail', messageId: 'otherSubscription', evidence: { vnetSubscriptionId: OTHER_SUBSCRIPTION } });
  });

  it("is unknown for an instance whose VNet's region cannot be read", () => {
    const evaluation = verdictFor(rule, estateOf(withoutRow(withVnet({ subnets: compliantSubnets }), ids.vnet)), ids.instance);
    expect(evaluation).toMatchObject({ status: 'unknown', messageId: 'regionUnknown' });
    expect(evaluation.message).toContain('not in the inventory');
  });

  it('is unknown when the subnet ID names no VNet', () => {
    const rows = compliantRows();
    const ws = rows.find((row) => row.id === ids.workspace) as ResourceRow;
    const evaluation = verdictFor(rule, estateOf(withRow(rows, amlCluster(ws, { name: 'cpu-cluster', subnetId: 'training', maxNodeCount: 4, currentNodeCount: 1 }))), ids.cluster);
    expect(evaluation).toMatchObject({ status: 'unknown', messageId: 'unreadableSubnet' });
  });
});
