import { describe, expect, it } from 'vitest';
import { aksDockerBridgeOverlapRule } from '../../../src/rules/aks/docker-bridge-overlap';
import { estateOf } from '../../support/arm';
import { withAks, withAksCompute } from '../../support/compute-fixtures';
import { compliantRows, ids, withoutRow } from '../../support/scenario';
import { verdictFor } from '../../support/rules';

const rule = aksDockerBridgeOverlapRule;

describe('aks.docker-bridge-overlap', () => {
  it('passes when the Docker bridge overlaps neither a subnet nor the service CIDR', () => {
    const evaluation = verdictFor(rule, estateOf(compliantRows()), ids.aksCluster);
    expect(evaluation.status).toBe('pass');
    expect(evaluation.evidence).toMatchObject({ dockerBridgeCidr: '172.17.0.1/16', subnetsCompared: 3, overlapping: [], serviceCidr: '10.2.0.0/16', overlapsServiceCidr: false });
  });

  it('fails when the Docker bridge overlaps a subnet of the VNet', () => {
    const evaluation = verdictFor(rule, estateOf(withAks({ dockerBridgeCidr: '10.0.4.1/24' })), ids.aksCluster);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.severity).toBe('medium');
    expect(evaluation.evidence).toMatchObject({ overlapping: [{ subnetId: ids.aksSubnet, addressPrefix: '10.0.4.0/22' }], overlapsServiceCidr: false });
  });

  it('fails when the Docker bridge overlaps the service CIDR', () => {
    const evaluation = verdictFor(rule, estateOf(withAks({ dockerBridgeCidr: '10.2.0.1/24' })), ids.aksCluster);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence).toMatchObject({ overlapping: [], overlapsServiceCidr: true });
  });

  it('fails on the service CIDR even when the VNet is not in the inventory', () => {
    const evaluation = verdictFor(rule, estateOf(withoutRow(withAks({ dockerBridgeCidr: '10.2.0.1/24' }), ids.vnet)), ids.aksCluster);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence).toMatchObject({ overlapsServiceCidr: true, vnetsNotInInventory: [ids.vnet] });
  });

  it("falls back to the compute's aksNetworkingConfiguration", () => {
    const rows = withAksCompute({ networking: { dockerBridgeCidr: '10.0.1.1/24' } }, withAks({ dockerBridgeCidr: undefined }));
    const evaluation = verdictFor(rule, estateOf(rows), ids.aksCluster);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence).toMatchObject({ dockerBridgeCidrSource: 'aksNetworkingConfiguration', overlapping: [{ subnetId: ids.trainingSubnet, addressPrefix: '10.0.1.0/24' }] });
  });

  it('compares only the service CIDR for a cluster outside a custom VNet', () => {
    const evaluation = verdictFor(rule, estateOf(withAks({ subnetIds: [] })), ids.aksCluster);
    expect(evaluation.status).toBe('pass');
    expect(evaluation.evidence).toMatchObject({ vnetIds: [], subnetsCompared: 0, overlapsServiceCidr: false });
  });

  it('does not apply when no Docker bridge address is set', () => {
    const evaluation = verdictFor(rule, estateOf(withAks({ dockerBridgeCidr: undefined })), ids.aksCluster);
    expect(evaluation.status).toBe('not-applicable');
  });

  it.each([
    ['a malformed Docker bridge', { dockerBridgeCidr: '172.17.0.1/64' }],
    ['a hostile Docker bridge', { dockerBridgeCidr: '\u0000\u202e'.repeat(500) }],
    ['no service CIDR to compare', { serviceCidr: undefined }],
    ['a malformed service CIDR', { serviceCidr: '10.2.0.0/' }],
  ])('is unknown with %s', (_, changes) => {
    expect(verdictFor(rule, estateOf(withAks(changes)), ids.aksCluster).status).toBe('unknown');
  });

  it('is unknown when the VNet is not in the inventory and nothing known overlaps', () => {
    const evaluation = verdictFor(rule, estateOf(withoutRow(compliantRows(), ids.vnet)), ids.aksCluster);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ vnetsNotInInventory: [ids.vnet] });
  });

  it('is unknown when the cluster is not in the inventory', () => {
    expect(verdictFor(rule, estateOf(withoutRow(compliantRows(), ids.aksCluster)), ids.aksCluster).status).toBe('unknown');
  });
});
