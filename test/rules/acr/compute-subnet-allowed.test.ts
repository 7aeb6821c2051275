import { describe, expect, it } from 'vitest';
import { acrComputeSubnetAllowedRule } from '../../../src/rules/acr/compute-subnet-allowed';
import type { ResourceRow } from '../../../src/inventory/types';
import { amlCluster, containerRegistry, estateOf, privateEndpoint, resourceId, vnet, workspace } from '../../support/arm';
import { attachedIds, replaceSubnet, withAttachedVm, withDatabricks, withVnet } from '../../support/compute-fixtures';
import { withProperty, withRegistry } from '../../support/firewalled-fixtures';
import { compliantRows, ids, withoutRow, withRow } from '../../support/scenario';
import { evaluateRule, verdictFor } from '../../support/rules';

const rule = acrComputeSubnetAllowedRule;
const judge = (rows: readonly ResourceRow[]) => verdictFor(rule, estateOf(rows), ids.registry);

describe('acr.compute-subnet-allowed', () => {
  it('passes when the registry has an approved private endpoint in the compute VNet', () => {
    const evaluation = judge(compliantRows());
    expect(evaluation.status).toBe('pass');
    expect(evaluation.workspaceIds).toEqual([ids.workspace]);
    expect(evaluation.evidence).toMatchObject({
      unreachableSubnets: [],
      reachableSubnets: [
        { subnetId: ids.trainingSubnet, reason: 'private-endpoint', privateEndpointId: ids.registryEndpoint, computes: [{ computeId: ids.cluster, role: 'cluster' }, { computeId: ids.instance, role: 'instance' }] },
        { subnetId: ids.aksSubnet, reason: 'private-endpoint', privateEndpointId: ids.registryEndpoint, computes: [{ computeId: ids.aksCompute, role: 'aks' }] },
      ],
    });
  });

  it('passes through virtual network rules alone: a registry needs no service endpoint here', () => {
    const rows = withVnet(
      { subnets: replaceSubnet('training', { serviceEndpoints: [] }) },
      withRegistry({ privateEndpointIds: [], subnetIds: [ids.trainingSubnet.toUpperCase(), ids.aksSubnet] }),
    );
    const evaluation = judge(withoutRow(rows, ids.registryEndpoint));
    expect(evaluation.status).toBe('pass');
    expect((evaluation.evidence.reachableSubnets as { reason: string }[]).map((subnet) => subnet.reason)).toEqual(['virtual-network-rule', 'virtual-network-rule']);
  });

  it('fails for the Databricks subnets of another VNet that the endpoint does not serve', () => {
    const evaluation = judge(withDatabricks());
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence.unreachableSubnets).toEqual([
      expect.objectContaining({ subnetId: `${attachedIds.databricksVnet}/subnets/databricks-public`, vnetId: attachedIds.databricksVnet, reason: 'not-in-rules' }),
      expect.objectContaining({ subnetId: `${attachedIds.databricksVnet}/subnets/databricks-private`, reason: 'not-in-rules' }),
    ]);
  });

  it('fails when the registry endpoint sits in another VNet', () => {
    const hub = vnet({ name: 'vnet-hub', addressPrefixes: ['10.9.0.0/16'], subnets: [{ name: 'endpoints', addressPrefix: '10.9.0.0/24' }] });
    const moved = privateEndpoint({ name: 'pe-acr', subnetId: `${hub.id}/subnets/endpoints`, targetId: ids.registry, groupId: 'registry' });
    const evaluation = judge([...withRow(compliantRows(), moved), hub]);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.severity).toBe('high');
    expect(evaluation.evidence.unreachableSubnets).toHaveLength(2);
  });

  it('fails with public access disabled when only network rules admit the subnets', () => {
    const rows = withoutRow(withRegistry({ privateEndpointIds: [], subnetIds: [ids.trainingSubnet, ids.aksSubnet], publicNetworkAccess: 'Disabled' }), ids.registryEndpoint);
    const evaluation = judge(rows);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence.unreachableSubnets).toEqual([
      expect.objectContaining({ reason: 'public-access-disabled' }),
      expect.objectContaining({ reason: 'public-access-disabled' }),
    ]);
  });

  it('is unknown when the approved endpoint is not in the inventory', () => {
    const evaluation = judge(withoutRow(compliantRows(), ids.registryEndpoint));
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence.undeterminedSubnets).toEqual([
      expect.objectContaining({ reason: 'private-endpoint-not-in-inventory', unresolvedPrivateEndpointIds: [ids.registryEndpoint] }),
      expect.objectContaining({ reason: 'private-endpoint-not-in-inventory' }),
    ]);
  });

  it('checks every VNet-isolated workspace sharing the registry', () => {
    const second = workspace({ name: 'ws-ml-2', containerRegistryId: ids.registry.toLowerCase() });
    const other = vnet({ name: 'vnet-two', addressPrefixes: ['10.8.0.0/16'], subnets: [{ name: 'training', addressPrefix: '10.8.1.0/24' }] });
    const cluster = amlCluster(second, { name: 'gpu', subnetId: `${other.id}/subnets/training` });
    const evaluation = judge([...compliantRows(), second, other, cluster]);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.workspaceIds).toEqual([ids.workspace, second.id]);
    expect(evaluation.evidence.unreachableSubnets).toEqual([expect.objectContaining({ computes: [{ computeId: cluster.id, role: 'cluster' }] })]);
  });

  it('is not applicable when the registry is not secured', () => {
    expect(judge(withRegistry({ defaultAction: 'Allow' })).status).toBe('not-applicable');
  });

  it('is unknown when the network rule set is malformed or the registry is missing', () => {
    const broken = withProperty(containerRegistry({ name: 'acrmlws' }), 'networkRuleSet', { defaultAction: ['Deny'] });
    expect(judge(withRow(compliantRows(), broken)).status).toBe('unknown');
    const evaluation = judge(withoutRow(compliantRows(), ids.registry));
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ missingResourceId: ids.registry });
  });

  it('does not judge the registry of a workspace with no compute in a subnet', () => {
    const ws = workspace({ name: 'ws-public', containerRegistryId: resourceId('Microsoft.ContainerRegistry', 'registries', 'acrpublic') });
    const rows = [ws, containerRegistry({ name: 'acrpublic', defaultAction: 'Deny' }), amlCluster(ws, { name: 'cpu' })];
    expect(evaluateRule(rule, estateOf(rows))).toEqual([]);
  });

  it('is not applicable when only an attached VM of the workspace runs in a subnet', () => {
    const vmOnly = withAttachedVm().filter((row) => !([ids.cluster, ids.instance, ids.aksCompute] as readonly string[]).includes(row.id));
    const evaluation = judge(vmOnly);
    expect(evaluation.status).toBe('not-applicable');
    expect(evaluation.messageId).toBe('noComputeSubnet');
  });
});
