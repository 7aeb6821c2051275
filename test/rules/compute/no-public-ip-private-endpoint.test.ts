import { describe, expect, it } from 'vitest';
import type { ResourceRow } from '../../../src/inventory/types';
import { computeNoPublicIpPrivateEndpointRule } from '../../../src/rules/compute/no-public-ip-private-endpoint';
import { amlCluster, computeInstance, estateOf, workspace } from '../../support/arm';
import { privateDnsRows } from '../../support/private-dns';
import { compliantRows, ids, withoutRow, withRow } from '../../support/scenario';
import { evaluateRule, verdictFor } from '../../support/rules';

const rule = computeNoPublicIpPrivateEndpointRule;

/** The rows with the cluster and the instance created without a public IP. */
function noPublicIp(rows: ResourceRow[]): ResourceRow[] {
  const ws = rows.find((row) => row.id === ids.workspace) as ResourceRow;
  let result = withRow(rows, amlCluster(ws, { name: 'cpu-cluster', subnetId: ids.trainingSubnet, maxNodeCount: 4, currentNodeCount: 1, enableNodePublicIp: false }));
  result = withRow(result, computeInstance(ws, { name: 'ci-alice', subnetId: ids.trainingSubnet, enableNodePublicIp: false }));
  return result;
}

describe('compute.no-public-ip-private-endpoint', () => {
  it('passes when the workspace has an approved private endpoint', () => {
    const evaluation = verdictFor(rule, estateOf(noPublicIp(privateDnsRows())), ids.cluster);
    expect(evaluation).toMatchObject({ status: 'pass', messageId: 'privateEndpoint', evidence: { workspaceId: ids.workspace } });
    expect(evaluation.message).toContain('pe-ws');
  });

  it('fails when the workspace has no private endpoint', () => {
    const evaluation = verdictFor(rule, estateOf(noPublicIp(compliantRows())), ids.instance);
    expect(evaluation).toMatchObject({ status: 'fail', severity: 'high', messageId: 'noPrivateEndpoint', evidence: { approvedPrivateEndpointIds: [] } });
    expect(evaluation.message).toContain("Compute instance 'ci-alice'");
    // A pending connection is no private endpoint yet.
    const pending = verdictFor(rule, estateOf(noPublicIp(privateDnsRows({ status: 'Pending' }))), ids.cluster);
    expect(pending).toMatchObject({ status: 'fail', messageId: 'noPrivateEndpoint' });
  });

  it('judges serverless compute configured with no public IP on its workspace', () => {
    const ws = workspace({ name: 'ws-ml', storageAccountId: ids.storage, keyVaultId: ids.keyVault, containerRegistryId: ids.registry, serverlessCompute: { subnetId: ids.trainingSubnet, noPublicIp: true } });
    const evaluation = verdictFor(rule, estateOf(withRow(compliantRows(), ws)), ids.workspace);
    expect(evaluation).toMatchObject({ status: 'fail', messageId: 'noPrivateEndpoint' });
    expect(evaluation.message).toContain("Serverless compute of workspace 'ws-ml'");
    const withPublicIp = workspace({ name: 'ws-ml', serverlessCompute: { subnetId: ids.trainingSubnet, noPublicIp: false } });
    expect(evaluateRule(rule, estateOf(withRow(compliantRows(), withPublicIp))).filter((evaluation) => evaluation.resourceId === ids.workspace)).toEqual([]);
  });

  it('leaves computes with a public IP, or with none written (Azure gives one), alone', () => {
    expect(evaluateRule(rule, estateOf(compliantRows()))).toEqual([]);
  });

  it('is unknown when the workspace is not in the inventory', () => {
    const evaluation = verdictFor(rule, estateOf(withoutRow(noPublicIp(compliantRows()), ids.workspace)), ids.cluster);
    expect(evaluation).toMatchObject({ status: 'unknown', messageId: 'missingWorkspace', evidence: { missingResourceId: ids.workspace } });
  });
});
