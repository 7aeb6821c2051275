import { describe, expect, it } from 'vitest';
import { keyvaultComputeSubnetAllowedRule } from '../../../src/rules/keyvault/compute-subnet-allowed';
import type { ResourceRow } from '../../../src/inventory/types';
import { aksCompute, amlCluster, estateOf, keyVault, privateEndpoint, resourceId, vnet, workspace } from '../../support/arm';
import { replaceSubnet, withDatabricks, withVnet } from '../../support/compute-fixtures';
import { withKeyVault, withProperty } from '../../support/firewalled-fixtures';
import { compliantRows, ids, withoutRow, withRow } from '../../support/scenario';
import { evaluateRule, verdictFor } from '../../support/rules';

const rule = keyvaultComputeSubnetAllowedRule;
const judge = (rows: readonly ResourceRow[]) => verdictFor(rule, estateOf(rows), ids.keyVault);
const vaultEndpointId = resourceId('Microsoft.Network', 'privateEndpoints', 'pe-kv');
const vaultEndpoint = () => privateEndpoint({ name: 'pe-kv', subnetId: ids.endpointSubnet, targetId: ids.keyVault, groupId: 'vault' });

describe('keyvault.compute-subnet-allowed', () => {
  it('passes when the cluster/instance subnet is a rule with the Microsoft.KeyVault endpoint (AKS is not judged)', () => {
    const evaluation = judge(compliantRows());
    expect(evaluation.status).toBe('pass');
    expect(evaluation.workspaceIds).toEqual([ids.workspace]);
    expect(evaluation.evidence).toMatchObject({
      unreachableSubnets: [],
      reachableSubnets: [
        { subnetId: ids.trainingSubnet, reason: 'virtual-network-rule', computes: [{ computeId: ids.cluster, role: 'cluster' }, { computeId: ids.instance, role: 'instance' }] },
      ],
    });
  });

  it('ignores Databricks subnets, which only storage and registry rules judge', () => {
    expect(judge(withDatabricks()).status).toBe('pass');
  });

  it('fails when the training subnet lacks the Microsoft.KeyVault service endpoint', () => {
    const evaluation = judge(withVnet({ subnets: replaceSubnet('training', { serviceEndpoints: ['Microsoft.Storage'] }) }));
    expect(evaluation.status).toBe('fail');
    expect(evaluation.severity).toBe('high');
    expect(evaluation.evidence.unreachableSubnets).toEqual([
      expect.objectContaining({ subnetId: ids.trainingSubnet, reason: 'missing-service-endpoint', serviceEndpoints: ['Microsoft.Storage'] }),
    ]);
  });

  it('fails when the training subnet is not in the rules', () => {
    const evaluation = judge(withKeyVault({ subnetIds: [ids.aksSubnet] }));
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence.unreachableSubnets).toEqual([
      { subnetId: ids.trainingSubnet, vnetId: ids.vnet, reason: 'not-in-rules', computes: [{ computeId: ids.cluster, role: 'cluster' }, { computeId: ids.instance, role: 'instance' }] },
    ]);
  });

  it('fails with public access disabled and no private endpoint, passes with one in the VNet', () => {
    expect(judge(withKeyVault({ publicNetworkAccess: 'Disabled' })).evidence.unreachableSubnets).toEqual([
      expect.objectContaining({ reason: 'public-access-disabled' }),
    ]);
    const rows = [...withKeyVault({ publicNetworkAccess: 'Disabled', subnetIds: [], privateEndpointIds: [vaultEndpointId] }), vaultEndpoint()];
    const evaluation = judge(rows);
    expect(evaluation.status).toBe('pass');
    expect(evaluation.evidence.reachableSubnets).toEqual([expect.objectContaining({ reason: 'private-endpoint', privateEndpointId: vaultEndpointId })]);
  });

  it('matches rules and service endpoint names case-insensitively', () => {
    const rows = withVnet(
      { subnets: replaceSubnet('training', { serviceEndpoints: ['MICROSOFT.KEYVAULT'] }) },
      withKeyVault({ subnetIds: [ids.trainingSubnet.toLowerCase()] }),
    );
    expect(judge(rows).status).toBe('pass');
  });

  it('is unknown when the subnet is not in the inventory', () => {
    const evaluation = judge(withoutRow(compliantRows(), ids.vnet));
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence.undeterminedSubnets).toEqual([expect.objectContaining({ subnetId: ids.trainingSubnet, reason: 'subnet-not-in-inventory' })]);
  });

  it('checks the cluster subnets of a second VNet-isolated workspace sharing the vault', () => {
    const second = workspace({ name: 'ws-ml-2', keyVaultId: ids.keyVault });
    const other = vnet({ name: 'vnet-two', addressPrefixes: ['10.8.0.0/16'], subnets: [{ name: 'training', addressPrefix: '10.8.1.0/24', serviceEndpoints: ['Microsoft.KeyVault'] }] });
    const cluster = amlCluster(second, { name: 'gpu', subnetId: `${other.id}/subnets/training` });
    const evaluation = judge([...compliantRows(), second, other, cluster]);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.workspaceIds).toEqual([ids.workspace, second.id]);
    expect(evaluation.evidence.unreachableSubnets).toEqual([expect.objectContaining({ computes: [{ computeId: cluster.id, role: 'cluster' }] })]);
  });

  it('is not applicable when only AKS computes run in a subnet', () => {
    const ws = workspace({ name: 'ws-inference', keyVaultId: resourceId('Microsoft.KeyVault', 'vaults', 'kv-inference') });
    const rows = [...compliantRows(), ws, keyVault({ name: 'kv-inference', defaultAction: 'Deny' }), aksCompute(ws, { name: 'aks', clusterId: ids.aksCluster })];
    const evaluation = verdictFor(rule, estateOf(rows), resourceId('Microsoft.KeyVault', 'vaults', 'kv-inference'));
    expect(evaluation.status).toBe('not-applicable');
    expect(evaluation.evidence).toMatchObject({ roles: ['cluster', 'instance'] });
  });

  it('is not applicable when the vault is not secured', () => {
    expect(judge(withKeyVault({ defaultAction: 'Allow', subnetIds: [] })).status).toBe('not-applicable');
  });

  it('is unknown when the firewall section is malformed or the vault is missing', () => {
    expect(judge(withRow(compliantRows(), withProperty(keyVault({ name: 'kv-ml-ws' }), 'networkAcls', 'Deny'))).status).toBe('unknown');
    const evaluation = judge(withoutRow(compliantRows(), ids.keyVault));
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ missingResourceId: ids.keyVault });
  });

  it('does not judge the vault of a workspace with no compute in a subnet', () => {
    const ws = workspace({ name: 'ws-public', keyVaultId: resourceId('Microsoft.KeyVault', 'vaults', 'kv-public') });
    const rows = [ws, keyVault({ name: 'kv-public', defaultAction: 'Deny' }), amlCluster(ws, { name: 'cpu' })];
    expect(evaluateRule(rule, estateOf(rows))).toEqual([]);
  });
});
