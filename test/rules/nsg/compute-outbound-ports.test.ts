import { describe, expect, it } from 'vitest';
import { nsgComputeOutboundPortsRule } from '../../../src/rules/nsg/compute-outbound-ports';
import { estateOf, resourceId, serviceTag } from '../../support/arm';
import { replaceSubnet, withVnet } from '../../support/compute-fixtures';
import type { NsgRuleSpec } from '../../support/arm';
import { compliantRows, ids, restrictedOutboundRules, serviceTags, trainingInboundRules, withoutRow } from '../../support/scenario';
import { verdictFor } from '../../support/rules';

const rule = nsgComputeOutboundPortsRule;
const tags = [...serviceTags, serviceTag('BatchNodeManagement.EastUS', ['198.51.100.0/27'], 'eastus')];

/** Today's outbound rules on top of the 2020 ones, before the Internet deny. */
const todaysRules: readonly NsgRuleSpec[] = [
  { name: 'AllowAmlPorts', priority: 200, direction: 'Outbound', access: 'Allow', protocol: 'Tcp', destination: 'AzureMachineLearning', destinationPorts: ['443', '8787', '18881'] },
  { name: 'AllowAmlUdp', priority: 210, direction: 'Outbound', access: 'Allow', protocol: 'Udp', destination: 'AzureMachineLearning', destinationPorts: '5831' },
  { name: 'AllowBatch', priority: 220, direction: 'Outbound', access: 'Allow', protocol: '*', destination: 'BatchNodeManagement.EastUS', destinationPorts: '443' },
];

function estateWith(outbound: readonly NsgRuleSpec[]) {
  return estateOf(compliantRows({ trainingNsgRules: [...trainingInboundRules, ...outbound] }), tags);
}

describe('nsg.compute-outbound-ports', () => {
  it("passes when a restricted subnet allows today's ports", () => {
    const evaluation = verdictFor(rule, estateWith([...restrictedOutboundRules, ...todaysRules]), ids.trainingSubnet);
    expect(evaluation).toMatchObject({ status: 'pass', messageId: 'allowed' });
    expect(evaluation.message).toContain('AzureMachineLearning UDP 5831');
  });

  it('fails when the 2020 rules alone leave the newer ports denied', () => {
    const evaluation = verdictFor(rule, estateWith(restrictedOutboundRules), ids.trainingSubnet);
    expect(evaluation).toMatchObject({ status: 'fail', severity: 'high', messageId: 'blocked' });
    expect(evaluation.message).toContain('AzureMachineLearning TCP 8787');
    expect(evaluation.message).toContain('AzureMachineLearning UDP 5831');
    expect(evaluation.message).toContain('BatchNodeManagement.eastus TCP 443');
    expect(evaluation.message).not.toContain('AzureMachineLearning TCP 443 ');
  });

  it('is not applicable when outbound is not restricted, or the subnet has no NSG', () => {
    expect(verdictFor(rule, estateWith([]), ids.trainingSubnet)).toMatchObject({ status: 'not-applicable', messageId: 'notRestricted' });
    const noNsg = withVnet({ subnets: replaceSubnet('training', { nsgId: undefined }) });
    expect(verdictFor(rule, estateOf(noNsg, tags), ids.trainingSubnet)).toMatchObject({ status: 'not-applicable', messageId: 'noNsg' });
  });

  it('is unknown when an allow names addresses that only service-tag data could compare, or the restriction turns on an application security group', () => {
    const byAddress: NsgRuleSpec = { name: 'AllowAmlUdp', priority: 210, direction: 'Outbound', access: 'Allow', protocol: 'Udp', destination: ['198.51.100.64/26'], destinationPorts: '5831' };
    const rules = [...restrictedOutboundRules, ...todaysRules.map((spec) => (spec.name === 'AllowAmlUdp' ? byAddress : spec))];
    const undetermined = verdictFor(rule, estateOf(compliantRows({ trainingNsgRules: [...trainingInboundRules, ...rules] })), ids.trainingSubnet);
    expect(undetermined).toMatchObject({ status: 'unknown', messageId: 'undetermined' });
    const asg = resourceId('Microsoft.Network', 'applicationSecurityGroups', 'asg-nodes');
    const viaAsg = restrictedOutboundRules.map((spec) => (spec.name === 'DenyInternet' ? { ...spec, sourceAsgIds: [asg] } : spec));
    expect(verdictFor(rule, estateWith([...viaAsg, ...todaysRules]), ids.trainingSubnet)).toMatchObject({ status: 'unknown', messageId: 'restrictionUnknown' });
  });

  it('is unknown when the subnet or its NSG is not in the inventory, or a rule cannot be read', () => {
    expect(verdictFor(rule, estateOf(withoutRow(compliantRows(), ids.vnet), tags), ids.trainingSubnet)).toMatchObject({ status: 'unknown', messageId: 'missingSubnet' });
    expect(verdictFor(rule, estateOf(withoutRow(compliantRows(), ids.trainingNsg), tags), ids.trainingSubnet)).toMatchObject({ status: 'unknown', messageId: 'missingNsg' });
  });
});
