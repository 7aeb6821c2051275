import { describe, expect, it } from 'vitest';
import { aksVnetRegionRule } from '../../../src/rules/aks/vnet-region';
import type { ResourceRow } from '../../../src/inventory/types';
import { aksCompute, estateOf } from '../../support/arm';
import { secondWorkspace, withAks, withAksCompute, withVnet } from '../../support/compute-fixtures';
import { compliantRows, ids, withoutRow } from '../../support/scenario';
import { evaluateRule, verdictFor } from '../../support/rules';

const rule = aksVnetRegionRule;

describe('aks.vnet-region', () => {
  it('passes when the node VNet is in the region of the cluster and the workspace', () => {
    const evaluation = verdictFor(rule, estateOf(compliantRows()), ids.aksCluster);
    expect(evaluation.status).toBe('pass');
    expect(evaluation.workspaceIds).toEqual([ids.workspace]);
    expect(evaluation.evidence).toMatchObject({ subnetIds: [ids.aksSubnet], subnetSource: 'agentPoolProfiles', clusterRegion: 'eastus', mismatches: [] });
  });

  it('fails when the VNet is in another region than the cluster and the workspace', () => {
    const evaluation = verdictFor(rule, estateOf(withVnet({ location: 'westeurope' })), ids.aksCluster);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.severity).toBe('high');
    expect(evaluation.evidence.mismatches).toEqual([
      { vnetId: ids.vnet, vnetRegion: 'westeurope', clusterId: ids.aksCluster, region: 'eastus' },
      { vnetId: ids.vnet, vnetRegion: 'westeurope', workspaceId: ids.workspace, region: 'eastus' },
    ]);
  });

  it('fails when the cluster is in another region than its VNet', () => {
    const evaluation = verdictFor(rule, estateOf(withAks({ location: 'West US' })), ids.aksCluster);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence).toMatchObject({ clusterRegion: 'westus', mismatches: [{ clusterId: ids.aksCluster, region: 'westus' }] });
  });

  it('fails when another attaching workspace is in another region', () => {
    const other = secondWorkspace({ location: 'westeurope' });
    const rows = [...compliantRows(), other, aksCompute(other, { name: 'aks', clusterId: ids.aksCluster.toUpperCase() })];
    const evaluations = evaluateRule(rule, estateOf(rows));
    expect(evaluations).toHaveLength(1);
    expect(evaluations[0]?.status).toBe('fail');
    expect(evaluations[0]?.workspaceIds).toEqual([ids.workspace, other.id]);
    expect(evaluations[0]?.evidence.mismatches).toEqual([{ vnetId: ids.vnet, vnetRegion: 'eastus', workspaceId: other.id, region: 'westeurope' }]);
  });

  it('reads the node subnet from the compute when the cluster has no agent pool subnet', () => {
    const rows = withAksCompute({ networking: { subnetId: ids.aksSubnet } }, withAks({ subnetIds: [] }));
    const evaluation = verdictFor(rule, estateOf(rows), ids.aksCluster);
    expect(evaluation.status).toBe('pass');
    expect(evaluation.evidence).toMatchObject({ subnetSource: 'aksNetworkingConfiguration' });
  });

  it('is unknown when the VNet is not in the inventory', () => {
    const evaluation = verdictFor(rule, estateOf(withoutRow(compliantRows(), ids.vnet)), ids.aksCluster);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ vnets: [{ vnetId: ids.vnet, region: null }] });
  });

  it('is unknown when the cluster is not in the inventory', () => {
    const evaluation = verdictFor(rule, estateOf(withoutRow(compliantRows(), ids.aksCluster)), ids.aksCluster);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ missingResourceId: ids.aksCluster, computeIds: [ids.aksCompute] });
  });

  it('is unknown, keyed by the compute, when the AKS compute names no cluster', () => {
    const rows = compliantRows().map((row): ResourceRow => {
      if (row.id !== ids.aksCompute) return row;
      const { resourceId: _dropped, ...properties } = row.properties as Record<string, unknown>;
      return { ...row, properties };
    });
    const evaluation = verdictFor(rule, estateOf(rows), ids.aksCompute);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ attachedResourceId: null, computeIds: [ids.aksCompute] });
  });

  it('does not apply to a cluster outside a custom VNet', () => {
    const evaluation = verdictFor(rule, estateOf(withAks({ subnetIds: [] })), ids.aksCluster);
    expect(evaluation.status).toBe('not-applicable');
  });
});
