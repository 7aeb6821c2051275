import { describe, expect, it } from 'vitest';
import { nsgMicrosoftImagesOutboundRule } from '../../../src/rules/nsg/microsoft-images-outbound';
import { estateOf, resourceId, serviceTag } from '../../support/arm';
import type { NsgRuleSpec } from '../../support/arm';
import { replaceSubnet, withVnet } from '../../support/compute-fixtures';
import { compliantRows, ids, restrictedOutboundRules, serviceTags, trainingInboundRules, withoutRow } from '../../support/scenario';
import { verdictFor } from '../../support/rules';

const rule = nsgMicrosoftImagesOutboundRule;
const tags = [...serviceTags, serviceTag('AzureFrontDoor.FirstParty', ['192.0.2.224/28'])];
const FIRST_PARTY: NsgRuleSpec = { name: 'AllowFrontDoorFirstParty', priority: 170, direction: 'Outbound', access: 'Allow', destination: 'AzureFrontDoor.FirstParty', destinationPorts: '443' };

function estateWith(outbound: readonly NsgRuleSpec[]) {
  return estateOf(compliantRows({ trainingNsgRules: [...trainingInboundRules, ...outbound] }), tags);
}

describe('nsg.microsoft-images-outbound', () => {
  it('passes when a restricted subnet allows MicrosoftContainerRegistry and AzureFrontDoor.FirstParty', () => {
    const evaluation = verdictFor(rule, estateWith([...restrictedOutboundRules, FIRST_PARTY]), ids.trainingSubnet);
    expect(evaluation).toMatchObject({ status: 'pass', severity: 'medium', messageId: 'allowed' });
  });

  it('fails when only the registry is allowed, as the 2020 documents asked, naming the deny rule', () => {
    const evaluation = verdictFor(rule, estateWith(restrictedOutboundRules), ids.trainingSubnet);
    expect(evaluation).toMatchObject({ status: 'fail', messageId: 'blocked' });
    expect(evaluation.message).toContain("AzureFrontDoor.FirstParty TCP 443 (rule 'DenyInternet', priority 4000)");
    expect(evaluation.message).not.toContain('MicrosoftContainerRegistry TCP');
  });

  it('is not applicable when outbound is not restricted, or the subnet has no NSG', () => {
    expect(verdictFor(rule, estateWith([]), ids.trainingSubnet)).toMatchObject({ status: 'not-applicable', messageId: 'notRestricted' });
    expect(verdictFor(rule, estateOf(withVnet({ subnets: replaceSubnet('training', { nsgId: undefined }) }), tags), ids.trainingSubnet)).toMatchObject({ status: 'not-applicable', messageId: 'noNsg' });
  });

  it('is unknown when an allow names addresses only service-tag data could compare, or the restriction turns on an application security group', () => {
    const byAddress: NsgRuleSpec = { ...FIRST_PARTY, destination: ['192.0.2.224/28'] };
    expect(verdictFor(rule, estateOf(compliantRows({ trainingNsgRules: [...trainingInboundRules, ...restrictedOutboundRules, byAddress] })), ids.trainingSubnet)).toMatchObject({ status: 'unknown', messageId: 'undetermined' });
    const asg = resourceId('Microsoft.Network', 'applicationSecurityGroups', 'asg-nodes');
    const viaAsg = restrictedOutboundRules.map((spec) => (spec.name === 'DenyInternet' ? { ...spec, sourceAsgIds: [asg] } : spec));
    expect(verdictFor(rule, estateWith([...viaAsg, FIRST_PARTY]), ids.trainingSubnet)).toMatchObject({ status: 'unknown', messageId: 'restrictionUnknown' });
  });

  it('is unknown when the subnet or its NSG is not in the inventory', () => {
    expect(verdictFor(rule, estateOf(withoutRow(compliantRows(), ids.vnet), tags), ids.trainingSubnet)).toMatchObject({ status: 'unknown', messageId: 'missingSubnet' });
    expect(verdictFor(rule, estateOf(withoutRow(compliantRows(), ids.trainingNsg), tags), ids.trainingSubnet)).toMatchObject({ status: 'unknown', messageId: 'missingNsg' });
  });
});
