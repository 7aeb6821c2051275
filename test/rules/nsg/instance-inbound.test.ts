import { describe, expect, it } from 'vitest';
import { nsgInstanceInboundRule } from '../../../src/rules/nsg/instance-inbound';
import { amlCluster, computeInstance, estateOf, resourceId, vnet, workspace } from '../../support/arm';
import type { NsgRuleSpec } from '../../support/arm';
import { compliantRows, withoutRow } from '../../support/scenario';
import { evaluateRule, verdictFor } from '../../support/rules';
import { ids, orphanSubnetRows, privateNodeRows, rowsWith, scenarioEstate, scenarioVnet, serviceTags, trainingInboundRules } from '../../support/nsg-fixtures';

const rule = nsgInstanceInboundRule;
const batchRule: NsgRuleSpec = trainingInboundRules[0] as NsgRuleSpec;

function amlRule(spec: Partial<NsgRuleSpec>): NsgRuleSpec {
  return { name: 'AllowAml', priority: 110, direction: 'Inbound', access: 'Allow', source: 'AzureMachineLearning', destinationPorts: '44224', ...spec };
}

describe('nsg.instance-inbound', () => {
  it('passes on the compliant training subnet', () => {
    const evaluation = verdictFor(rule, scenarioEstate(), ids.trainingSubnet);
    expect(evaluation.status).toBe('pass');
    expect(evaluation.evidence).toMatchObject({ nsgId: ids.trainingNsg, ports: '44224', peer: 'AzureMachineLearning' });
    expect(evaluation.evidence.allowedBy).toEqual([expect.objectContaining({ rule: 'AllowAzureMachineLearning', priority: 110 })]);
  });

  it('judges only subnets hosting a compute instance', () => {
    const ws = workspace({ name: 'ws-clusters' });
    const net = vnet({ name: 'vnet-clusters', subnets: [{ name: 'only-clusters', addressPrefix: '10.0.8.0/24', nsgId: ids.trainingNsg }] });
    const rows = [...compliantRows(), ws, net, amlCluster(ws, { name: 'c1', subnetId: `${net.id}/subnets/only-clusters` })];
    expect(evaluateRule(rule, estateOf(rows, serviceTags)).map((evaluation) => evaluation.resourceId)).toEqual([ids.trainingSubnet]);
  });

  it.each<[string, NsgRuleSpec[]]>([
    ['the regional tag', [amlRule({ source: 'AzureMachineLearning.EastUS' })]],
    ['any source and any port', [amlRule({ source: '*', destinationPorts: '*' })]],
    ['prefixes covering AzureMachineLearning.EastUS', [amlRule({ source: ['198.51.100.64/27'] })]],
  ])('passes when allowed by %s', (_, rules) => {
    expect(verdictFor(rule, scenarioEstate({ trainingNsgRules: [batchRule, ...rules] }), ids.trainingSubnet).status).toBe('pass');
  });

  it.each<[string, NsgRuleSpec[], { rule: string; priority: number }]>([
    ['no rule for 44224', [batchRule], { rule: 'DenyAllInBound', priority: 65500 }],
    ['a deny of everything above the allow', [amlRule({ name: 'DenyAll', priority: 50, access: 'Deny', source: '*', destinationPorts: '*' }), ...trainingInboundRules], { rule: 'DenyAll', priority: 50 }],
    ['the wrong tag', [amlRule({ source: 'BatchNodeManagement' })], { rule: 'DenyAllInBound', priority: 65500 }],
    ['prefixes covering only part of the tag', [amlRule({ source: ['198.51.100.64/28'] })], { rule: 'DenyAllInBound', priority: 65500 }],
  ])('fails with %s', (_, rules, expected) => {
    const evaluation = verdictFor(rule, scenarioEstate({ trainingNsgRules: rules }), ids.trainingSubnet);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence).toMatchObject({ nsgId: ids.trainingNsg, ports: '44224', deniedPorts: '44224', ...expected });
  });

  it('is unknown when prefixes must be compared without service-tag data', () => {
    const evaluation = verdictFor(rule, scenarioEstate({ trainingNsgRules: [amlRule({ source: ['198.51.100.64/27'] })] }, false), ids.trainingSubnet);
    expect(evaluation.status).toBe('unknown');
  });

  it('is unknown when the allow names an application security group', () => {
    const asg = resourceId('Microsoft.Network', 'applicationSecurityGroups', 'asg-ci');
    const evaluation = verdictFor(rule, scenarioEstate({ trainingNsgRules: [amlRule({ destinationAsgIds: [asg] })] }), ids.trainingSubnet);
    expect(evaluation.status).toBe('unknown');
  });

  it('is unknown when the NSG or the subnet is missing from the inventory', () => {
    expect(verdictFor(rule, estateOf(withoutRow(compliantRows(), ids.trainingNsg), serviceTags), ids.trainingSubnet).status).toBe('unknown');
    const orphan = orphanSubnetRows();
    const evaluation = verdictFor(rule, estateOf([...compliantRows(), ...orphan.rows], serviceTags), orphan.subnetId);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ missingResourceId: orphan.subnetId });
  });

  it('does not apply without an NSG or when the instance has no public IP', () => {
    expect(verdictFor(rule, estateOf(rowsWith({}, scenarioVnet({ nsgId: undefined })), serviceTags), ids.trainingSubnet).status).toBe('not-applicable');
    const [, instance] = privateNodeRows();
    expect(verdictFor(rule, estateOf(rowsWith({ trainingNsgRules: [batchRule] }, instance!), serviceTags), ids.trainingSubnet).status).toBe('not-applicable');
  });

  it('judges the subnet when a public instance shares it with a private one', () => {
    const ws = compliantRows().find((row) => row.id === ids.workspace)!;
    const rows = rowsWith({ trainingNsgRules: [batchRule] }, computeInstance(ws, { name: 'ci-private', subnetId: ids.trainingSubnet, enableNodePublicIp: false }));
    expect(verdictFor(rule, estateOf(rows, serviceTags), ids.trainingSubnet).status).toBe('fail');
  });
});
