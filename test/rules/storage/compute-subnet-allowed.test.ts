import { describe, expect, it } from 'vitest';
import { storageComputeSubnetAllowedRule } from '../../../src/rules/storage/compute-subnet-allowed';
import type { ResourceRow } from '../../../src/inventory/types';
import { amlCluster, estateOf, privateEndpoint, resourceId, storageAccount, vnet, workspace } from '../../support/arm';
import { replaceSubnet, withAttachedVm, withDatabricks, withVnet, attachedIds } from '../../support/compute-fixtures';
import { withProperty, withStorage } from '../../support/firewalled-fixtures';
import { compliantRows, ids, withoutRow, withRow } from '../../support/scenario';
import { evaluateRule, verdictFor } from '../../support/rules';

const rule = storageComputeSubnetAllowedRule;
const judge = (rows: readonly ResourceRow[]) => verdictFor(rule, estateOf(rows), ids.storage);
const storageEndpointId = resourceId('Microsoft.Network', 'privateEndpoints', 'pe-st-blob');
const storageEndpoint = (subnetId: string = ids.endpointSubnet) =>
  privateEndpoint({ name: 'pe-st-blob', subnetId, targetId: ids.storage, groupId: 'blob' });

describe('storage.compute-subnet-allowed', () => {
  it('passes when every compute subnet is a virtual network rule with the Microsoft.Storage endpoint', () => {
    const evaluation = judge(compliantRows());
    expect(evaluation.status).toBe('pass');
    expect(evaluation.workspaceIds).toEqual([ids.workspace]);
    expect(evaluation.evidence).toMatchObject({
      unreachableSubnets: [],
      undeterminedSubnets: [],
      reachableSubnets: [
        { subnetId: ids.trainingSubnet, vnetId: ids.vnet, reason: 'virtual-network-rule', computes: [{ computeId: ids.cluster, role: 'cluster' }, { computeId: ids.instance, role: 'instance' }] },
        { subnetId: ids.aksSubnet, reason: 'virtual-network-rule', computes: [{ computeId: ids.aksCompute, role: 'aks' }] },
      ],
    });
  });

  it('fails when the AKS subnet is not in the virtual network rules, naming the subnet and its compute', () => {
    const evaluation = judge(withStorage({ subnetIds: [ids.trainingSubnet] }));
    expect(evaluation.status).toBe('fail');
    expect(evaluation.severity).toBe('high');
    expect(evaluation.evidence.unreachableSubnets).toEqual([
      { subnetId: ids.aksSubnet, vnetId: ids.vnet, reason: 'not-in-rules', computes: [{ computeId: ids.aksCompute, role: 'aks' }] },
    ]);
  });

  it('fails when the subnet is in the rules but lacks the Microsoft.Storage service endpoint', () => {
    const evaluation = judge(withVnet({ subnets: replaceSubnet('training', { serviceEndpoints: ['Microsoft.KeyVault'] }) }));
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence.unreachableSubnets).toEqual([
      expect.objectContaining({ subnetId: ids.trainingSubnet, reason: 'missing-service-endpoint', serviceEndpoints: ['Microsoft.KeyVault'] }),
    ]);
  });

  it.each([
    ['Microsoft.Storage.Global', ['Microsoft.Storage.Global', 'Microsoft.KeyVault']],
    ['a lowercased service name', ['microsoft.storage']],
  ])('accepts %s as the storage service endpoint', (_, serviceEndpoints) => {
    const rows = withVnet({ subnets: replaceSubnet('training', { serviceEndpoints }) });
    expect(judge(rows).status).toBe('pass');
  });

  it('does not take a look-alike service name for the storage endpoint', () => {
    const rows = withVnet({ subnets: replaceSubnet('training', { serviceEndpoints: ['Microsoft.StorageSync', 'Microsoft.Storage<script>'] }) });
    const evaluation = judge(rows);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence.unreachableSubnets).toEqual([expect.objectContaining({ reason: 'missing-service-endpoint' })]);
  });

  it('matches virtual network rules to compute subnets case-insensitively', () => {
    const evaluation = judge(withStorage({ subnetIds: [ids.trainingSubnet.toUpperCase(), ids.aksSubnet.toLowerCase()] }));
    expect(evaluation.status).toBe('pass');
  });

  it('fails when public network access is disabled and only virtual network rules remain', () => {
    const evaluation = judge(withStorage({ publicNetworkAccess: 'Disabled' }));
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence).toMatchObject({ publicNetworkAccess: 'Disabled' });
    expect((evaluation.evidence.unreachableSubnets as { reason: string }[]).map((subnet) => subnet.reason)).toEqual(['public-access-disabled', 'public-access-disabled']);
  });

  it('passes through an approved private endpoint in the same VNet, even with public access disabled and no rules', () => {
    const rows = [...withStorage({ publicNetworkAccess: 'Disabled', subnetIds: [], privateEndpointIds: [storageEndpointId] }), storageEndpoint()];
    const evaluation = judge(rows);
    expect(evaluation.status).toBe('pass');
    expect(evaluation.evidence.reachableSubnets).toEqual([
      expect.objectContaining({ subnetId: ids.trainingSubnet, reason: 'private-endpoint', privateEndpointId: storageEndpointId }),
      expect.objectContaining({ subnetId: ids.aksSubnet, reason: 'private-endpoint', privateEndpointId: storageEndpointId }),
    ]);
  });

  it('finds the endpoint VNet from its subnet ID when the endpoint subnet is not in the inventory', () => {
    const ghostSubnet = `${ids.vnet.toUpperCase()}/subnets/not-listed`;
    const rows = [...withStorage({ subnetIds: [], privateEndpointIds: [storageEndpointId] }), storageEndpoint(ghostSubnet)];
    expect(judge(rows).status).toBe('pass');
  });

  it('does not count a private endpoint in another VNet', () => {
    const otherVnet = vnet({ name: 'vnet-hub', addressPrefixes: ['10.9.0.0/16'], subnets: [{ name: 'endpoints', addressPrefix: '10.9.0.0/24' }] });
    const rows = [...withStorage({ subnetIds: [ids.trainingSubnet], privateEndpointIds: [storageEndpointId] }), otherVnet, storageEndpoint(`${otherVnet.id}/subnets/endpoints`)];
    const evaluation = judge(rows);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence.unreachableSubnets).toEqual([expect.objectContaining({ subnetId: ids.aksSubnet, reason: 'not-in-rules' })]);
  });

  it('does not count a private endpoint whose connection is still pending', () => {
    const account = storageAccount({ name: 'stmlws', defaultAction: 'Deny', publicNetworkAccess: 'Disabled' });
    const pending = withProperty(account, 'privateEndpointConnections', [
      { id: `${storageEndpointId}-connection`, properties: { privateEndpoint: { id: storageEndpointId }, privateLinkServiceConnectionState: { status: 'Pending' } } },
    ]);
    const evaluation = judge([...withRow(compliantRows(), pending), storageEndpoint()]);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence.unreachableSubnets).toHaveLength(2);
  });

  it('is unknown when an approved endpoint of the account is not in the inventory and no rule admits the subnet', () => {
    const evaluation = judge(withStorage({ subnetIds: [ids.trainingSubnet], privateEndpointIds: [storageEndpointId] }));
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence.undeterminedSubnets).toEqual([
      expect.objectContaining({ subnetId: ids.aksSubnet, reason: 'private-endpoint-not-in-inventory', unresolvedPrivateEndpointIds: [storageEndpointId] }),
    ]);
  });

  it('is unknown when the service endpoints decide and the subnets are not in the inventory', () => {
    const evaluation = judge(withoutRow(compliantRows(), ids.vnet));
    expect(evaluation.status).toBe('unknown');
    expect((evaluation.evidence.undeterminedSubnets as { reason: string }[]).map((subnet) => subnet.reason)).toEqual(['subnet-not-in-inventory', 'subnet-not-in-inventory']);
  });

  it('prefers fail to unknown when one subnet is unreachable and another undetermined', () => {
    const rows = withStorage({ subnetIds: [ids.trainingSubnet] }, withoutRow(compliantRows(), ids.vnet));
    const evaluation = judge(rows);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence).toMatchObject({
      unreachableSubnets: [expect.objectContaining({ subnetId: ids.aksSubnet, reason: 'not-in-rules' })],
      undeterminedSubnets: [expect.objectContaining({ subnetId: ids.trainingSubnet, reason: 'subnet-not-in-inventory' })],
    });
  });

  it('judges the Databricks public and private subnets', () => {
    const evaluation = judge(withDatabricks());
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence.unreachableSubnets).toEqual([
      expect.objectContaining({ subnetId: `${attachedIds.databricksVnet}/subnets/databricks-public`, computes: [{ computeId: attachedIds.databricksCompute, role: 'databricks-public' }] }),
      expect.objectContaining({ subnetId: `${attachedIds.databricksVnet}/subnets/databricks-private`, computes: [{ computeId: attachedIds.databricksCompute, role: 'databricks-private' }] }),
    ]);
  });

  it('checks the compute subnets of every VNet-isolated workspace sharing the account', () => {
    const second = workspace({ name: 'ws-ml-2', storageAccountId: ids.storage.toUpperCase() });
    const otherVnet = vnet({ name: 'vnet-two', addressPrefixes: ['10.8.0.0/16'], subnets: [{ name: 'training', addressPrefix: '10.8.1.0/24', serviceEndpoints: ['Microsoft.Storage'] }] });
    const cluster = amlCluster(second, { name: 'gpu-cluster', subnetId: `${otherVnet.id}/subnets/training` });
    const evaluation = judge([...compliantRows(), second, otherVnet, cluster]);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.workspaceIds).toEqual([ids.workspace, second.id]);
    expect(evaluation.evidence.unreachableSubnets).toEqual([
      expect.objectContaining({ subnetId: `${otherVnet.id}/subnets/training`, reason: 'not-in-rules', computes: [{ computeId: cluster.id, role: 'cluster' }] }),
    ]);
  });

  it('answers without crashing when a compute names a subnet ID that is not one', () => {
    const ws = compliantRows()[0] as ResourceRow;
    const rows = withRow(compliantRows(), amlCluster(ws, { name: 'cpu-cluster', subnetId: '"><img src=x onerror=alert(1)>' }));
    const evaluation = judge(rows);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence.unreachableSubnets).toEqual([
      expect.objectContaining({ subnetId: '"><img src=x onerror=alert(1)>', vnetId: null, reason: 'not-in-rules' }),
    ]);
  });

  it('is not applicable when the account is not secured', () => {
    const evaluation = judge(withStorage({ defaultAction: 'Allow' }));
    expect(evaluation.status).toBe('not-applicable');
    expect(evaluation.evidence).toMatchObject({ defaultAction: 'Allow' });
  });

  it('is not applicable when only an attached VM of the workspace runs in a subnet', () => {
    const vmOnly = withAttachedVm().filter((row) => !([ids.cluster, ids.instance, ids.aksCompute] as readonly string[]).includes(row.id));
    expect(judge(vmOnly).status).toBe('not-applicable');
  });

  it('is unknown when the firewall section is malformed', () => {
    const account = storageAccount({ name: 'stmlws', defaultAction: 'Deny' });
    const evaluation = judge(withRow(compliantRows(), withProperty(account, 'networkAcls', ['Deny'])));
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ networkAclsMalformed: true });
  });

  it('is unknown when the account is missing from the inventory', () => {
    const evaluation = judge(withoutRow(compliantRows(), ids.storage));
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ missingResourceId: ids.storage });
  });

  it('does not judge the storage of a workspace with no compute in a subnet', () => {
    const ws = workspace({ name: 'ws-public', storageAccountId: resourceId('Microsoft.Storage', 'storageAccounts', 'stpublic') });
    const rows = [ws, storageAccount({ name: 'stpublic', defaultAction: 'Deny' }), amlCluster(ws, { name: 'cpu' })];
    expect(evaluateRule(rule, estateOf(rows))).toEqual([]);
  });
});
