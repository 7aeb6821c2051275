import { describe, expect, it } from 'vitest';
import { nsgSshExposedRule } from '../../../src/rules/nsg/ssh-exposed';
import { estateOf, resourceId } from '../../support/arm';
import type { NsgRuleSpec } from '../../support/arm';
import { compliantRows, withoutRow } from '../../support/scenario';
import { evaluateRule, verdictFor } from '../../support/rules';
import { ids, orphanSubnetRows, rowsWith, scenarioEstate, scenarioVnet, serviceTags, trainingInboundRules } from '../../support/nsg-fixtures';

const rule = nsgSshExposedRule;

function ssh(spec: Partial<NsgRuleSpec>): NsgRuleSpec {
  return { name: 'AllowSsh', priority: 200, direction: 'Inbound', access: 'Allow', source: '*', destinationPorts: '22', ...spec };
}

function withTraining(...rules: NsgRuleSpec[]): ReturnType<typeof scenarioEstate> {
  return scenarioEstate({ trainingNsgRules: [...trainingInboundRules, ...rules] });
}

describe('nsg.ssh-exposed', () => {
  it('passes on the compliant subnets, cluster and AKS alike', () => {
    const evaluations = evaluateRule(rule, scenarioEstate());
    expect(evaluations.map((evaluation) => [evaluation.resourceId, evaluation.status])).toEqual([
      [ids.trainingSubnet, 'pass'],
      [ids.aksSubnet, 'pass'],
    ]);
    expect(evaluations[0]?.evidence).toMatchObject({ nsgId: ids.trainingNsg, rule: 'DenyAllInBound', priority: 65500 });
  });

  it.each(['*', 'Any', 'Internet', '0.0.0.0/0', '::/0'])('fails when TCP 22 is allowed from %s', (source) => {
    const evaluation = verdictFor(rule, withTraining(ssh({ source })), ids.trainingSubnet);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.severity).toBe('medium');
    expect(evaluation.evidence).toMatchObject({ nsgId: ids.trainingNsg, rule: 'AllowSsh', priority: 200, ports: '22', direction: 'Inbound' });
  });

  it('fails when every port is open to the Internet', () => {
    const evaluation = verdictFor(rule, withTraining(ssh({ name: 'AllowAllIn', source: 'Internet', destinationPorts: '*', protocol: '*' })), ids.trainingSubnet);
    expect(evaluation.evidence).toMatchObject({ rule: 'AllowAllIn' });
  });

  it('fails when SSH is open to a single address of the subnet', () => {
    const evaluation = verdictFor(rule, withTraining(ssh({ destination: '10.0.1.4' })), ids.trainingSubnet);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence).toMatchObject({ rule: 'AllowSsh', destination: '10.0.1.4' });
  });

  it.each<[string, NsgRuleSpec[]]>([
    ['a named address range', [ssh({ source: '203.0.113.0/24' })]],
    ['the AzureMachineLearning tag', [ssh({ source: 'AzureMachineLearning' })]],
    ['the VirtualNetwork tag', [ssh({ source: 'VirtualNetwork' })]],
    ['a deny before the allow', [ssh({ name: 'DenySsh', priority: 150, access: 'Deny' }), ssh({})]],
    ['an address outside the subnet', [ssh({ destination: '10.0.2.4' })]],
  ])('passes when SSH is allowed only from %s', (_, rules) => {
    expect(verdictFor(rule, withTraining(...rules), ids.trainingSubnet).status).toBe('pass');
  });

  it('is unknown when the allow targets an application security group', () => {
    const asg = resourceId('Microsoft.Network', 'applicationSecurityGroups', 'asg-jump');
    const evaluation = verdictFor(rule, withTraining(ssh({ destinationAsgIds: [asg] })), ids.trainingSubnet);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ rule: 'AllowSsh', priority: 200 });
  });

  it('is unknown when the NSG or the subnet is missing', () => {
    expect(verdictFor(rule, estateOf(withoutRow(compliantRows(), ids.aksNsg), serviceTags), ids.aksSubnet).evidence).toMatchObject({ missingResourceId: ids.aksNsg });
    const orphan = orphanSubnetRows();
    expect(verdictFor(rule, estateOf([...compliantRows(), ...orphan.rows], serviceTags), orphan.subnetId).status).toBe('unknown');
  });

  it('does not apply to a subnet without an NSG', () => {
    expect(verdictFor(rule, estateOf(rowsWith({}, scenarioVnet({ nsgId: undefined })), serviceTags), ids.trainingSubnet).status).toBe('not-applicable');
  });
});
