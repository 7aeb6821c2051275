import { describe, expect, it } from 'vitest';
import { vmUbuntuRule } from '../../../src/rules/vm/ubuntu';
import type { ResourceRow } from '../../../src/inventory/types';
import { attachedCompute, estateOf, virtualMachine } from '../../support/arm';
import { attachedIds, secondWorkspace, withAttachedVm } from '../../support/compute-fixtures';
import { compliantRows, ids, withoutRow } from '../../support/scenario';
import { evaluateRule, verdictFor } from '../../support/rules';

const rule = vmUbuntuRule;

/** The VM row without storageProfile.imageReference (a custom or gallery image written as an id). */
function withoutImageReference(rows: ResourceRow[], osType: 'Linux' | 'Windows' = 'Linux'): ResourceRow[] {
  return rows.map((row) => {
    if (row.id !== attachedIds.vm) return row;
    const properties = row.properties as Record<string, unknown>;
    const imageId = '/subscriptions/6f1c2b9e-3a4d-4c5e-9f70-1a2b3c4d5e6f/resourceGroups/rg-ml/providers/Microsoft.Compute/galleries/g/images/base/versions/1.0.0';
    return { ...row, properties: { ...properties, storageProfile: { imageReference: { id: imageId }, osDisk: { osType, createOption: 'FromImage' } } } };
  });
}

describe('vm.ubuntu', () => {
  it.each([
    ['Canonical 22.04 (default)', undefined],
    ['Canonical UbuntuServer', { publisher: 'Canonical', offer: 'UbuntuServer', sku: '18.04-LTS' }],
    ['Canonical in other case', { publisher: 'canonical', offer: 'ubuntu-24_04-lts', sku: 'server' }],
    ['the Data Science VM for Linux (Ubuntu)', { publisher: 'microsoft-dsvm', offer: 'ubuntu-2004', sku: '2004-gen2' }],
  ])('passes for %s', (_, image) => {
    const evaluation = verdictFor(rule, estateOf(withAttachedVm(image ? { image } : {})), attachedIds.vm);
    expect(evaluation.status).toBe('pass');
    expect(evaluation.workspaceIds).toEqual([ids.workspace]);
    expect(evaluation.evidence).toMatchObject({ osType: 'Linux' });
  });

  it('fails for Windows', () => {
    const image = { publisher: 'MicrosoftWindowsServer', offer: 'WindowsServer', sku: '2022-datacenter' };
    const evaluation = verdictFor(rule, estateOf(withAttachedVm({ image, osType: 'Windows' })), attachedIds.vm);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.severity).toBe('medium');
    expect(evaluation.evidence).toEqual({ publisher: 'MicrosoftWindowsServer', offer: 'WindowsServer', sku: '2022-datacenter', osType: 'Windows' });
  });

  it('fails for a Windows VM from a custom image (the OS type is enough)', () => {
    const evaluation = verdictFor(rule, estateOf(withoutImageReference(withAttachedVm(), 'Windows')), attachedIds.vm);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence).toMatchObject({ publisher: null, osType: 'Windows' });
  });

  it.each([
    ['Red Hat', { publisher: 'RedHat', offer: 'RHEL', sku: '9-lvm-gen2' }],
    ['Debian', { publisher: 'Debian', offer: 'debian-12', sku: '12-gen2' }],
  ])('fails for another Linux distribution: %s', (_, image) => {
    const evaluation = verdictFor(rule, estateOf(withAttachedVm({ image })), attachedIds.vm);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence).toMatchObject({ publisher: image.publisher, offer: image.offer });
  });

  it('is unknown for a Linux VM from a custom image', () => {
    const evaluation = verdictFor(rule, estateOf(withoutImageReference(withAttachedVm())), attachedIds.vm);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toEqual({ publisher: null, offer: null, sku: null, osType: 'Linux' });
  });

  it.each([
    ['a third-party image naming Ubuntu', { publisher: 'contoso', offer: 'ubuntu-hardened', sku: 'cis-l1' }],
    ['a hostile offer string', { publisher: 'x'.repeat(5000), offer: 'ubuntu\u202e'.repeat(500), sku: '1' }],
  ])('is unknown for %s', (_, image) => {
    expect(verdictFor(rule, estateOf(withAttachedVm({ image })), attachedIds.vm).status).toBe('unknown');
  });

  it('is unknown when the VM is not in the inventory', () => {
    const evaluation = verdictFor(rule, estateOf(withoutRow(withAttachedVm(), attachedIds.vm)), attachedIds.vm);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ missingResourceId: attachedIds.vm, computeIds: [attachedIds.vmCompute] });
  });

  it('judges a VM attached to several workspaces once, and only attached VMs', () => {
    const other = secondWorkspace();
    const rows = [
      ...withAttachedVm(),
      other,
      attachedCompute(other, { name: 'dsvm', computeType: 'VirtualMachine', resourceId: attachedIds.vm.toUpperCase() }),
      virtualMachine({ name: 'vm-unattached', nicIds: [], osType: 'Windows' }),
    ];
    const evaluations = evaluateRule(rule, estateOf(rows));
    expect(evaluations.map((evaluation) => [evaluation.resourceId, evaluation.workspaceIds])).toEqual([[attachedIds.vm, [ids.workspace, other.id]]]);
    expect(evaluateRule(rule, estateOf(compliantRows()))).toEqual([]);
  });
});
