import { describe, expect, it } from 'vitest';
import { nsgOutboundServiceTagsRule } from '../../../src/rules/nsg/outbound-service-tags';
import { estateOf, resourceId } from '../../support/arm';
import type { NsgRuleSpec } from '../../support/arm';
import { compliantRows, withoutRow } from '../../support/scenario';
import { evaluateRule, verdictFor } from '../../support/rules';
import {
  ids,
  orphanSubnetRows,
  outboundWithout,
  restrictedOutboundRules,
  restrictedTrainingRules,
  rowsWith,
  scenarioEstate,
  scenarioVnet,
  serviceTags,
  westEuropeWorkspaceRows,
} from '../../support/nsg-fixtures';

const rule = nsgOutboundServiceTagsRule;

function restricted(outbound: readonly NsgRuleSpec[]): ReturnType<typeof scenarioEstate> {
  return scenarioEstate({ trainingNsgRules: restrictedTrainingRules(outbound) });
}

function replaceRule(name: string, spec: Partial<NsgRuleSpec>): NsgRuleSpec[] {
  return restrictedOutboundRules.map((candidate) => (candidate.name === name ? { ...candidate, ...spec } : candidate));
}

describe('nsg.outbound-service-tags', () => {
  it('does not apply while outbound Internet traffic is open (the default rules)', () => {
    const evaluation = verdictFor(rule, scenarioEstate(), ids.trainingSubnet);
    expect(evaluation.status).toBe('not-applicable');
    expect(evaluation.evidence.paths).toEqual([expect.objectContaining({ restricted: false })]);
  });

  it('passes when a restricted subnet allows every required tag', () => {
    const evaluation = verdictFor(rule, restricted(restrictedOutboundRules), ids.trainingSubnet);
    expect(evaluation.status).toBe('pass');
    expect(evaluation.evidence.paths).toEqual([
      expect.objectContaining({ restricted: true, restrictedBy: expect.objectContaining({ rule: 'DenyInternet', priority: 4000 }), blocked: [] }),
    ]);
  });

  it.each<[string, string, { tag: string; port: number }[]]>([
    ['Storage', 'AllowStorage', [{ tag: 'Storage', port: 443 }, { tag: 'Storage', port: 445 }]],
    ['AzureContainerRegistry', 'AllowContainerRegistry', [{ tag: 'AzureContainerRegistry', port: 443 }]],
    ['AzureMachineLearning', 'AllowAzureMachineLearning', [{ tag: 'AzureMachineLearning', port: 443 }]],
    ['AzureResourceManager', 'AllowResourceManager', [{ tag: 'AzureResourceManager', port: 443 }]],
    ['AzureActiveDirectory', 'AllowActiveDirectory', [{ tag: 'AzureActiveDirectory', port: 443 }]],
  ])('fails when %s is not allowed', (_, missing, blocked) => {
    const evaluation = verdictFor(rule, restricted(outboundWithout(missing)), ids.trainingSubnet);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.severity).toBe('high');
    expect(evaluation.evidence.blocked).toEqual(blocked.map((item) => expect.objectContaining({ ...item, nsgId: ids.trainingNsg, rule: 'DenyInternet', priority: 4000 })));
  });

  it('fails on TCP 445 alone when Storage is allowed only on 443', () => {
    const evaluation = verdictFor(rule, restricted(replaceRule('AllowStorage', { destinationPorts: '443' })), ids.trainingSubnet);
    expect(evaluation.evidence.blocked).toEqual([expect.objectContaining({ tag: 'Storage', port: 445, region: 'eastus' })]);
  });

  it('fails when the Storage rule names another region', () => {
    const evaluation = verdictFor(rule, restricted(replaceRule('AllowStorage', { destination: 'Storage.WestEurope' })), ids.trainingSubnet);
    expect(evaluation.status).toBe('fail');
  });

  it('fails when a workspace of another region shares the subnet', () => {
    const rows = [...compliantRows({ trainingNsgRules: restrictedTrainingRules() }), ...westEuropeWorkspaceRows()];
    const evaluation = verdictFor(rule, estateOf(rows, serviceTags), ids.trainingSubnet);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence.blocked).toEqual(
      expect.arrayContaining([expect.objectContaining({ tag: 'Storage', region: 'westeurope' }), expect.objectContaining({ tag: 'AzureContainerRegistry', region: 'westeurope' })]),
    );
  });

  it.each<[string, Partial<NsgRuleSpec>]>([
    ['the parent Storage tag', { destination: 'Storage' }],
    ['prefixes covering Storage.EastUS', { destination: ['192.0.2.0/26'] }],
  ])('passes when Storage is allowed by %s', (_, spec) => {
    expect(verdictFor(rule, restricted(replaceRule('AllowStorage', spec)), ids.trainingSubnet).status).toBe('pass');
  });

  it('is unknown when prefixes must be compared without service-tag data', () => {
    const evaluation = verdictFor(rule, scenarioEstate({ trainingNsgRules: restrictedTrainingRules(replaceRule('AllowStorage', { destination: ['192.0.2.0/26'] })) }, false), ids.trainingSubnet);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence.paths).toEqual([expect.objectContaining({ undetermined: expect.arrayContaining([expect.objectContaining({ tag: 'Storage', rule: 'AllowStorage' })]) })]);
  });

  it('is unknown when the restriction turns on an application security group', () => {
    const asg = resourceId('Microsoft.Network', 'applicationSecurityGroups', 'asg-nodes');
    const evaluation = verdictFor(rule, restricted(replaceRule('DenyInternet', { sourceAsgIds: [asg] })), ids.trainingSubnet);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence.paths).toEqual([expect.objectContaining({ restricted: null })]);
  });

  it('is unknown when the NSG or the subnet is missing from the inventory', () => {
    const noNsg = verdictFor(rule, estateOf(withoutRow(compliantRows(), ids.trainingNsg), serviceTags), ids.trainingSubnet);
    expect(noNsg.status).toBe('unknown');
    expect(noNsg.evidence.paths).toEqual([expect.objectContaining({ missingNsgIds: [ids.trainingNsg] })]);
    const orphan = orphanSubnetRows();
    expect(verdictFor(rule, estateOf([...compliantRows(), ...orphan.rows], serviceTags), orphan.subnetId).evidence).toMatchObject({ missingResourceId: orphan.subnetId });
  });

  it('does not apply to a subnet without an NSG, and judges cluster and instance subnets only', () => {
    expect(verdictFor(rule, estateOf(rowsWith({}, scenarioVnet({ nsgId: undefined })), serviceTags), ids.trainingSubnet).status).toBe('not-applicable');
    expect(evaluateRule(rule, scenarioEstate()).map((evaluation) => evaluation.resourceId)).toEqual([ids.trainingSubnet]);
  });
});
