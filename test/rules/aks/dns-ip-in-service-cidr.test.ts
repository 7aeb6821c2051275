import { describe, expect, it } from 'vitest';
import { aksDnsIpInServiceCidrRule } from '../../../src/rules/aks/dns-ip-in-service-cidr';
import { estateOf } from '../../support/arm';
import { withAks, withAksCompute } from '../../support/compute-fixtures';
import { compliantRows, ids, withoutRow } from '../../support/scenario';
import { verdictFor } from '../../support/rules';

const rule = aksDnsIpInServiceCidrRule;

describe('aks.dns-ip-in-service-cidr', () => {
  it('passes when the DNS service IP is inside the service CIDR on an ordinary address', () => {
    const evaluation = verdictFor(rule, estateOf(compliantRows()), ids.aksCluster);
    expect(evaluation.status).toBe('pass');
    expect(evaluation.evidence).toMatchObject({ dnsServiceIP: '10.2.0.10', serviceCidr: '10.2.0.0/16', inside: true, networkAddress: '10.2.0.0', firstAddress: '10.2.0.1' });
  });

  it.each([
    ['outside the range', { dnsServiceIP: '10.0.0.10' }, { inside: false }],
    ['the network address', { dnsServiceIP: '10.2.0.0' }, { inside: true, reserved: 'network address' }],
    ['the first address', { dnsServiceIP: '10.2.0.1' }, { inside: true, reserved: 'first address' }],
    ['the network address of a non-canonical CIDR', { serviceCidr: '10.2.3.4/16', dnsServiceIP: '10.2.0.0' }, { reserved: 'network address' }],
    ['the first address of an IPv6 range', { serviceCidr: 'fd00:10::/108', dnsServiceIP: 'fd00:10:0:0::1' }, { reserved: 'first address' }],
    ['an IPv4 address for an IPv6 range', { serviceCidr: 'fd00:10::/108', dnsServiceIP: '10.2.0.10' }, { inside: false }],
  ])('fails when the DNS service IP is %s', (_, changes, expected) => {
    const evaluation = verdictFor(rule, estateOf(withAks(changes)), ids.aksCluster);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.severity).toBe('high');
    expect(evaluation.evidence).toMatchObject(expected);
  });

  it('passes for an ordinary IPv6 address in an IPv6 range', () => {
    expect(verdictFor(rule, estateOf(withAks({ serviceCidr: 'fd00:10::/108', dnsServiceIP: 'fd00:10::a' })), ids.aksCluster).status).toBe('pass');
  });

  it("falls back to the compute's aksNetworkingConfiguration", () => {
    const rows = withAksCompute({ networking: { serviceCidr: '10.3.0.0/16', dnsServiceIP: '10.3.0.1' } }, withAks({ serviceCidr: undefined, dnsServiceIP: undefined }));
    const evaluation = verdictFor(rule, estateOf(rows), ids.aksCluster);
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence).toMatchObject({ dnsServiceIPSource: 'aksNetworkingConfiguration', serviceCidrSource: 'aksNetworkingConfiguration', reserved: 'first address' });
  });

  it.each([
    ['no DNS service IP', { dnsServiceIP: undefined }],
    ['no service CIDR', { serviceCidr: undefined }],
    ['a DNS service IP written as a CIDR', { dnsServiceIP: '10.2.0.10/32' }],
    ['a malformed DNS service IP', { dnsServiceIP: '10.2.0.300' }],
    ['a malformed service CIDR', { serviceCidr: '10.2.0.0/33' }],
    ['a hostile string', { dnsServiceIP: '"; DROP TABLE findings; --'.repeat(100) }],
  ])('is unknown with %s', (_, changes) => {
    expect(verdictFor(rule, estateOf(withAks(changes)), ids.aksCluster).status).toBe('unknown');
  });

  it('is unknown when the cluster is not in the inventory', () => {
    const evaluation = verdictFor(rule, estateOf(withoutRow(compliantRows(), ids.aksCluster)), ids.aksCluster);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ missingResourceId: ids.aksCluster });
  });
});
