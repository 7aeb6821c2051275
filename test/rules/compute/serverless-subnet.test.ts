import { describe, expect, it } from 'vitest';
import { computeServerlessSubnetRule } from '../../../src/rules/compute/serverless-subnet';
import { estateOf, OTHER_SUBSCRIPTION, resourceId, workspace } from '../../support/arm';
import { replaceSubnet, withVnet } from '../../support/compute-fixtures';
import { compliantRows, ids, withRow } from '../../support/scenario';
import { evaluateRule, verdictFor } from '../../support/rules';

const rule = computeServerlessSubnetRule;

function serverlessIn(subnetId: string, rows = compliantRows()) {
  return withRow(rows, workspace({ name: 'ws-ml', storageAccountId: ids.storage, keyVaultId: ids.keyVault, containerRegistryId: ids.registry, imageBuildCompute: 'cpu-cluster', serverlessCompute: { subnetId, noPublicIp: true } }));
}

describe('compute.serverless-subnet', () => {
  it("passes for an existing, undelegated subnet of the workspace's subscription", () => {
    const evaluation = verdictFor(rule, estateOf(serverlessIn(ids.trainingSubnet)), ids.workspace);
    expect(evaluation).toMatchObject({ status: 'pass', messageId: 'ready', evidence: { subnetId: ids.trainingSubnet } });
    expect(evaluation.message).toContain("'vnet-ml/training'");
  });

  it('fails for a delegated subnet', () => {
    const rows = serverlessIn(ids.trainingSubnet, withVnet({ subnets: replaceSubnet('training', { delegations: ['Microsoft.Web/serverFarms'] }) }));
    expect(verdictFor(rule, estateOf(rows), ids.workspace)).toMatchObject({ status: 'fail', severity: 'high', messageId: 'delegated', evidence: { delegations: ['Microsoft.Web/serverFarms'] } });
  });

  it('fails for a subnet of another subscription', () => {
    const subnetId = `${resourceId('Microsoft.Network', 'virtualNetworks', 'vnet-other', { subscription: OTHER_SUBSCRIPTION })}/subnets/serverless`;
    expect(verdictFor(rule, estateOf(serverlessIn(subnetId)), ids.workspace)).toMatchObject({ status: 'fail', messageId: 'otherSubscription' });
  });

  it('is unknown for a subnet not in the inventory', () => {
    const subnetId = `${ids.vnet}/subnets/gone`;
    expect(verdictFor(rule, estateOf(serverlessIn(subnetId)), ids.workspace)).toMatchObject({ status: 'unknown', messageId: 'missingSubnet', evidence: { missingResourceId: subnetId } });
  });

  it('has no subject when the workspace runs serverless compute outside any VNet of its own', () => {
    expect(evaluateRule(rule, estateOf(compliantRows()))).toEqual([]);
  });
});
