import { describe, expect, it } from 'vitest';
import { idKey } from '../../src/core/ids';
import { affectedSubjectKeys, containerOf } from '../../src/estate';
import { azureFirewall, containerGroup, estateOf, firewallPolicy, ipGroup, networkInterface, nsgId, resourceId, storageAccount, workspace } from '../support/arm';
import { attachedIds, withAttachedVm, withDatabricks } from '../support/compute-fixtures';
import { privateDnsRows } from '../support/private-dns';
import { compliantRows, ids } from '../support/scenario';

/** The compliant scenario plus a second, unrelated workspace with its own storage: it must never be pulled in. */
function estate() {
  const otherStorage = resourceId('Microsoft.Storage', 'storageAccounts', 'stother');
  return {
    estate: estateOf([...compliantRows(), workspace({ name: 'ws-other', storageAccountId: otherStorage }), storageAccount({ name: 'stother', defaultAction: 'Allow' })]),
    otherStorage,
    otherWorkspace: resourceId('Microsoft.MachineLearningServices', 'workspaces', 'ws-other'),
  };
}

const key = (id: string): string => idKey(id);

describe('affectedSubjectKeys', () => {
  it('an NSG change reaches the subnets it guards, their computes, and every subject of those workspaces', () => {
    const { estate: graph, otherStorage, otherWorkspace } = estate();
    const keys = affectedSubjectKeys(graph, ids.trainingNsg);
    for (const id of [ids.trainingNsg, ids.trainingSubnet, ids.workspace, ids.cluster, ids.instance, ids.aksCompute, ids.aksSubnet, ids.aksCluster, ids.storage, ids.keyVault, ids.registry]) {
      expect(keys, id).toContain(key(id));
    }
    expect(keys).not.toContain(key(otherStorage));
    expect(keys).not.toContain(key(otherWorkspace));
  });

  it('a security rule counts as its NSG', () => {
    const { estate: graph } = estate();
    expect(containerOf(`${ids.trainingNsg}/securityRules/AllowBatch`)).toBe(ids.trainingNsg);
    expect(affectedSubjectKeys(graph, `${ids.trainingNsg}/securityRules/AllowBatch`)).toContain(key(ids.trainingSubnet));
  });

  it('a storage change reaches the workspaces using it, and nothing else', () => {
    const { estate: graph, otherStorage, otherWorkspace } = estate();
    const keys = affectedSubjectKeys(graph, ids.storage);
    expect(keys).toContain(key(ids.workspace));
    expect(keys).toContain(key(ids.trainingSubnet));
    expect(keys).not.toContain(key(otherWorkspace));
    const other = affectedSubjectKeys(graph, otherStorage);
    expect(other).toContain(key(otherWorkspace));
    expect(other).not.toContain(key(ids.workspace));
  });

  it('a role assignment reaches the workspaces of the AKS cluster whose identity holds it', () => {
    const { estate: graph } = estate();
    const assignment = graph.roleAssignmentsOf(ids.aksPrincipal)[0];
    expect(assignment).toBeDefined();
    const keys = affectedSubjectKeys(graph, assignment!.id);
    expect(keys).toContain(key(ids.aksCompute));
    expect(keys).toContain(key(ids.workspace));
  });

  it('a VNet change reaches the compute subnets in it', () => {
    const { estate: graph } = estate();
    const keys = affectedSubjectKeys(graph, ids.vnet);
    expect(keys).toContain(key(ids.trainingSubnet));
    expect(keys).toContain(key(ids.workspace));
  });

  it('a VNet row that holds no subnets still reaches the computes placed in it, AKS agent pools among them', () => {
    // Only the AKS cluster's agent pool places a compute in the VNet: no cluster or instance, no networking on the AKS compute.
    const rows = compliantRows()
      .filter((row) => row.id !== ids.cluster && row.id !== ids.instance)
      .map((row) => (row.id === ids.vnet ? { ...row, properties: {} } : row.id === ids.aksCompute ? { ...row, properties: { computeType: 'AKS', resourceId: ids.aksCluster, properties: {} } } : row));
    const keys = affectedSubjectKeys(estateOf(rows), ids.vnet);
    expect(keys).toContain(key(ids.aksSubnet));
    expect(keys).toContain(key(ids.aksCluster));
    expect(keys).toContain(key(ids.workspace));
  });

  it('an attached AKS cluster reaches the workspace it serves', () => {
    const { estate: graph } = estate();
    expect(affectedSubjectKeys(graph, ids.aksCluster)).toContain(key(ids.workspace));
  });

  it('a private DNS zone or link change reaches every workspace served by a private endpoint, and no other', () => {
    const rows = privateDnsRows();
    const otherStorage = resourceId('Microsoft.Storage', 'storageAccounts', 'stother');
    const otherWorkspace = resourceId('Microsoft.MachineLearningServices', 'workspaces', 'ws-other');
    const graph = estateOf([...rows, workspace({ name: 'ws-other', storageAccountId: otherStorage }), storageAccount({ name: 'stother', defaultAction: 'Allow' })]);
    const zone = rows.find((row) => row.type === 'microsoft.network/privatednszones' && row.name === 'privatelink.blob.core.windows.net')!;
    const link = `${zone.id}/virtualNetworkLinks/link-vnet-ml`;
    expect(containerOf(link)).toBe(link);
    for (const changed of [zone.id, link]) {
      const keys = affectedSubjectKeys(graph, changed);
      for (const id of [ids.workspace, ids.storage, ids.keyVault, ids.registry, changed]) expect(keys, id).toContain(key(id));
      expect(keys).not.toContain(key(otherWorkspace));
    }
  });

  it('an NSG on an attached VM\'s network interface reaches the workspace the VM serves', () => {
    const guarded = withAttachedVm().map((row) => (row.id === attachedIds.vmNic ? networkInterface({ name: 'nic-dsvm', subnetId: ids.trainingSubnet, vmId: attachedIds.vm, privateIp: '10.0.1.20', nsgId: nsgId('nsg-dsvm') }) : row));
    const keys = affectedSubjectKeys(estateOf(guarded), nsgId('nsg-dsvm'));
    for (const id of [ids.workspace, attachedIds.vmCompute, attachedIds.vm]) expect(keys, id).toContain(key(id));
  });

  it('the VNet a Databricks workspace is injected into reaches the workspace it is attached to', () => {
    const keys = affectedSubjectKeys(estateOf(withDatabricks()), attachedIds.databricksVnet);
    for (const id of [ids.workspace, attachedIds.databricksCompute, attachedIds.databricks]) expect(keys, id).toContain(key(id));
  });

  it('a container group change reaches the subnets it is deployed in', () => {
    const aciSubnet = `${ids.vnet}/subnets/aci`;
    const group = containerGroup({ name: 'aci-scoring', subnetIds: [aciSubnet] });
    const keys = affectedSubjectKeys(estateOf([...compliantRows({ extraSubnets: [{ name: 'aci', addressPrefix: '10.0.20.0/24' }] }), group]), group.id);
    expect(keys).toContain(key(aciSubnet));
  });

  it('an IP group reaches every firewall; a base policy reaches the firewalls whose policy derives from it, and no other', () => {
    const base = firewallPolicy({ name: 'fwp-base' });
    const child = firewallPolicy({ name: 'fwp-child', basePolicyId: base.id });
    const other = firewallPolicy({ name: 'fwp-other' });
    const derived = azureFirewall({ name: 'fw-derived', privateIp: '10.9.0.4', policyId: child.id });
    const unrelated = azureFirewall({ name: 'fw-unrelated', privateIp: '10.9.0.5', policyId: other.id });
    const group = ipGroup({ name: 'ipg-training', ipAddresses: ['10.0.1.0/24'] });
    const graph = estateOf([...compliantRows(), base, child, other, derived, unrelated, group]);
    expect(affectedSubjectKeys(graph, group.id)).toEqual(new Set([key(group.id), key(derived.id), key(unrelated.id)]));
    const fromBase = affectedSubjectKeys(graph, base.id);
    expect(fromBase).toContain(key(derived.id));
    expect(fromBase).not.toContain(key(unrelated.id));
  });

  it('a resource the estate does not know is still its own subject (it may have just been deleted)', () => {
    const { estate: graph } = estate();
    const gone = resourceId('Microsoft.Storage', 'storageAccounts', 'stgone');
    expect([...affectedSubjectKeys(graph, gone)]).toEqual([key(gone)]);
  });
});
