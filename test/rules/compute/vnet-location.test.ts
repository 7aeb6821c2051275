import { describe, expect, it } from 'vitest';
import { computeVnetLocationRule } from '../../../src/rules/compute/vnet-location';
import { amlCluster, computeInstance, estateOf, OTHER_SUBSCRIPTION, resourceId, vnet, workspace } from '../../support/arm';
import type { ResourceRow } from '../../../src/inventory/types';
import { compliantSubnets, withVnet } from '../../support/compute-fixtures';
import { compliantRows, ids, withoutRow, withRow } from '../../support/scenario';
import { evaluateRule, verdictFor } from '../../support/rules';

const rule = computeVnetLocationRule;
const ws = (): ResourceRow => compliantRows()[0] as ResourceRow;

describe('compute.vnet-location', () => {
  it.each([
    ['cluster', ids.cluster],
    ['instance', ids.instance],
  ])('passes for the %s in a VNet of the workspace subscription and region', (_, computeId) => {
    const evaluation = verdictFor(rule, estateOf(compliantRows()), computeId);
    expect(evaluation.status).toBe('pass');
    expect(evaluation.workspaceIds).toEqual([ids.workspace]);
    expect(evaluation.evidence).toMatchObject({ vnetId: ids.vnet, vnetRegion: 'eastus', workspaceRegion: 'eastus', mismatches: [] });
  });

  it('fails when the VNet is in another region', () => {
    const evaluation = verdictFor(rule, estateOf(withVnet({ location: 'West US 2' })), ids.cluster);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.severity).toBe('high');
    expect(evaluation.evidence).toMatchObject({ vnetRegion: 'westus2', workspaceRegion: 'eastus', mismatches: ['region'] });
  });

  it('fails when the VNet is in another subscription', () => {
    const remote = vnet({ name: 'vnet-remote', subscription: OTHER_SUBSCRIPTION, subnets: compliantSubnets });
    const subnetId = `${remote.id}/subnets/training`;
    const rows = withRow([...compliantRows(), remote], amlCluster(ws(), { name: 'cpu-cluster', subnetId, maxNodeCount: 4, currentNodeCount: 1 }));
    const evaluation = verdictFor(rule, estateOf(rows), ids.cluster);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence).toMatchObject({ vnetSubscriptionId: OTHER_SUBSCRIPTION, mismatches: ['subscription'] });
  });

  it('fails on the subscription from the IDs alone when the VNet is not in the inventory', () => {
    const subnetId = `${resourceId('Microsoft.Network', 'virtualNetworks', 'vnet-gone', { subscription: OTHER_SUBSCRIPTION })}/subnets/training`;
    const rows = withRow(compliantRows(), computeInstance(ws(), { name: 'ci-alice', subnetId }));
    const evaluation = verdictFor(rule, estateOf(rows), ids.instance);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence).toMatchObject({ vnetRegion: null, mismatches: ['subscription'] });
  });

  it('is unknown when the VNet is not in the inventory and the subscriptions match', () => {
    const evaluation = verdictFor(rule, estateOf(withoutRow(compliantRows(), ids.vnet)), ids.cluster);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ vnetId: ids.vnet, vnetRegion: null, mismatches: [] });
    expect(String(evaluation.evidence.reason)).toContain('not in the inventory');
  });

  it('is unknown when the workspace row is absent (its region is unknown)', () => {
    const evaluation = verdictFor(rule, estateOf(withoutRow(compliantRows(), ids.workspace)), ids.cluster);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ workspaceRegion: null, workspaceSubscriptionId: ids.workspace.split('/')[2] });
  });

  it.each([
    ['a subnet ID without subscription', 'training'],
    ['a hostile string', `${'x'.repeat(10_000)}/subnets/training`],
  ])('is unknown for %s', (_, subnetId) => {
    const rows = withRow(compliantRows(), amlCluster(ws(), { name: 'cpu-cluster', subnetId }));
    const evaluation = verdictFor(rule, estateOf(rows), ids.cluster);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ subnetId });
  });

  it('finds the VNet when the compute writes the subnet ID in another case', () => {
    const rows = withRow(compliantRows(), amlCluster(ws(), { name: 'cpu-cluster', subnetId: ids.trainingSubnet.toUpperCase() }));
    const evaluation = verdictFor(rule, estateOf(rows), ids.cluster);
    expect(evaluation.status).toBe('pass');
    expect(evaluation.evidence).toMatchObject({ vnetRegion: 'eastus' });
  });

  it('does not judge computes outside a subnet, nor attached ones', () => {
    const other = workspace({ name: 'ws-public' });
    const rows = [other, amlCluster(other, { name: 'cpu' }), computeInstance(other, { name: 'ci' })];
    expect(evaluateRule(rule, estateOf(rows))).toEqual([]);
    expect(evaluateRule(rule, estateOf(compliantRows())).map((evaluation) => evaluation.resourceId).sort()).toEqual([ids.cluster, ids.instance].sort());
  });
});
