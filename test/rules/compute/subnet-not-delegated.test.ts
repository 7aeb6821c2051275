import { describe, expect, it } from 'vitest';
import { computeSubnetNotDelegatedRule } from '../../../src/rules/compute/subnet-not-delegated';
import { estateOf } from '../../support/arm';
import { replaceSubnet, withVnet } from '../../support/compute-fixtures';
import { compliantRows, ids, withoutRow } from '../../support/scenario';
import { evaluateRule, verdictFor } from '../../support/rules';

const rule = computeSubnetNotDelegatedRule;

describe('compute.subnet-not-delegated', () => {
  it('passes when the cluster and instance subnet has no delegation', () => {
    expect(verdictFor(rule, estateOf(compliantRows()), ids.trainingSubnet)).toMatchObject({ status: 'pass', messageId: 'notDelegated', evidence: { delegations: [] } });
  });

  it('fails when the subnet is delegated to another service', () => {
    const rows = withVnet({ subnets: replaceSubnet('training', { delegations: ['Microsoft.ContainerInstance/containerGroups'] }) });
    const evaluation = verdictFor(rule, estateOf(rows), ids.trainingSubnet);
    expect(evaluation).toMatchObject({ status: 'fail', severity: 'high', messageId: 'delegated', evidence: { delegations: ['Microsoft.ContainerInstance/containerGroups'] } });
    expect(evaluation.message).toContain('Microsoft.ContainerInstance/containerGroups');
  });

  it('judges only subnets of clusters and instances (the AKS subnet is not its subject)', () => {
    expect(evaluateRule(rule, estateOf(compliantRows())).map((evaluation) => evaluation.resourceId)).toEqual([ids.trainingSubnet]);
  });

  it('is unknown when the subnet is not in the inventory', () => {
    expect(verdictFor(rule, estateOf(withoutRow(compliantRows(), ids.vnet)), ids.trainingSubnet)).toMatchObject({ status: 'unknown', messageId: 'missingSubnet' });
  });
});
