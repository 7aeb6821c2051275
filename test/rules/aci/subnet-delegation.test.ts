import { describe, expect, it } from 'vitest';
import { aciSubnetDelegationRule } from '../../../src/rules/aci/subnet-delegation';
import type { ResourceRow } from '../../../src/inventory/types';
import { containerGroup, estateOf, resourceId } from '../../support/arm';
import { compliantSubnets, withVnet } from '../../support/compute-fixtures';
import { compliantRows, ids } from '../../support/scenario';
import { evaluateRule, verdictFor } from '../../support/rules';

const rule = aciSubnetDelegationRule;
const aciSubnet = `${ids.vnet}/subnets/aci`;
const groupId = resourceId('Microsoft.ContainerInstance', 'containerGroups', 'aci-scoring');

/** The compliant estate plus an `aci` subnet with the given delegations and a container group in it. */
function withAci(delegations: readonly string[], subnetIds: readonly string[] = [aciSubnet]): ResourceRow[] {
  return [...withVnet({ subnets: [...compliantSubnets, { name: 'aci', addressPrefix: '10.0.20.0/24', delegations }] }), containerGroup({ name: 'aci-scoring', subnetIds })];
}

describe('aci.subnet-delegation', () => {
  it.each([['Microsoft.ContainerInstance/containerGroups'], ['microsoft.containerinstance/CONTAINERGROUPS']])('passes when the subnet is delegated to %s', (delegation) => {
    const evaluation = verdictFor(rule, estateOf(withAci([delegation])), aciSubnet);
    expect(evaluation.status).toBe('pass');
    expect(evaluation.workspaceIds).toEqual([]);
    expect(evaluation.evidence).toEqual({ delegations: [delegation], containerGroupIds: [groupId] });
  });

  it('fails when the subnet has no delegation', () => {
    const evaluation = verdictFor(rule, estateOf(withAci([])), aciSubnet);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.severity).toBe('high');
    expect(evaluation.evidence).toEqual({ delegations: [], containerGroupIds: [groupId] });
  });

  it('fails when the subnet is delegated to another service', () => {
    const evaluation = verdictFor(rule, estateOf(withAci(['Microsoft.Web/serverFarms'])), aciSubnet);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence).toMatchObject({ delegations: ['Microsoft.Web/serverFarms'] });
  });

  it('judges each subnet once, whatever the case of the IDs naming it', () => {
    const rows = [...withAci([]), containerGroup({ name: 'aci-batch', subnetIds: [aciSubnet.toUpperCase()] })];
    const evaluations = evaluateRule(rule, estateOf(rows));
    expect(evaluations).toHaveLength(1);
    expect(evaluations[0]?.evidence.containerGroupIds).toEqual([groupId, resourceId('Microsoft.ContainerInstance', 'containerGroups', 'aci-batch')]);
  });

  it.each([
    ['a subnet absent from the inventory', `${ids.vnet}/subnets/gone`],
    ['a hostile subnet ID', `${ids.vnet}/subnets/${'%00'.repeat(3000)}`],
  ])('is unknown for %s', (_, subnetId) => {
    const rows = [...compliantRows(), containerGroup({ name: 'aci-scoring', subnetIds: [subnetId] })];
    const evaluation = verdictFor(rule, estateOf(rows), subnetId);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ missingResourceId: subnetId });
  });

  it('has nothing to judge without container groups in subnets', () => {
    expect(evaluateRule(rule, estateOf(compliantRows()))).toEqual([]);
  });
});
