import { describe, expect, it } from 'vitest';
import { nsgVmSshFromAmlRule } from '../../../src/rules/nsg/vm-ssh-from-aml';
import { attachedCompute, estateOf, resourceId } from '../../support/arm';
import type { NsgRuleSpec } from '../../support/arm';
import { compliantRows, withoutRow } from '../../support/scenario';
import { evaluateRule, verdictFor } from '../../support/rules';
import { attachedEstate, attachedIds, attachedRows, scenarioWorkspace, serviceTags, sshFromAml } from '../../support/nsg-fixtures';

const rule = nsgVmSshFromAmlRule;

function sshRule(spec: Partial<NsgRuleSpec>): NsgRuleSpec {
  return { ...sshFromAml, ...spec };
}

describe('nsg.vm-ssh-from-aml', () => {
  it('passes for the attached VM and HDInsight cluster when every NSG allows SSH from AzureMachineLearning', () => {
    const evaluations = evaluateRule(rule, attachedEstate());
    expect(evaluations.map((evaluation) => [evaluation.resourceId, evaluation.status])).toEqual([
      [attachedIds.vm, 'pass'],
      [attachedIds.hdi, 'pass'],
    ]);
    expect(evaluations[0]?.evidence.paths).toEqual([
      expect.objectContaining({ via: 'NIC nic-dsvm', subnetId: attachedIds.vmSubnet, nsgIds: [attachedIds.vmNsg, attachedIds.nicNsg], decision: 'allow' }),
    ]);
  });

  it('passes when no NSG is on the path', () => {
    expect(verdictFor(rule, attachedEstate({ vmSubnetRules: null, nicRules: null }), attachedIds.vm).status).toBe('pass');
    expect(verdictFor(rule, attachedEstate({ hdiRules: null }), attachedIds.hdi).status).toBe('pass');
  });

  it.each<[string, NsgRuleSpec]>([
    ['the regional tag', sshRule({ source: 'AzureMachineLearning.EastUS' })],
    ['any source', sshRule({ source: '*' })],
  ])('passes when SSH is allowed from %s', (_, allow) => {
    expect(verdictFor(rule, attachedEstate({ vmSubnetRules: [allow], nicRules: [allow] }), attachedIds.vm).status).toBe('pass');
  });

  it('fails when the NIC NSG blocks SSH even though the subnet allows it', () => {
    const evaluation = verdictFor(rule, attachedEstate({ nicRules: [] }), attachedIds.vm);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.severity).toBe('high');
    expect(evaluation.evidence).toMatchObject({ nsgId: attachedIds.nicNsg, rule: 'DenyAllInBound', priority: 65500, ports: '22' });
  });

  it('fails when the subnet NSG denies SSH before the allow', () => {
    const rules = [sshRule({ name: 'DenySsh', priority: 90, access: 'Deny', source: '*' }), sshFromAml];
    const evaluation = verdictFor(rule, attachedEstate({ vmSubnetRules: rules }), attachedIds.vm);
    expect(evaluation.evidence).toMatchObject({ nsgId: attachedIds.vmNsg, rule: 'DenySsh', priority: 90 });
  });

  it('fails for the HDInsight cluster when its subnet NSG allows SSH from another tag only', () => {
    const evaluation = verdictFor(rule, attachedEstate({ hdiRules: [sshRule({ source: 'VirtualNetwork' })] }), attachedIds.hdi);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence).toMatchObject({ nsgId: attachedIds.hdiNsg, rule: 'DenyAllInBound' });
  });

  it('is unknown when the allow needs service-tag data that is absent', () => {
    const byPrefix = sshRule({ source: ['198.51.100.64/27'] });
    expect(verdictFor(rule, attachedEstate({ vmSubnetRules: [byPrefix], nicRules: [byPrefix] }, {}, false), attachedIds.vm).status).toBe('unknown');
    expect(verdictFor(rule, attachedEstate({ vmSubnetRules: [byPrefix], nicRules: [byPrefix] }), attachedIds.vm).status).toBe('pass');
  });

  it('is unknown when the allow names an application security group', () => {
    const asg = resourceId('Microsoft.Network', 'applicationSecurityGroups', 'asg-vms');
    expect(verdictFor(rule, attachedEstate({ nicRules: [sshRule({ destinationAsgIds: [asg] })] }), attachedIds.vm).status).toBe('unknown');
  });

  it('is unknown when an NSG or the NIC of the path is missing from the inventory', () => {
    const noNicNsg = verdictFor(rule, estateOf(withoutRow([...compliantRows(), ...attachedRows()], attachedIds.nicNsg), serviceTags), attachedIds.vm);
    expect(noNicNsg.status).toBe('unknown');
    expect(noNicNsg.evidence.paths).toEqual([expect.objectContaining({ decision: 'unknown', nsgIds: [attachedIds.vmNsg, attachedIds.nicNsg] })]);
    expect(verdictFor(rule, estateOf(withoutRow([...compliantRows(), ...attachedRows()], attachedIds.nic), serviceTags), attachedIds.vm).status).toBe('unknown');
  });

  it('is unknown when the attached resource is missing from the inventory', () => {
    const evaluation = verdictFor(rule, estateOf(withoutRow([...compliantRows(), ...attachedRows()], attachedIds.vm), serviceTags), attachedIds.vm);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ missingResourceId: attachedIds.vm });
  });

  it('has no subject without attached VMs or clusters, and one per resource attached twice', () => {
    expect(evaluateRule(rule, estateOf(compliantRows(), serviceTags))).toEqual([]);
    const again = attachedCompute(scenarioWorkspace(), { name: 'dsvm-again', computeType: 'VirtualMachine', resourceId: attachedIds.vm.toUpperCase() });
    const evaluations = evaluateRule(rule, estateOf([...compliantRows(), ...attachedRows(), again], serviceTags));
    expect(evaluations.filter((evaluation) => evaluation.resourceId.toLowerCase() === attachedIds.vm.toLowerCase())).toHaveLength(1);
  });

  it('is unknown, saying why, when the attached VM names no network interface and none names it', () => {
    const rows = withoutRow([...compliantRows(), ...attachedRows()], attachedIds.nic).map((row) => {
      if (row.id !== attachedIds.vm) return row;
      const vm = structuredClone(row) as { properties: { networkProfile: { networkInterfaces: unknown[] } } };
      vm.properties.networkProfile.networkInterfaces = [];
      return vm as unknown as typeof row;
    });
    const evaluation = verdictFor(rule, estateOf(rows, serviceTags), attachedIds.vm);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.messageId).toBe('noNetwork');
    expect(evaluation.message).toContain('the VM names no network interface');
  });
});
