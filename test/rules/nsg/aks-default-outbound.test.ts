import { describe, expect, it } from 'vitest';
import { nsgAksDefaultOutboundRule } from '../../../src/rules/nsg/aks-default-outbound';
import { estateOf, resourceId } from '../../support/arm';
import type { NsgRuleSpec } from '../../support/arm';
import { compliantRows, withoutRow } from '../../support/scenario';
import { evaluateRule, verdictFor } from '../../support/rules';
import { aksSubnetWithoutNsgRows, ids, serviceTags } from '../../support/nsg-fixtures';

const rule = nsgAksDefaultOutboundRule;
const scoring: NsgRuleSpec = { name: 'AllowScoring', priority: 100, direction: 'Inbound', access: 'Allow', source: 'Internet', destinationPorts: ['80', '443'] };

function aksEstate(...outbound: NsgRuleSpec[]): ReturnType<typeof estateOf> {
  return estateOf(compliantRows({ aksNsgRules: [scoring, ...outbound] }), serviceTags);
}

function deny(spec: Partial<NsgRuleSpec>): NsgRuleSpec {
  return { name: 'DenyOut', priority: 200, direction: 'Outbound', access: 'Deny', protocol: '*', destinationPorts: '*', ...spec };
}

describe('nsg.aks-default-outbound', () => {
  it('passes on the scenario AKS subnet (default outbound rules only) and judges AKS subnets only', () => {
    const evaluations = evaluateRule(rule, aksEstate());
    expect(evaluations.map((evaluation) => [evaluation.resourceId, evaluation.status])).toEqual([[ids.aksSubnet, 'pass']]);
    expect(evaluations[0]?.evidence).toMatchObject({ nsgId: ids.aksNsg, denyingRules: [] });
  });

  it.each<[string, string | string[], string[]]>([
    ['the Internet tag', 'Internet', ['Internet']],
    ['any destination', '*', ['VirtualNetwork', 'Internet']],
    ['the VirtualNetwork tag', 'VirtualNetwork', ['VirtualNetwork']],
    ['a prefix of the VNet', ['10.0.1.0/24'], ['VirtualNetwork']],
    ['a public service tag', 'Storage', ['Internet']],
    ['a public prefix', ['203.0.113.0/24'], ['Internet']],
  ])('fails on a custom outbound deny to %s', (_, destination, denies) => {
    const evaluation = verdictFor(rule, aksEstate(deny({ destination })), ids.aksSubnet);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.severity).toBe('medium');
    expect(evaluation.evidence.denyingRules).toEqual([expect.objectContaining({ nsgId: ids.aksNsg, rule: 'DenyOut', priority: 200, denies })]);
  });

  it('lists every overriding rule', () => {
    const evaluation = verdictFor(rule, aksEstate(deny({ name: 'DenyWeb', destination: 'Internet', destinationPorts: '80', protocol: 'Tcp' }), deny({ name: 'DenyAll', priority: 4000 })), ids.aksSubnet);
    expect((evaluation.evidence.denyingRules as { rule: string }[]).map((item) => item.rule)).toEqual(['DenyWeb', 'DenyAll']);
  });

  it.each<[string, NsgRuleSpec]>([
    ['an outbound allow', { ...deny({ destination: 'Internet' }), access: 'Allow' }],
    ['a deny from another subnet', deny({ source: ['10.0.8.0/24'], destination: 'Internet' })],
    ['a deny to AzureLoadBalancer', deny({ destination: 'AzureLoadBalancer' })],
  ])('passes with %s', (_, extra) => {
    expect(verdictFor(rule, aksEstate(extra), ids.aksSubnet).status).toBe('pass');
  });

  it('is unknown when the deny applies to an application security group', () => {
    const asg = resourceId('Microsoft.Network', 'applicationSecurityGroups', 'asg-nodes');
    const evaluation = verdictFor(rule, aksEstate(deny({ destination: 'Internet', sourceAsgIds: [asg] })), ids.aksSubnet);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence.uncertainRules).toEqual([expect.objectContaining({ rule: 'DenyOut', priority: 200 })]);
  });

  it('is unknown when the NSG is missing from the inventory', () => {
    const evaluation = verdictFor(rule, estateOf(withoutRow(compliantRows(), ids.aksNsg), serviceTags), ids.aksSubnet);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ missingResourceId: ids.aksNsg });
  });

  it('does not apply to an AKS subnet without an NSG', () => {
    const rows = aksSubnetWithoutNsgRows();
    expect(verdictFor(rule, estateOf(rows, serviceTags), ids.aksSubnet).status).toBe('not-applicable');
  });

  it('is unknown when the AKS subnet\'s virtual network is missing from the inventory', () => {
    const vnetId = ids.aksSubnet.slice(0, ids.aksSubnet.toLowerCase().indexOf('/subnets/'));
    const evaluation = verdictFor(rule, estateOf(withoutRow(compliantRows({ aksNsgRules: [scoring] }), vnetId), serviceTags), ids.aksSubnet);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.messageId).toBe('missingSubnet');
  });
});
