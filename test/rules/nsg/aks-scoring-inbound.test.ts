import { describe, expect, it } from 'vitest';
import { nsgAksScoringInboundRule } from '../../../src/rules/nsg/aks-scoring-inbound';
import { aksCompute, estateOf, resourceId } from '../../support/arm';
import type { NsgRuleSpec } from '../../support/arm';
import { compliantRows, withoutRow, withRow } from '../../support/scenario';
import { evaluateRule, verdictFor } from '../../support/rules';
import { aksSubnetWithoutNsgRows, ids, scenarioWorkspace, serviceTags } from '../../support/nsg-fixtures';

const rule = nsgAksScoringInboundRule;

function publicAksEstate(aksNsgRules?: readonly NsgRuleSpec[]): ReturnType<typeof estateOf> {
  const rows = withRow(compliantRows(aksNsgRules ? { aksNsgRules } : {}), aksCompute(scenarioWorkspace(), { name: 'aks-inference', clusterId: ids.aksCluster, loadBalancerType: 'PublicIp' }));
  return estateOf(rows, serviceTags);
}

function scoring(spec: Partial<NsgRuleSpec>): NsgRuleSpec {
  return { name: 'AllowScoring', priority: 100, direction: 'Inbound', access: 'Allow', source: 'Internet', destinationPorts: '443', ...spec };
}

describe('nsg.aks-scoring-inbound', () => {
  it('does not apply when the AKS compute uses an internal load balancer (the scenario)', () => {
    const evaluations = evaluateRule(rule, estateOf(compliantRows(), serviceTags));
    expect(evaluations.map((evaluation) => [evaluation.resourceId, evaluation.status])).toEqual([[ids.aksSubnet, 'not-applicable']]);
  });

  it('passes when the public endpoint is open on 80 and 443', () => {
    const evaluation = verdictFor(rule, publicAksEstate(), ids.aksSubnet);
    expect(evaluation.status).toBe('pass');
    expect(evaluation.evidence.ports).toEqual([
      expect.objectContaining({ ports: '80', decision: 'allow' }),
      expect.objectContaining({ ports: '443', decision: 'allow' }),
    ]);
  });

  it.each<[string, NsgRuleSpec]>([
    ['443 only', scoring({})],
    ['80 only', scoring({ destinationPorts: '80' })],
    ['any source', scoring({ source: '*' })],
  ])('passes when %s is allowed', (_, allow) => {
    expect(verdictFor(rule, publicAksEstate([allow]), ids.aksSubnet).status).toBe('pass');
  });

  it('passes when the AKS compute states no load balancer type (public by default)', () => {
    const compute = aksCompute(scenarioWorkspace(), { name: 'aks-inference', clusterId: ids.aksCluster });
    const props = compute.properties as { properties: Record<string, unknown> };
    delete props.properties.loadBalancerType;
    expect(verdictFor(rule, estateOf(withRow(compliantRows(), compute), serviceTags), ids.aksSubnet).status).toBe('pass');
  });

  it('fails when neither 80 nor 443 is allowed from the Internet, with evidence per port', () => {
    const evaluation = verdictFor(rule, publicAksEstate([scoring({ source: '10.20.0.0/16' })]), ids.aksSubnet);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.severity).toBe('medium');
    expect(evaluation.evidence).toMatchObject({ nsgId: ids.aksNsg });
    expect(evaluation.evidence.ports).toEqual([
      expect.objectContaining({ ports: '80', decision: 'deny', rule: 'DenyAllInBound', priority: 65500 }),
      expect.objectContaining({ ports: '443', decision: 'deny', rule: 'DenyAllInBound', priority: 65500 }),
    ]);
  });

  it('fails when a deny shadows the scoring rule', () => {
    const evaluation = verdictFor(rule, publicAksEstate([{ ...scoring({ name: 'DenyWeb', access: 'Deny', destinationPorts: ['80', '443'] }), priority: 90 }, scoring({ destinationPorts: ['80', '443'] })]), ids.aksSubnet);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence.ports).toEqual([expect.objectContaining({ rule: 'DenyWeb' }), expect.objectContaining({ rule: 'DenyWeb' })]);
  });

  it('is unknown when the allow targets an application security group', () => {
    const asg = resourceId('Microsoft.Network', 'applicationSecurityGroups', 'asg-ingress');
    expect(verdictFor(rule, publicAksEstate([scoring({ destinationAsgIds: [asg] })]), ids.aksSubnet).status).toBe('unknown');
  });

  it('is unknown when the NSG is missing from the inventory', () => {
    const rows = withoutRow(withRow(compliantRows(), aksCompute(scenarioWorkspace(), { name: 'aks-inference', clusterId: ids.aksCluster, loadBalancerType: 'PublicIp' })), ids.aksNsg);
    const evaluation = verdictFor(rule, estateOf(rows, serviceTags), ids.aksSubnet);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ missingResourceId: ids.aksNsg });
  });

  it('does not apply to a public AKS subnet without an NSG', () => {
    const rows = aksSubnetWithoutNsgRows(withRow(compliantRows(), aksCompute(scenarioWorkspace(), { name: 'aks-inference', clusterId: ids.aksCluster, loadBalancerType: 'PublicIp' })));
    const evaluation = verdictFor(rule, estateOf(rows, serviceTags), ids.aksSubnet);
    expect(evaluation.status).toBe('not-applicable');
    expect(evaluation.evidence).toMatchObject({ nsgId: null });
  });

  it('is unknown when the AKS subnet\'s virtual network is missing from the inventory', () => {
    const vnetId = ids.aksSubnet.slice(0, ids.aksSubnet.toLowerCase().indexOf('/subnets/'));
    const rows = withoutRow(withRow(compliantRows(), aksCompute(scenarioWorkspace(), { name: 'aks-inference', clusterId: ids.aksCluster, loadBalancerType: 'PublicIp' })), vnetId);
    const evaluation = verdictFor(rule, estateOf(rows, serviceTags), ids.aksSubnet);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.messageId).toBe('missingSubnet');
  });
});
