import { describe, expect, it } from 'vitest';
import { nsgBatchInboundRule } from '../../../src/rules/nsg/batch-inbound';
import { amlCluster, estateOf, nsgId } from '../../support/arm';
import type { NsgRuleSpec } from '../../support/arm';
import { compliantRows, withoutRow } from '../../support/scenario';
import { evaluateRule, verdictFor } from '../../support/rules';
import {
  ids,
  orphanSubnetRows,
  privateNodeRows,
  rowsWith,
  scenarioEstate,
  scenarioVnet,
  scenarioWorkspace,
  serviceTags,
  trainingInboundRules,
  trainingNsg,
  westEuropeWorkspaceRows,
} from '../../support/nsg-fixtures';

const rule = nsgBatchInboundRule;
const instanceRule: NsgRuleSpec = trainingInboundRules[1] as NsgRuleSpec;

function batchRule(spec: Partial<NsgRuleSpec>): NsgRuleSpec {
  return { name: 'AllowBatch', priority: 100, direction: 'Inbound', access: 'Allow', source: 'BatchNodeManagement', destinationPorts: '29876-29877', ...spec };
}

describe('nsg.batch-inbound', () => {
  it('passes on the compliant training subnet and names the allowing rule', () => {
    const evaluation = verdictFor(rule, scenarioEstate(), ids.trainingSubnet);
    expect(evaluation.status).toBe('pass');
    expect(evaluation.severity).toBe('high');
    expect(evaluation.workspaceIds).toEqual([ids.workspace]);
    expect(evaluation.evidence).toMatchObject({ nsgId: ids.trainingNsg, ports: '29876-29877', peer: 'BatchNodeManagement' });
    expect(evaluation.evidence.allowedBy).toEqual([expect.objectContaining({ rule: 'AllowBatchNodeManagement', priority: 100 })]);
  });

  it('judges only subnets of clusters and instances, once each', () => {
    const evaluations = evaluateRule(rule, scenarioEstate());
    expect(evaluations.map((evaluation) => evaluation.resourceId)).toEqual([ids.trainingSubnet]);
  });

  it.each<[string, NsgRuleSpec[]]>([
    ['the regional tag of the workspace', [batchRule({ source: 'BatchNodeManagement.EastUS' })]],
    ['any source', [batchRule({ source: '*' })]],
    ['the Internet tag', [batchRule({ source: 'Internet' })]],
    ['two rules, one per port', [batchRule({ destinationPorts: '29876' }), batchRule({ name: 'AllowBatch2', priority: 101, destinationPorts: '29877' })]],
    ['a port range covering both', [batchRule({ destinationPorts: '29000-30000' })]],
    ['prefixes covering BatchNodeManagement.EastUS', [batchRule({ source: ['198.51.100.0/27'] })]],
  ])('passes when allowed by %s', (_, rules) => {
    expect(verdictFor(rule, scenarioEstate({ trainingNsgRules: [...rules, instanceRule] }), ids.trainingSubnet).status).toBe('pass');
  });

  it.each<[string, NsgRuleSpec[], { rule: string; priority: number; deniedPorts: string }]>([
    ['no rule for the ports (DenyAllInBound decides)', [instanceRule], { rule: 'DenyAllInBound', priority: 65500, deniedPorts: '29876-29877' }],
    [
      'a deny above the allow',
      [batchRule({ name: 'DenyInternetIn', priority: 90, access: 'Deny', source: 'Internet', destinationPorts: '*' }), ...trainingInboundRules],
      { rule: 'DenyInternetIn', priority: 90, deniedPorts: '29876-29877' },
    ],
    ['only one of the two ports', [batchRule({ destinationPorts: '29876' })], { rule: 'DenyAllInBound', priority: 65500, deniedPorts: '29877' }],
    ['the tag of another region', [batchRule({ source: 'BatchNodeManagement.WestEurope' })], { rule: 'DenyAllInBound', priority: 65500, deniedPorts: '29876-29877' }],
    ['the VirtualNetwork tag', [batchRule({ source: 'VirtualNetwork', name: 'AllowVnet' })], { rule: 'DenyAllInBound', priority: 65500, deniedPorts: '29876-29877' }],
    ['UDP only', [batchRule({ protocol: 'Udp' })], { rule: 'DenyAllInBound', priority: 65500, deniedPorts: '29876-29877' }],
    ['a single source port', [batchRule({ sourcePorts: '443' })], { rule: 'DenyAllInBound', priority: 65500, deniedPorts: '29876-29877' }],
    ['an allow to part of the subnet', [batchRule({ destination: '10.0.1.0/25' })], { rule: 'DenyAllInBound', priority: 65500, deniedPorts: '29876-29877' }],
  ])('fails with %s', (_, rules, expected) => {
    const evaluation = verdictFor(rule, scenarioEstate({ trainingNsgRules: rules }), ids.trainingSubnet);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence).toMatchObject({ nsgId: ids.trainingNsg, direction: 'Inbound', ports: '29876-29877', ...expected });
  });

  it('fails when a workspace in another region shares the subnet and only the East US tag is allowed', () => {
    const rows = [...compliantRows({ trainingNsgRules: [batchRule({ source: 'BatchNodeManagement.EastUS' })] }), ...westEuropeWorkspaceRows()];
    const evaluation = verdictFor(rule, estateOf(rows, serviceTags), ids.trainingSubnet);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence).toMatchObject({ region: 'westeurope', rule: 'DenyAllInBound' });
    expect(evaluation.workspaceIds).toHaveLength(2);
  });

  it('is unknown when address prefixes need service-tag data that is absent', () => {
    const evaluation = verdictFor(rule, scenarioEstate({ trainingNsgRules: [batchRule({ source: ['198.51.100.0/27'] })] }, false), ids.trainingSubnet);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ rule: 'AllowBatch', priority: 100 });
  });

  it('is unknown when the allow targets an application security group', () => {
    const asg = `${nsgId('x').replace(/networkSecurityGroups\/x$/, 'applicationSecurityGroups/asg-nodes')}`;
    const evaluation = verdictFor(rule, scenarioEstate({ trainingNsgRules: [batchRule({ destinationAsgIds: [asg] })] }), ids.trainingSubnet);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ nsgId: ids.trainingNsg, rule: 'AllowBatch', priority: 100 });
  });

  it('is unknown when a malformed rule could decide', () => {
    const row = trainingNsg([...trainingInboundRules]);
    const properties = row.properties as { securityRules: { properties: Record<string, unknown> }[] };
    properties.securityRules.unshift({ ...properties.securityRules[0]!, properties: { direction: 'Inbound', access: 'Deny', protocol: 'Tcp', sourceAddressPrefix: '*', destinationAddressPrefix: '*', destinationPortRange: '29876' } });
    const evaluation = verdictFor(rule, estateOf(rowsWith({}, row), serviceTags), ids.trainingSubnet);
    expect(evaluation.status).toBe('unknown');
  });

  it('is unknown when the NSG is missing from the inventory', () => {
    const evaluation = verdictFor(rule, estateOf(withoutRow(compliantRows(), ids.trainingNsg), serviceTags), ids.trainingSubnet);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ missingResourceId: ids.trainingNsg });
  });

  it('is unknown when the subnet is missing from the inventory', () => {
    const orphan = orphanSubnetRows();
    const evaluation = verdictFor(rule, estateOf([...compliantRows(), ...orphan.rows], serviceTags), orphan.subnetId);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ missingResourceId: orphan.subnetId });
  });

  it('does not apply to a subnet without an NSG', () => {
    const evaluation = verdictFor(rule, estateOf(rowsWith({}, scenarioVnet({ nsgId: undefined })), serviceTags), ids.trainingSubnet);
    expect(evaluation.status).toBe('not-applicable');
  });

  it('does not apply when every compute has no node public IP, but does when one has', () => {
    const closed = { trainingNsgRules: [instanceRule] };
    expect(verdictFor(rule, estateOf(rowsWith(closed, ...privateNodeRows()), serviceTags), ids.trainingSubnet).status).toBe('not-applicable');
    const [cluster] = privateNodeRows();
    const evaluation = verdictFor(rule, estateOf(rowsWith(closed, cluster!), serviceTags), ids.trainingSubnet);
    expect(evaluation.status).toBe('fail');
  });

  it('matches subnet IDs case-insensitively', () => {
    const cluster = amlCluster(scenarioWorkspace(), { name: 'cpu-cluster', subnetId: ids.trainingSubnet.toUpperCase(), maxNodeCount: 4, currentNodeCount: 1 });
    const evaluations = evaluateRule(rule, estateOf(rowsWith({}, cluster), serviceTags));
    expect(evaluations).toHaveLength(1);
    expect(evaluations[0]?.status).toBe('pass');
  });
});
