import { describe, expect, it } from 'vitest';
import { nsgMcrOutboundRule } from '../../../src/rules/nsg/mcr-outbound';
import { estateOf } from '../../support/arm';
import type { NsgRuleSpec } from '../../support/arm';
import { compliantRows, withoutRow } from '../../support/scenario';
import { resourceId } from '../../support/arm';
import { verdictFor } from '../../support/rules';
import { ids, orphanSubnetRows, outboundWithout, restrictedOutboundRules, restrictedTrainingRules, rowsWith, scenarioEstate, scenarioVnet, serviceTags } from '../../support/nsg-fixtures';

const rule = nsgMcrOutboundRule;

function restricted(outbound: readonly NsgRuleSpec[], tags = true): ReturnType<typeof scenarioEstate> {
  return scenarioEstate({ trainingNsgRules: restrictedTrainingRules(outbound) }, tags);
}

function mcrAs(spec: Partial<NsgRuleSpec>): NsgRuleSpec[] {
  return restrictedOutboundRules.map((candidate) => (candidate.name === 'AllowMcr' ? { ...candidate, ...spec } : candidate));
}

describe('nsg.mcr-outbound', () => {
  it('does not apply while outbound Internet traffic is open', () => {
    expect(verdictFor(rule, scenarioEstate(), ids.trainingSubnet).status).toBe('not-applicable');
  });

  it.each<[string, NsgRuleSpec[]]>([
    ['the MicrosoftContainerRegistry tag', [...restrictedOutboundRules]],
    ['the regional tag', mcrAs({ destination: 'MicrosoftContainerRegistry.EastUS' })],
  ])('passes when a restricted subnet allows %s', (_, outbound) => {
    const evaluation = verdictFor(rule, restricted(outbound), ids.trainingSubnet);
    expect(evaluation.status).toBe('pass');
    expect(evaluation.severity).toBe('low');
  });

  it('fails when MicrosoftContainerRegistry is blocked, naming the deny rule', () => {
    const evaluation = verdictFor(rule, restricted(outboundWithout('AllowMcr')), ids.trainingSubnet);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence.blocked).toEqual([expect.objectContaining({ tag: 'MicrosoftContainerRegistry', port: 443, nsgId: ids.trainingNsg, rule: 'DenyInternet', priority: 4000 })]);
  });

  it('fails when only another port is allowed', () => {
    expect(verdictFor(rule, restricted(mcrAs({ destinationPorts: '80' })), ids.trainingSubnet).status).toBe('fail');
  });

  it('is unknown when the allow uses prefixes and there is no service-tag data', () => {
    expect(verdictFor(rule, restricted(mcrAs({ destination: ['192.0.2.160/28'] }), false), ids.trainingSubnet).status).toBe('unknown');
    expect(verdictFor(rule, restricted(mcrAs({ destination: ['192.0.2.160/28'] })), ids.trainingSubnet).status).toBe('pass');
  });

  it('is unknown when the NSG is missing, not applicable without one', () => {
    expect(verdictFor(rule, estateOf(withoutRow(compliantRows(), ids.trainingNsg), serviceTags), ids.trainingSubnet).status).toBe('unknown');
    expect(verdictFor(rule, estateOf(rowsWith({}, scenarioVnet({ nsgId: undefined })), serviceTags), ids.trainingSubnet).status).toBe('not-applicable');
  });

  it('is unknown, saying so, when whether outbound is restricted turns on an application security group', () => {
    const asg = resourceId('Microsoft.Network', 'applicationSecurityGroups', 'asg-nodes');
    const evaluation = verdictFor(rule, restricted(restrictedOutboundRules.map((candidate) => (candidate.name === 'DenyInternet' ? { ...candidate, sourceAsgIds: [asg] } : candidate))), ids.trainingSubnet);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.messageId).toBe('restrictionUnknown');
    expect(evaluation.message).toMatch(/restricts outbound traffic cannot be told: .*application security group/);
  });

  it('is unknown for a compute subnet missing from the inventory', () => {
    const orphan = orphanSubnetRows();
    const evaluation = verdictFor(rule, estateOf([...compliantRows(), ...orphan.rows], serviceTags), orphan.subnetId);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.messageId).toBe('missingSubnet');
    expect(evaluation.evidence).toMatchObject({ missingResourceId: orphan.subnetId });
  });
});
