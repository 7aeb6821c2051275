import { describe, expect, it } from 'vitest';
import { typeFromId } from '../../src/estate';
import type { ResourceRow } from '../../src/inventory/types';
import {
  attachedCompute,
  azureFirewall,
  containerGroup,
  databricksWorkspace,
  estateOf,
  firewallPolicy,
  ipGroup,
  networkInterface,
  resourceId,
  ruleCollectionGroup,
  virtualMachine,
  vnet,
  workspace,
} from '../support/arm';
import { compliantRows, ids } from '../support/scenario';

describe('buildEstate', () => {
  const estate = estateOf(compliantRows());

  it('indexes every row and answers lookups case-insensitively', () => {
    expect(estate.resourceCount).toBe(compliantRows().length);
    expect(estate.workspace(ids.workspace.toUpperCase())?.id).toBe(ids.workspace);
    expect(estate.storageAccount(ids.storage.toLowerCase())?.defaultAction).toBe('Deny');
    expect(estate.resource(ids.trainingSubnet.toUpperCase())?.type).toBe('microsoft.network/virtualnetworks/subnets');
  });

  it('reads subnets embedded in their VNet with NSG, service endpoints and allocations', () => {
    const subnet = estate.subnet(ids.trainingSubnet);
    expect(subnet).toMatchObject({ vnetId: ids.vnet, addressPrefixes: ['10.0.1.0/24'], nsgId: ids.trainingNsg, ipConfigurationCount: 3 });
    expect(subnet?.serviceEndpoints).toEqual(['Microsoft.Storage', 'Microsoft.KeyVault']);
    expect(estate.subnetsOf(ids.vnet).map((s) => s.name)).toEqual(['training', 'aks', 'endpoints']);
    // One view per VNet, whichever way it is asked for: the one that knows its subnets.
    const vnetView = estate.virtualNetwork(ids.vnet);
    expect(vnetView?.subnetKeys).toHaveLength(3);
    expect(estate.resource(ids.vnet)).toBe(vnetView);
  });

  it('derives compute subnets: clusters, instances and the AKS agent pools', () => {
    const uses = estate.computeSubnetsOf(ids.workspace).map((use) => [use.role, use.subnetId]);
    expect(uses).toEqual(
      expect.arrayContaining([
        ['cluster', ids.trainingSubnet],
        ['instance', ids.trainingSubnet],
        ['aks', ids.aksSubnet],
      ]),
    );
    expect(estate.isVnetIsolated(ids.workspace)).toBe(true);
    expect(estate.computeUsesOfSubnet(ids.trainingSubnet.toUpperCase())).toHaveLength(2);
  });

  it('links associated resources, private endpoints and role assignments', () => {
    expect(estate.workspacesUsing(ids.registry.toUpperCase()).map((ws) => ws.name)).toEqual(['ws-ml']);
    expect(estate.approvedPrivateEndpointsOf(ids.registry).map((pe) => pe.subnetId)).toEqual([ids.endpointSubnet]);
    expect(estate.roleAssignmentsOf(ids.aksPrincipal.toUpperCase())).toHaveLength(1);
    const compute = estate.compute(ids.aksCompute);
    expect(compute).toMatchObject({ computeType: 'AKS', loadBalancerType: 'InternalLoadBalancer', workspaceId: ids.workspace });
  });

  it('follows attached VMs through their NICs, and Databricks through its custom VNet', () => {
    const ws = workspace({ name: 'ws-attached' });
    const network = vnet({ name: 'vnet-x', subnets: [{ name: 'vms', addressPrefix: '10.1.0.0/24' }, { name: 'dbw-public', addressPrefix: '10.1.1.0/24' }] });
    const vmId = resourceId('Microsoft.Compute', 'virtualMachines', 'dsvm');
    const nic = networkInterface({ name: 'dsvm-nic', subnetId: `${network.id}/subnets/vms`, vmId });
    const dbw = databricksWorkspace({ name: 'dbw', vnetId: network.id, publicSubnetName: 'dbw-public', privateSubnetName: 'dbw-private' });
    const rows = [
      ws,
      network,
      nic,
      virtualMachine({ name: 'dsvm', nicIds: [nic.id] }),
      dbw,
      attachedCompute(ws, { name: 'vm', computeType: 'VirtualMachine', resourceId: vmId }),
      attachedCompute(ws, { name: 'dbw', computeType: 'Databricks', resourceId: dbw.id }),
    ];
    const uses = estateOf(rows).computeSubnetsOf(ws.id).map((use) => `${use.role}:${use.subnetId.split('/').pop()}`);
    expect(uses.sort()).toEqual(['databricks-private:dbw-private', 'databricks-public:dbw-public', 'virtual-machine:vms']);
  });

  it('reads firewall rules: classic collections, policy rule collection groups (rows or embedded), IP groups', () => {
    const policy = firewallPolicy({ name: 'fwp', groups: ['aml'] });
    const rows = [
      policy,
      ruleCollectionGroup(policy, { name: 'aml', collections: [{ name: 'aml-hosts', rules: [{ name: 'ml', targetFqdns: ['ml.azure.com'] }] }] }),
      azureFirewall({
        name: 'fw',
        privateIp: '10.9.0.4',
        policyId: policy.id,
        applicationRuleCollections: [
          { name: 'allow', rules: [{ name: 'batch', targetFqdns: ['*.batchai.core.windows.net'] }] },
          { name: 'deny', action: 'Deny', rules: [{ name: 'x', targetFqdns: ['*.aether.ms'] }] },
        ],
      }),
      ipGroup({ name: 'ipg', ipAddresses: ['10.0.0.0/16'] }),
      containerGroup({ name: 'aci', subnetIds: [ids.trainingSubnet] }),
    ];
    const built = estateOf(rows);
    const firewall = built.firewallByPrivateIp('10.9.0.4');
    expect(firewall?.classicRules.collections.map((collection) => [collection.name, collection.action])).toEqual([
      ['allow', 'Allow'],
      ['deny', 'Deny'],
    ]);
    const readPolicy = built.firewallPolicy(firewall?.firewallPolicyId ?? '');
    expect(readPolicy?.referencedGroupIds).toEqual([`${policy.id}/ruleCollectionGroups/aml`]);
    expect(readPolicy?.groups.map((group) => [group.name, group.priority, group.collections.map((collection) => collection.rules.map((rule) => rule.name))])).toEqual([['aml', 200, [['ml']]]]);
    expect(built.ipGroup(rows[3]!.id.toUpperCase())?.ipAddresses).toEqual(['10.0.0.0/16']);
    expect(built.containerGroupsInSubnet(ids.trainingSubnet.toUpperCase())).toHaveLength(1);

    const embedded = { ...policy, properties: { ruleCollectionGroups: [{ id: `${policy.id}/ruleCollectionGroups/inline`, name: 'inline', properties: { priority: 300, ruleCollections: [] } }] } };
    expect(estateOf([embedded]).firewallPolicy(policy.id)?.groups.map((group) => group.name)).toEqual(['inline']);
  });

  it('lets a subnet row of its own win over the copy embedded in the VNet', () => {
    const subnetRow: ResourceRow = {
      id: ids.trainingSubnet,
      name: 'training',
      type: 'microsoft.network/virtualnetworks/subnets',
      properties: { addressPrefix: '10.0.1.0/25', delegations: [{ properties: { serviceName: 'Microsoft.ContainerInstance/containerGroups' } }] },
    };
    const subnet = estateOf([subnetRow, ...compliantRows()]).subnet(ids.trainingSubnet);
    expect(subnet?.addressPrefixes).toEqual(['10.0.1.0/25']);
    expect(subnet?.delegations).toEqual(['Microsoft.ContainerInstance/containerGroups']);
  });

  it('infers the type from the ID when a row has none', () => {
    expect(typeFromId(`${ids.vnet}/subnets/x`)).toBe('microsoft.network/virtualnetworks/subnets');
    expect(typeFromId('not-an-id')).toBeUndefined();
    const { type: _type, ...untyped } = compliantRows()[0] as ResourceRow & { type: string };
    expect(estateOf([untyped as ResourceRow]).workspaces).toHaveLength(1);
  });

  it('never throws on hostile or malformed rows, and reads nothing it cannot trust', () => {
    const longName = '<img src=x onerror=alert(1)>'.repeat(400);
    const hostile: ResourceRow[] = [
      { id: ids.workspace, type: 'microsoft.machinelearningservices/workspaces', name: longName, properties: null },
      { id: ids.storage, type: 'microsoft.storage/storageaccounts', properties: { networkAcls: 42, privateEndpointConnections: 'x' } },
      { id: ids.vnet, type: 'microsoft.network/virtualnetworks', properties: { subnets: [null, 7, { id: 5 }, { id: `${ids.vnet}/subnets/ok`, properties: { addressPrefix: ['bad'] } }] } },
      { id: ids.trainingNsg, type: 'microsoft.network/networksecuritygroups', properties: { securityRules: [{ properties: { priority: 'high' } }] } },
      { id: `${ids.workspace}/computes/c`, type: 'microsoft.machinelearningservices/workspaces/computes', properties: { computeType: {}, properties: { subnet: [] } } },
      { id: '/subscriptions/x/providers/Microsoft.Authorization/roleAssignments/y', type: 'microsoft.authorization/roleassignments', properties: { principalId: 12 } },
      { id: ids.aksCluster, type: 'microsoft.containerservice/managedclusters', identity: 'x', properties: { agentPoolProfiles: {} } },
      { id: '__proto__', type: 'constructor', properties: { __proto__: { polluted: true } } },
    ];
    const built = estateOf(hostile);
    expect(built.workspace(ids.workspace)?.name).toBe(longName);
    expect(built.workspace(ids.workspace)?.storageAccountId).toBeUndefined();
    expect(built.storageAccount(ids.storage)?.networkAclsMalformed).toBe(true);
    expect(built.subnet(`${ids.vnet}/subnets/ok`)?.addressPrefixes).toEqual([]);
    expect(built.compute(`${ids.workspace}/computes/c`)?.computeType).toBe('Other');
    expect(built.aksCluster(ids.aksCluster)?.agentPools).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
