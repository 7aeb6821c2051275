import { describe, expect, it } from 'vitest';
import { nsgStudioFrontdoorOutboundRule } from '../../../src/rules/nsg/studio-frontdoor-outbound';
import { estateOf, resourceId } from '../../support/arm';
import type { NsgRuleSpec } from '../../support/arm';
import { compliantRows, withoutRow } from '../../support/scenario';
import { evaluateRule, verdictFor } from '../../support/rules';
import {
  attachedEstate,
  attachedIds,
  attachedRows,
  ids,
  orphanSubnetRows,
  outboundWithout,
  restrictedOutboundRules,
  restrictedTrainingRules,
  rowsWith,
  scenarioEstate,
  scenarioVnet,
  serviceTags,
  sshFromAml,
} from '../../support/nsg-fixtures';

const rule = nsgStudioFrontdoorOutboundRule;
const denyInternet = restrictedOutboundRules.find((candidate) => candidate.name === 'DenyInternet') as NsgRuleSpec;
const allowFrontDoor = restrictedOutboundRules.find((candidate) => candidate.name === 'AllowFrontDoor') as NsgRuleSpec;

describe('nsg.studio-frontdoor-outbound', () => {
  it('judges subnets of compute instances and attached VMs only', () => {
    const evaluations = evaluateRule(rule, attachedEstate());
    expect(evaluations.map((evaluation) => evaluation.resourceId).sort()).toEqual([attachedIds.vmSubnet, ids.trainingSubnet].sort());
  });

  it('does not apply while outbound Internet traffic is open', () => {
    expect(verdictFor(rule, scenarioEstate(), ids.trainingSubnet).status).toBe('not-applicable');
  });

  it('passes when a restricted instance subnet allows AzureFrontDoor.Frontend', () => {
    const evaluation = verdictFor(rule, scenarioEstate({ trainingNsgRules: restrictedTrainingRules() }), ids.trainingSubnet);
    expect(evaluation.status).toBe('pass');
    expect(evaluation.severity).toBe('medium');
  });

  it('fails when a restricted instance subnet blocks AzureFrontDoor.Frontend', () => {
    const evaluation = verdictFor(rule, scenarioEstate({ trainingNsgRules: restrictedTrainingRules(outboundWithout('AllowFrontDoor')) }), ids.trainingSubnet);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence.blocked).toEqual([expect.objectContaining({ tag: 'AzureFrontDoor.Frontend', port: 443, nsgId: ids.trainingNsg, rule: 'DenyInternet', priority: 4000 })]);
  });

  it('does not take the AzureFrontDoor.Frontend dot for a region', () => {
    const evaluation = verdictFor(rule, scenarioEstate({ trainingNsgRules: [allowFrontDoor, denyInternet] }, false), ids.trainingSubnet);
    expect(evaluation.status).toBe('pass');
  });

  it('fails when the NIC NSG of an attached VM restricts outbound and blocks the studio', () => {
    const evaluation = verdictFor(rule, attachedEstate({ nicRules: [sshFromAml, denyInternet] }), attachedIds.vmSubnet);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence.blocked).toEqual([expect.objectContaining({ nsgId: attachedIds.nicNsg, rule: 'DenyInternet' })]);
    expect(evaluation.evidence.paths).toEqual([expect.objectContaining({ path: 'NIC nic-dsvm', nsgIds: [attachedIds.vmNsg, attachedIds.nicNsg] })]);
  });

  it('fails when the subnet allows the studio but the NIC NSG does not', () => {
    const evaluation = verdictFor(rule, attachedEstate({ vmSubnetRules: [sshFromAml, allowFrontDoor, denyInternet], nicRules: [sshFromAml, denyInternet] }), attachedIds.vmSubnet);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence.blocked).toEqual([expect.objectContaining({ nsgId: attachedIds.nicNsg })]);
  });

  it('passes when both NSGs of the VM path allow the studio', () => {
    const both = [sshFromAml, allowFrontDoor, denyInternet];
    expect(verdictFor(rule, attachedEstate({ vmSubnetRules: both, nicRules: both }), attachedIds.vmSubnet).status).toBe('pass');
  });

  it('does not apply when neither the subnet nor the NIC has an NSG', () => {
    const evaluation = verdictFor(rule, attachedEstate({ vmSubnetRules: null, nicRules: null }), attachedIds.vmSubnet);
    expect(evaluation.status).toBe('not-applicable');
    expect(verdictFor(rule, estateOf(rowsWith({}, scenarioVnet({ nsgId: undefined })), serviceTags), ids.trainingSubnet).status).toBe('not-applicable');
  });

  it('is unknown when the NIC NSG is missing from the inventory', () => {
    const rows = withoutRow([...compliantRows(), ...attachedRows()], attachedIds.nicNsg);
    const evaluation = verdictFor(rule, estateOf(rows, serviceTags), attachedIds.vmSubnet);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence.paths).toEqual([expect.objectContaining({ missingNsgIds: [attachedIds.nicNsg] })]);
  });

  it('is unknown when the subnet NSG is missing', () => {
    expect(verdictFor(rule, estateOf(withoutRow(compliantRows(), ids.trainingNsg), serviceTags), ids.trainingSubnet).status).toBe('unknown');
  });

  it('is unknown, naming the rule, when the allow uses prefixes and there is no service-tag data', () => {
    const outbound = restrictedOutboundRules.map((candidate) => (candidate.name === 'AllowFrontDoor' ? { ...candidate, destination: ['192.0.2.176/28'] } : candidate));
    const evaluation = verdictFor(rule, scenarioEstate({ trainingNsgRules: restrictedTrainingRules(outbound) }, false), ids.trainingSubnet);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.messageId).toBe('undetermined');
  });

  it('is unknown, saying so, when whether outbound is restricted turns on an application security group', () => {
    const asg = resourceId('Microsoft.Network', 'applicationSecurityGroups', 'asg-nodes');
    const outbound = restrictedOutboundRules.map((candidate) => (candidate.name === denyInternet.name ? { ...candidate, sourceAsgIds: [asg] } : candidate));
    const evaluation = verdictFor(rule, scenarioEstate({ trainingNsgRules: restrictedTrainingRules(outbound) }), ids.trainingSubnet);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.messageId).toBe('restrictionUnknown');
  });

  it('is unknown for an instance subnet missing from the inventory', () => {
    const orphan = orphanSubnetRows();
    const evaluation = verdictFor(rule, estateOf([...compliantRows(), ...orphan.rows], serviceTags), orphan.subnetId);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.messageId).toBe('missingSubnet');
  });
});
