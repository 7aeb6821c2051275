import { describe, expect, it } from 'vitest';
import { routeForcedTunnelBatchRule } from '../../../src/rules/route/forced-tunnel-batch';
import { estateOf } from '../../support/arm';
import type { RouteSpec } from '../../support/arm';
import { withoutRow } from '../../support/scenario';
import { evaluateRule, verdictFor } from '../../support/rules';
import { batchTagRoutes, forcedTunnel, ids, orphanSubnetRows, privateNodeRows, routedRows, scenarioEstate, serviceTags, trainingRouteTableId, westEuropeWorkspaceRows } from '../../support/nsg-fixtures';

const rule = routeForcedTunnelBatchRule;

function routed(routes: readonly RouteSpec[], tags = true): ReturnType<typeof estateOf> {
  return estateOf(routedRows(routes), tags ? serviceTags : undefined);
}

describe('route.forced-tunnel-batch', () => {
  it('does not apply to a subnet without a route table (the scenario)', () => {
    const evaluations = evaluateRule(rule, scenarioEstate());
    expect(evaluations.map((evaluation) => [evaluation.resourceId, evaluation.status])).toEqual([[ids.trainingSubnet, 'not-applicable']]);
  });

  it.each<[string, RouteSpec[]]>([
    ['only specific routes', [{ name: 'OnPrem', addressPrefix: '192.168.0.0/16', nextHopType: 'VirtualNetworkGateway' }]],
    ['a default route to the Internet', [{ name: 'Default', addressPrefix: '0.0.0.0/0', nextHopType: 'Internet' }]],
  ])('does not apply when the route table has %s', (_, routes) => {
    expect(verdictFor(rule, routed(routes), ids.trainingSubnet).status).toBe('not-applicable');
  });

  it.each<[string, RouteSpec[]]>([
    ['routes naming the regional tags', [forcedTunnel, ...batchTagRoutes]],
    ['routes naming the parent tags', [forcedTunnel, { name: 'Batch', addressPrefix: 'BatchNodeManagement', nextHopType: 'Internet' }, { name: 'Aml', addressPrefix: 'AzureMachineLearning', nextHopType: 'Internet' }]],
    [
      'routes for each prefix',
      [forcedTunnel, { name: 'Batch1', addressPrefix: '198.51.100.0/27', nextHopType: 'Internet' }, { name: 'Aml1', addressPrefix: '198.51.100.64/27', nextHopType: 'Internet' }],
    ],
    ['one covering prefix route', [forcedTunnel, { name: 'Both', addressPrefix: '198.51.100.0/25', nextHopType: 'Internet' }]],
  ])('passes with %s', (_, routes) => {
    const evaluation = verdictFor(rule, routed(routes), ids.trainingSubnet);
    expect(evaluation.status).toBe('pass');
    expect(evaluation.evidence).toMatchObject({ routeTableId: trainingRouteTableId, forcedTunnelRoute: { name: 'ForcedTunnel', nextHopType: 'VirtualAppliance' } });
  });

  it('does not apply when every cluster and instance in the subnet has no public IP (Batch never calls the nodes)', () => {
    const rows = routedRows([forcedTunnel]).filter((row) => !String(row.type).endsWith('/computes'));
    const evaluation = verdictFor(rule, estateOf([...rows, ...privateNodeRows()], serviceTags), ids.trainingSubnet);
    expect(evaluation.status).toBe('not-applicable');
    expect(evaluation.evidence).toMatchObject({ enableNodePublicIp: false });
    // One compute with a public IP is enough for the routes to matter.
    const mixed = [...rows, privateNodeRows()[0]!, ...routedRows([forcedTunnel]).filter((row) => String(row.id).endsWith('/ci-alice'))];
    expect(verdictFor(rule, estateOf(mixed, serviceTags), ids.trainingSubnet).status).toBe('fail');
  });

  it('fails when the Azure ML prefixes follow the forced tunnel', () => {
    const evaluation = verdictFor(rule, routed([forcedTunnel, batchTagRoutes[0]!]), ids.trainingSubnet);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.severity).toBe('high');
    expect(evaluation.evidence.notRoutedToInternet).toEqual([
      expect.objectContaining({ tag: 'AzureMachineLearning', region: 'eastus', prefixes: ['198.51.100.64/27'], routes: [expect.objectContaining({ name: 'ForcedTunnel' })] }),
    ]);
  });

  it('fails when a route covers only part of a prefix', () => {
    const evaluation = verdictFor(rule, routed([forcedTunnel, batchTagRoutes[1]!, { name: 'BatchHalf', addressPrefix: '198.51.100.0/28', nextHopType: 'Internet' }]), ids.trainingSubnet);
    expect(evaluation.evidence.notRoutedToInternet).toEqual([expect.objectContaining({ tag: 'BatchNodeManagement', prefixes: ['198.51.100.0/27'] })]);
  });

  it('fails when the tag route goes to the appliance too', () => {
    const toAppliance = batchTagRoutes.map((route) => ({ ...route, nextHopType: 'VirtualAppliance', nextHopIpAddress: '10.0.100.4' }));
    const evaluation = verdictFor(rule, routed([forcedTunnel, ...toAppliance]), ids.trainingSubnet);
    expect((evaluation.evidence.notRoutedToInternet as unknown[]).length).toBe(2);
  });

  it('fails for a workspace in another region sharing the subnet', () => {
    const rows = [...routedRows([forcedTunnel, ...batchTagRoutes]), ...westEuropeWorkspaceRows()];
    const evaluation = verdictFor(rule, estateOf(rows, serviceTags), ids.trainingSubnet);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence.notRoutedToInternet).toEqual(expect.arrayContaining([expect.objectContaining({ tag: 'BatchNodeManagement', region: 'westeurope', prefixes: ['203.0.113.0/27'] })]));
  });

  it('is unknown without service-tag data', () => {
    const evaluation = verdictFor(rule, routed([forcedTunnel, ...batchTagRoutes], false), ids.trainingSubnet);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ forcedTunnelRoute: { name: 'ForcedTunnel' } });
  });

  it('is unknown when the route table or the subnet is missing from the inventory', () => {
    const evaluation = verdictFor(rule, estateOf(withoutRow(routedRows([forcedTunnel]), trainingRouteTableId), serviceTags), ids.trainingSubnet);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ missingResourceId: trainingRouteTableId });
    const orphan = orphanSubnetRows();
    expect(verdictFor(rule, estateOf([...routedRows([]), ...orphan.rows], serviceTags), orphan.subnetId).status).toBe('unknown');
  });

  it('is unknown when a malformed route may be the forced tunnel', () => {
    const rows = routedRows([{ name: 'Broken', addressPrefix: '0.0.0.0/0', nextHopType: 'Teleport' }]);
    expect(verdictFor(rule, estateOf(rows, serviceTags), ids.trainingSubnet).status).toBe('unknown');
  });
});
