import { describe, expect, it } from 'vitest';
import { aksServiceCidrOverlapRule } from '../../../src/rules/aks/service-cidr-overlap';
import { estateOf } from '../../support/arm';
import { replaceSubnet, withAks, withAksCompute, withVnet } from '../../support/compute-fixtures';
import { compliantRows, ids, withoutRow } from '../../support/scenario';
import { verdictFor } from '../../support/rules';

const rule = aksServiceCidrOverlapRule;

describe('aks.service-cidr-overlap', () => {
  it('passes when the service CIDR overlaps no subnet of the VNet', () => {
    const evaluation = verdictFor(rule, estateOf(compliantRows()), ids.aksCluster);
    expect(evaluation.status).toBe('pass');
    expect(evaluation.evidence).toMatchObject({ serviceCidr: '10.2.0.0/16', serviceCidrSource: 'networkProfile', subnetsCompared: 3, overlapping: [] });
  });

  it('fails with every subnet the service CIDR overlaps', () => {
    const evaluation = verdictFor(rule, estateOf(withAks({ serviceCidr: '10.0.0.0/16' })), ids.aksCluster);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.severity).toBe('high');
    expect(evaluation.evidence.overlapping).toEqual([
      { subnetId: ids.trainingSubnet, addressPrefix: '10.0.1.0/24' },
      { subnetId: ids.aksSubnet, addressPrefix: '10.0.4.0/22' },
      { subnetId: ids.endpointSubnet, addressPrefix: '10.0.2.0/24' },
    ]);
  });

  it('fails when a service CIDR inside one subnet overlaps it', () => {
    const evaluation = verdictFor(rule, estateOf(withAks({ serviceCidr: '10.0.5.128/25' })), ids.aksCluster);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence.overlapping).toEqual([{ subnetId: ids.aksSubnet, addressPrefix: '10.0.4.0/22' }]);
  });

  it("falls back to the compute's aksNetworkingConfiguration when the cluster row lacks the service CIDR", () => {
    const rows = withAksCompute({ networking: { serviceCidr: '10.0.2.0/24' } }, withAks({ serviceCidr: undefined }));
    const evaluation = verdictFor(rule, estateOf(rows), ids.aksCluster);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence).toMatchObject({ serviceCidrSource: 'aksNetworkingConfiguration', overlapping: [{ subnetId: ids.endpointSubnet, addressPrefix: '10.0.2.0/24' }] });
  });

  it('compares IPv6 prefixes only with IPv6 prefixes', () => {
    const dualStack = withVnet({ subnets: replaceSubnet('aks', { addressPrefix: undefined, addressPrefixes: ['10.0.4.0/22', 'fd00:10::/64'] }) });
    expect(verdictFor(rule, estateOf(withAks({ serviceCidr: 'fd00:20::/108' }, dualStack)), ids.aksCluster).status).toBe('pass');
    const evaluation = verdictFor(rule, estateOf(withAks({ serviceCidr: 'FD00:10::/108' }, dualStack)), ids.aksCluster);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence.overlapping).toEqual([{ subnetId: ids.aksSubnet, addressPrefix: 'fd00:10::/64' }]);
  });

  it('is unknown when no service CIDR is known', () => {
    const evaluation = verdictFor(rule, estateOf(withAks({ serviceCidr: undefined })), ids.aksCluster);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ serviceCidr: null });
  });

  it.each(['10.2.0.0/40', 'ten.two.zero.zero/16', `${'9'.repeat(5000)}/16`])('is unknown with the malformed service CIDR %#', (serviceCidr) => {
    const evaluation = verdictFor(rule, estateOf(withAks({ serviceCidr })), ids.aksCluster);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ serviceCidr });
  });

  it('is unknown when a subnet prefix cannot be read and nothing overlaps', () => {
    const evaluation = verdictFor(rule, estateOf(withVnet({ subnets: replaceSubnet('endpoints', { addressPrefix: '10.0.2.0/99' }) })), ids.aksCluster);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence.unreadablePrefixes).toEqual([{ subnetId: ids.endpointSubnet, addressPrefix: '10.0.2.0/99' }]);
  });

  it('is unknown when the VNet is not in the inventory (its subnets are unknown)', () => {
    const evaluation = verdictFor(rule, estateOf(withoutRow(compliantRows(), ids.vnet)), ids.aksCluster);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ vnetsNotInInventory: [ids.vnet] });
  });

  it('is unknown when the cluster is not in the inventory', () => {
    expect(verdictFor(rule, estateOf(withoutRow(compliantRows(), ids.aksCluster)), ids.aksCluster).status).toBe('unknown');
  });

  it('does not apply to a cluster outside a custom VNet', () => {
    expect(verdictFor(rule, estateOf(withAks({ subnetIds: [] })), ids.aksCluster).status).toBe('not-applicable');
  });
});
