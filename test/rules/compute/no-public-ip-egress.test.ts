import { describe, expect, it } from 'vitest';
import type { ResourceRow } from '../../../src/inventory/types';
import { computeNoPublicIpEgressRule } from '../../../src/rules/compute/no-public-ip-egress';
import { amlCluster, computeInstance, estateOf, resourceId, routeTable, routeTableId } from '../../support/arm';
import type { RouteSpec } from '../../support/arm';
import { replaceSubnet, withVnet } from '../../support/compute-fixtures';
import { compliantRows, ids, withRow } from '../../support/scenario';
import { evaluateRule, verdictFor } from '../../support/rules';

const rule = computeNoPublicIpEgressRule;
const NAT = resourceId('Microsoft.Network', 'natGateways', 'nat-ml');
const TABLE = routeTableId('rt-training');

/** The scenario with the cluster and the instance created without a public IP, and the training subnet changed. */
function noPublicIp(subnet: Parameters<typeof replaceSubnet>[1], routes?: readonly RouteSpec[]): ResourceRow[] {
  const ws = compliantRows()[0] as ResourceRow;
  let rows = withVnet({ subnets: replaceSubnet('training', subnet) });
  rows = withRow(rows, amlCluster(ws, { name: 'cpu-cluster', subnetId: ids.trainingSubnet, maxNodeCount: 4, currentNodeCount: 1, enableNodePublicIp: false }));
  rows = withRow(rows, computeInstance(ws, { name: 'ci-alice', subnetId: ids.trainingSubnet, enableNodePublicIp: false }));
  return routes === undefined ? rows : [...rows, routeTable({ name: 'rt-training', routes })];
}

describe('compute.no-public-ip-egress', () => {
  it('passes when the subnet has a NAT gateway', () => {
    const evaluation = verdictFor(rule, estateOf(noPublicIp({ natGatewayId: NAT, defaultOutboundAccess: false })), ids.cluster);
    expect(evaluation).toMatchObject({ status: 'pass', messageId: 'natGateway', evidence: { natGatewayId: NAT, defaultOutboundAccess: false } });
    expect(evaluation.message).toContain("NAT gateway 'nat-ml'");
  });

  it('passes when 0.0.0.0/0 goes to a firewall or appliance, NAT gateway or not', () => {
    const evaluation = verdictFor(
      rule,
      estateOf(noPublicIp({ routeTableId: TABLE, defaultOutboundAccess: false }, [{ name: 'to-firewall', addressPrefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIpAddress: '10.1.0.4' }])),
      ids.instance,
    );
    expect(evaluation).toMatchObject({ status: 'pass', messageId: 'throughAppliance', evidence: { route: 'to-firewall', nextHopIpAddress: '10.1.0.4' } });
  });

  it('passes, saying so, when the compute relies on default outbound access', () => {
    const evaluation = verdictFor(rule, estateOf(noPublicIp({})), ids.cluster);
    expect(evaluation).toMatchObject({ status: 'pass', messageId: 'defaultOutbound', evidence: { natGatewayId: null, defaultOutboundAccess: null } });
    expect(evaluation.message).toContain('default outbound access');
  });

  it('fails when the subnet has default outbound access off and nothing else', () => {
    const evaluation = verdictFor(rule, estateOf(noPublicIp({ defaultOutboundAccess: false })), ids.cluster);
    expect(evaluation).toMatchObject({ status: 'fail', severity: 'high', messageId: 'noEgress', evidence: { subnetId: ids.trainingSubnet, defaultOutboundAccess: false } });
    // A default route to the Internet is no outbound path of its own either.
    const internet = verdictFor(rule, estateOf(noPublicIp({ defaultOutboundAccess: false, routeTableId: TABLE }, [{ name: 'internet', addressPrefix: '0.0.0.0/0', nextHopType: 'Internet' }])), ids.cluster);
    expect(internet).toMatchObject({ status: 'fail', messageId: 'noEgress' });
  });

  it('fails when a default route drops the traffic, even with a NAT gateway (a route takes precedence)', () => {
    const evaluation = verdictFor(rule, estateOf(noPublicIp({ natGatewayId: NAT, routeTableId: TABLE }, [{ name: 'blackhole', addressPrefix: '0.0.0.0/0', nextHopType: 'None' }])), ids.cluster);
    expect(evaluation).toMatchObject({ status: 'fail', messageId: 'dropped', evidence: { route: 'blackhole', nextHopType: 'None' } });
  });

  it('is unknown when the subnet or its route table is not in the inventory', () => {
    const missingTable = verdictFor(rule, estateOf(noPublicIp({ routeTableId: TABLE, defaultOutboundAccess: false }) /* no route table row */), ids.cluster);
    expect(missingTable).toMatchObject({ status: 'unknown', messageId: 'missingRouteTable' });
    const ws = compliantRows()[0] as ResourceRow;
    const gone = `${resourceId('Microsoft.Network', 'virtualNetworks', 'vnet-gone')}/subnets/training`;
    const missingSubnet = verdictFor(rule, estateOf(withRow(compliantRows(), amlCluster(ws, { name: 'cpu-cluster', subnetId: gone, maxNodeCount: 4, currentNodeCount: 0, enableNodePublicIp: false }))), ids.cluster);
    expect(missingSubnet).toMatchObject({ status: 'unknown', messageId: 'missingSubnet', evidence: { subnetId: gone } });
  });

  it('judges only computes created without a public IP', () => {
    // The scenario's computes leave enableNodePublicIp out: Azure's default, a public IP.
    expect(evaluateRule(rule, estateOf(compliantRows()))).toEqual([]);
    expect(evaluateRule(rule, estateOf(noPublicIp({ defaultOutboundAccess: false }))).map((evaluation) => evaluation.resourceId).sort()).toEqual([ids.cluster, ids.instance].sort());
  });
});
