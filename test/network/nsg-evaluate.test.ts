import { describe, expect, it } from 'vitest';
import { buildServiceTagIndex, evaluateNsg, evaluatePath, outboundRestriction, parseNsg } from '../../src/network';
import type { TrafficVerdict } from '../../src/network';
import { armRule, inbound, internetQuery, nsgOf, outbound, SUBNET, TAGS } from './fixtures';
import type { RuleSpec } from './fixtures';

const WITH_DATA = buildServiceTagIndex(TAGS);
const NO_DATA = buildServiceTagIndex(undefined);

function decision(verdict: TrafficVerdict): string {
  if (verdict.decision === 'deny') return `deny:${verdict.decidedBy.rule}`;
  if (verdict.decision === 'allow') return `allow:${verdict.decidedBy.map((ref) => ref.rule).join('+')}`;
  return 'unknown';
}

const BATCH = (spec: Partial<RuleSpec> = {}): RuleSpec => ({
  name: 'batch',
  priority: 100,
  source: 'BatchNodeManagement',
  destinationPort: '29876-29877',
  ...spec,
});

describe('defaults', () => {
  it('denies inbound from a public tag and allows outbound to the Internet with only default rules', () => {
    const nsg = nsgOf([]);
    expect(decision(evaluateNsg(nsg, inbound('BatchNodeManagement', 29876, 29877), WITH_DATA))).toBe('deny:DenyAllInBound');
    expect(decision(evaluateNsg(nsg, outbound('Storage', 443), WITH_DATA))).toBe('allow:AllowInternetOutBound');
    expect(decision(evaluateNsg(nsg, internetQuery('Outbound', 443), NO_DATA))).toBe('allow:AllowInternetOutBound');
    expect(decision(evaluateNsg(nsg, internetQuery('Inbound', 22), NO_DATA))).toBe('deny:DenyAllInBound');
  });

  it('reports the RuleRef of the deciding rule', () => {
    const verdict = evaluateNsg(nsgOf([]), inbound('BatchNodeManagement', 29876, 29877), WITH_DATA);
    expect(verdict).toEqual({
      decision: 'deny',
      decidedBy: { nsgId: expect.stringContaining('nsg1'), nsgName: 'nsg1', rule: 'DenyAllInBound', priority: 65500, access: 'Deny', isDefault: true },
      ports: { from: 29876, to: 29877 },
    });
  });

  it('uses defaultSecurityRules from the data when present', () => {
    const nsg = parseNsg('/n', 'n', {
      securityRules: [],
      defaultSecurityRules: [armRule({ name: 'DenyAllOutBound', priority: 65500, direction: 'Outbound', access: 'Deny', protocol: '*' })],
    });
    expect(decision(evaluateNsg(nsg, internetQuery('Outbound', 443), NO_DATA))).toBe('deny:DenyAllOutBound');
  });

  it('is unknown when no rule matches (default rules missing from the data)', () => {
    const nsg = parseNsg('/n', 'n', {
      securityRules: [],
      defaultSecurityRules: [armRule({ name: 'only-udp', priority: 65500, protocol: 'Udp', access: 'Deny' })],
    });
    expect(evaluateNsg(nsg, inbound('Storage', 443), WITH_DATA).decision).toBe('unknown');
  });
});

describe('priority order', () => {
  it.each([
    [[BATCH({ priority: 100 }), { name: 'deny', priority: 200, access: 'Deny' as const }], 'allow:batch'],
    [[BATCH({ priority: 300 }), { name: 'deny', priority: 200, access: 'Deny' as const }], 'deny:deny'],
    [[{ name: 'deny', priority: 4096, access: 'Deny' as const }, BATCH({ priority: 4000 })], 'allow:batch'],
  ])('%#', (rules, expected) => {
    expect(decision(evaluateNsg(nsgOf(rules), inbound('BatchNodeManagement', 29876, 29877), WITH_DATA))).toBe(expected);
  });
});

describe('protocols', () => {
  it.each([
    ['*', 'Tcp', 'allow:batch'],
    ['Tcp', 'Tcp', 'allow:batch'],
    ['tcp', 'Tcp', 'allow:batch'],
    ['TCP', 'Tcp', 'allow:batch'],
    ['Udp', 'Tcp', 'deny:DenyAllInBound'],
    ['Icmp', 'Tcp', 'deny:DenyAllInBound'],
    ['Udp', 'Udp', 'allow:batch'],
    ['Tcp', 'Udp', 'deny:DenyAllInBound'],
    ['*', 'Udp', 'allow:batch'],
  ] as const)('rule %s, query %s → %s', (protocol, queryProtocol, expected) => {
    const verdict = evaluateNsg(nsgOf([BATCH({ protocol })]), inbound('BatchNodeManagement', 29876, 29877, { protocol: queryProtocol }), WITH_DATA);
    expect(decision(verdict)).toBe(expected);
  });

  it('a Udp deny does not block Tcp', () => {
    const nsg = nsgOf([{ name: 'deny-udp', priority: 100, access: 'Deny', protocol: 'Udp' }, BATCH({ priority: 200 })]);
    expect(decision(evaluateNsg(nsg, inbound('BatchNodeManagement', 29876, 29877), WITH_DATA))).toBe('allow:batch');
  });
});

describe('ports', () => {
  it.each([
    ['*', 'allow:batch'],
    ['29876-29877', 'allow:batch'],
    ['29000-30000', 'allow:batch'],
    [['29876', '29877'], 'allow:batch'],
    [['29876-29876', '29877-29877'], 'allow:batch'],
    [['29877', '29876'], 'allow:batch'],
    ['29876', 'deny:DenyAllInBound'],
    ['29877', 'deny:DenyAllInBound'],
    ['29878-29999', 'deny:DenyAllInBound'],
    [['22', '443'], 'deny:DenyAllInBound'],
  ] as const)('destination port %j → %s', (destinationPort, expected) => {
    const verdict = evaluateNsg(nsgOf([BATCH({ destinationPort: destinationPort as string | string[] })]), inbound('BatchNodeManagement', 29876, 29877), WITH_DATA);
    expect(decision(verdict)).toBe(expected);
  });

  it('reports the denied part of a multi-port query', () => {
    const verdict = evaluateNsg(nsgOf([BATCH({ destinationPort: '29876' })]), inbound('BatchNodeManagement', 29876, 29877), WITH_DATA);
    expect(verdict).toMatchObject({ decision: 'deny', ports: { from: 29877, to: 29877 } });
  });

  it('a deny on one port of the range denies the flow even after an allow of the other', () => {
    const nsg = nsgOf([
      BATCH({ name: 'allow-first', priority: 100, destinationPort: '29876' }),
      { name: 'deny-second', priority: 200, access: 'Deny', destinationPort: '29877' },
      BATCH({ name: 'allow-all', priority: 300 }),
    ]);
    const verdict = evaluateNsg(nsg, inbound('BatchNodeManagement', 29876, 29877), WITH_DATA);
    expect(verdict).toMatchObject({ decision: 'deny', decidedBy: { rule: 'deny-second' }, ports: { from: 29877, to: 29877 } });
  });

  it('lists every allowing rule when ports are allowed by different rules', () => {
    const nsg = nsgOf([BATCH({ name: 'a', priority: 100, destinationPort: '29877' }), BATCH({ name: 'b', priority: 200, destinationPort: '29876' })]);
    expect(decision(evaluateNsg(nsg, inbound('BatchNodeManagement', 29876, 29877), WITH_DATA))).toBe('allow:a+b');
  });

  it('a deny on an unrelated port does not count', () => {
    const nsg = nsgOf([{ name: 'deny-ssh', priority: 100, access: 'Deny', destinationPort: '22' }, BATCH({ priority: 200 })]);
    expect(decision(evaluateNsg(nsg, inbound('BatchNodeManagement', 29876, 29877), WITH_DATA))).toBe('allow:batch');
  });

  it('an Allow restricted to some source ports does not count; a Deny restricted to source ports does', () => {
    const allowSome = nsgOf([BATCH({ sourcePort: '1024-65535' })]);
    expect(decision(evaluateNsg(allowSome, inbound('BatchNodeManagement', 29876, 29877), WITH_DATA))).toBe('deny:DenyAllInBound');
    const allowAll = nsgOf([BATCH({ sourcePort: '0-65535' })]);
    expect(decision(evaluateNsg(allowAll, inbound('BatchNodeManagement', 29876, 29877), WITH_DATA))).toBe('allow:batch');
    const denySome = nsgOf([{ name: 'deny', priority: 100, access: 'Deny', sourcePort: '1-10' }, BATCH({ priority: 200 })]);
    expect(decision(evaluateNsg(denySome, inbound('BatchNodeManagement', 29876, 29877), WITH_DATA))).toBe('deny:deny');
  });

  it.each([
    { from: 5, to: 4 },
    { from: -1, to: 4 },
    { from: 1, to: 70000 },
    { from: 1.5, to: 2 },
  ])('an invalid query range %j is unknown', (ports) => {
    expect(evaluateNsg(nsgOf([]), inbound('Storage', 1, 1, { ports }), WITH_DATA).decision).toBe('unknown');
  });
});

describe('service tag peers (inbound from T, region eastus)', () => {
  const cases: [string, string | string[], 'data' | 'none', string][] = [
    ['*', '*', 'none', 'allow'],
    ['Any', 'Any', 'none', 'allow'],
    ['Internet', 'Internet', 'none', 'allow'],
    ['T', 'BatchNodeManagement', 'none', 'allow'],
    ['T lowercase', 'batchnodemanagement', 'none', 'allow'],
    ['T.R', 'BatchNodeManagement.EastUS', 'none', 'allow'],
    ['T.R lowercase', 'batchnodemanagement.eastus', 'data', 'allow'],
    ['T of another region', 'BatchNodeManagement.WestUS', 'data', 'deny'],
    ['T of another region, no data', 'BatchNodeManagement.WestUS', 'none', 'deny'],
    ['VirtualNetwork', 'VirtualNetwork', 'data', 'deny'],
    ['AzureLoadBalancer', 'AzureLoadBalancer', 'data', 'deny'],
    ['another tag', 'Storage', 'data', 'deny'],
    ['another tag, no data', 'Storage', 'none', 'deny'],
    ['CIDRs covering T.R', ['20.41.0.0/24', '40.80.0.0/24'], 'data', 'allow'],
    ['one CIDR covering T.R', '0.0.0.0/0', 'data', 'allow'],
    ['halves covering T.R', ['20.41.0.0/25', '20.41.0.128/25', '40.80.0.0/16'], 'data', 'allow'],
    ['CIDRs covering part of T.R', '20.41.0.0/24', 'data', 'deny'],
    ['CIDRs, no data', ['20.41.0.0/24', '40.80.0.0/24'], 'none', 'unknown'],
    ['private CIDRs, no data', ['10.0.0.0/8', '192.168.0.0/16'], 'none', 'deny'],
    ['0.0.0.0/0, no data', '0.0.0.0/0', 'none', 'allow'],
    ['AzureCloud.R covering T.R with data', 'AzureCloud.eastus', 'data', 'allow'],
    ['AzureCloud, no data', 'AzureCloud', 'none', 'unknown'],
    ['AzureFrontDoor.Frontend', 'AzureFrontDoor.Frontend', 'data', 'deny'],
  ];
  it.each(cases)('Allow from %s (%j, %s data) → %s', (_label, source, data, expected) => {
    const verdict = evaluateNsg(nsgOf([BATCH({ source })]), inbound('BatchNodeManagement', 29876, 29877), data === 'data' ? WITH_DATA : NO_DATA);
    expect(verdict.decision).toBe(expected);
  });

  it('the parent tag covers a regional peer', () => {
    const nsg = nsgOf([{ name: 'storage', priority: 100, direction: 'Outbound', destination: 'Storage', destinationPort: '443' }, DENY_ALL_OUT]);
    expect(decision(evaluateNsg(nsg, outbound('Storage.EastUS', 443), NO_DATA))).toBe('allow:storage');
    expect(decision(evaluateNsg(nsg, outbound('Storage.EastUS', 443, { region: undefined }), WITH_DATA))).toBe('allow:storage');
  });

  it('T.R of the peer\'s own region matches the regional peer; another region does not', () => {
    const east = nsgOf([{ name: 'east', priority: 100, direction: 'Outbound', destination: 'Storage.EastUS' }, DENY_ALL_OUT]);
    expect(decision(evaluateNsg(east, outbound('Storage.EastUS', 443), NO_DATA))).toBe('allow:east');
    expect(decision(evaluateNsg(east, outbound('Storage.WestUS', 443), NO_DATA))).toBe('deny:deny-all-out');
    expect(decision(evaluateNsg(east, outbound('Storage', 443, { region: 'westus' }), NO_DATA))).toBe('deny:deny-all-out');
  });

  it('without a region, T.R is only a part of T', () => {
    const nsg = nsgOf([{ name: 'east', priority: 100, direction: 'Outbound', destination: 'Storage.EastUS' }, DENY_ALL_OUT]);
    expect(decision(evaluateNsg(nsg, outbound('Storage', 443, { region: undefined }), NO_DATA))).toBe('deny:deny-all-out');
    const denyEast = nsgOf([
      { name: 'deny-east', priority: 100, direction: 'Outbound', access: 'Deny', destination: 'Storage.EastUS' },
      { name: 'allow', priority: 200, direction: 'Outbound', destination: 'Storage' },
    ]);
    expect(decision(evaluateNsg(denyEast, outbound('Storage', 443, { region: undefined }), NO_DATA))).toBe('deny:deny-east');
  });

  it('AzureFrontDoor.Frontend is a tag of its own, not Frontend region of AzureFrontDoor', () => {
    const nsg = nsgOf([{ name: 'afd', priority: 100, direction: 'Outbound', destination: 'AzureFrontDoor.Frontend', destinationPort: '443' }, DENY_ALL_OUT]);
    for (const tags of [WITH_DATA, NO_DATA]) {
      expect(decision(evaluateNsg(nsg, outbound('AzureFrontDoor.Frontend', 443), tags))).toBe('allow:afd');
      expect(decision(evaluateNsg(nsg, outbound('AzureFrontDoor.Backend', 443), tags))).toBe('deny:deny-all-out');
    }
  });

  it('a tag without a regional entry in the data is compared as a whole (AzureActiveDirectory)', () => {
    const cover = nsgOf([{ name: 'aad', priority: 100, direction: 'Outbound', destination: ['20.190.128.0/18'] }, DENY_ALL_OUT]);
    expect(decision(evaluateNsg(cover, outbound('AzureActiveDirectory', 443), WITH_DATA))).toBe('allow:aad');
    const partial = nsgOf([{ name: 'aad', priority: 100, direction: 'Outbound', destination: ['20.190.128.0/19'] }, DENY_ALL_OUT]);
    expect(decision(evaluateNsg(partial, outbound('AzureActiveDirectory', 443), WITH_DATA))).toBe('deny:deny-all-out');
  });

  it('IPv6 prefixes of a tag matter only for IPv6 subnets', () => {
    const nsg = nsgOf([{ name: 'aml', priority: 100, direction: 'Outbound', destination: ['20.50.0.0/24'] }, DENY_ALL_OUT]);
    expect(decision(evaluateNsg(nsg, outbound('AzureMachineLearning', 443), WITH_DATA))).toBe('allow:aml');
    const dualStack = outbound('AzureMachineLearning', 443, { localPrefixes: [SUBNET, 'fd00:1::/64'] });
    expect(decision(evaluateNsg(nsg, dualStack, WITH_DATA))).toBe('deny:deny-all-out');
    const both = nsgOf([{ name: 'aml', priority: 100, direction: 'Outbound', destination: ['20.50.0.0/24', '2603:1030::/40'] }, DENY_ALL_OUT]);
    expect(decision(evaluateNsg(both, dualStack, WITH_DATA))).toBe('allow:aml');
  });

  it('a tag unknown to the data cannot be compared with CIDRs', () => {
    const nsg = nsgOf([{ name: 'c', priority: 100, direction: 'Outbound', destination: ['20.0.0.0/8'] }, DENY_ALL_OUT]);
    expect(evaluateNsg(nsg, outbound('MicrosoftContainerRegistry', 443), WITH_DATA)).toMatchObject({ decision: 'unknown', rule: { rule: 'c' } });
  });
});

const DENY_ALL_OUT: RuleSpec = { name: 'deny-all-out', priority: 4096, direction: 'Outbound', access: 'Deny', protocol: '*' };

describe('Deny rules count where they may match', () => {
  const allowStorage: RuleSpec = { name: 'allow-storage', priority: 200, direction: 'Outbound', destination: 'Storage.EastUS', destinationPort: '443' };
  const cases: [string, string | string[], 'data' | 'none', string][] = [
    ['*', '*', 'none', 'deny'],
    ['Internet', 'Internet', 'none', 'deny'],
    ['T', 'Storage', 'none', 'deny'],
    ['T.R', 'Storage.EastUS', 'none', 'deny'],
    ['T of another region', 'Storage.WestUS', 'none', 'allow'],
    ['AzureCloud', 'AzureCloud', 'none', 'deny'],
    ['AzureCloud.R', 'AzureCloud.EastUS', 'none', 'deny'],
    ['AzureCloud of another region', 'AzureCloud.WestUS', 'none', 'allow'],
    ['AzureCloud of another region, with data', 'AzureCloud.westus', 'data', 'allow'],
    ['AzureCloud.R with data', 'AzureCloud.eastus', 'data', 'deny'],
    ['another tag', 'Sql', 'none', 'allow'],
    ['another tag, with data, disjoint', 'Sql', 'data', 'allow'],
    ['VirtualNetwork', 'VirtualNetwork', 'none', 'allow'],
    ['overlapping CIDR with data', '20.38.98.128/25', 'data', 'deny'],
    ['disjoint CIDR with data', '20.38.99.0/24', 'data', 'allow'],
    ['public CIDR without data', '20.38.99.0/24', 'none', 'unknown'],
    ['private CIDR without data', '10.0.0.0/8', 'none', 'allow'],
  ];
  it.each(cases)('Deny to %s (%j, %s data) → %s', (_label, destination, data, expected) => {
    const nsg = nsgOf([{ name: 'deny', priority: 100, direction: 'Outbound', access: 'Deny', destination }, allowStorage, DENY_ALL_OUT]);
    expect(evaluateNsg(nsg, outbound('Storage', 443), data === 'data' ? WITH_DATA : NO_DATA).decision).toBe(expected);
  });
});

describe('generic Internet peer', () => {
  it.each([
    ['*', 'allow'],
    ['Any', 'allow'],
    ['Internet', 'allow'],
    ['0.0.0.0/0', 'allow'],
    ['::/0', 'allow'],
    [['0.0.0.0/1', '128.0.0.0/1'], 'allow'],
    ['203.0.113.0/24', 'deny'],
    [['1.0.0.0/8', '2.0.0.0/8'], 'deny'],
    ['AzureCloud', 'deny'],
    ['Storage', 'deny'],
    ['VirtualNetwork', 'deny'],
  ])('inbound SSH allowed from %j → %s', (source, expected) => {
    const nsg = nsgOf([{ name: 'ssh', priority: 100, source, destinationPort: '22' }]);
    expect(evaluateNsg(nsg, internetQuery('Inbound', 22), WITH_DATA).decision).toBe(expected);
  });

  it('a Deny naming a specific range does not match a generic address', () => {
    const nsg = nsgOf([{ name: 'deny-range', priority: 100, access: 'Deny', source: '198.51.100.0/24', destinationPort: '22' }, { name: 'ssh', priority: 200, destinationPort: '22' }]);
    expect(decision(evaluateNsg(nsg, internetQuery('Inbound', 22), NO_DATA))).toBe('allow:ssh');
  });
});

describe('the subnet (local) side', () => {
  it.each([
    ['*', 'allow'],
    ['VirtualNetwork', 'allow'],
    [SUBNET, 'allow'],
    ['10.0.0.0/16', 'allow'],
    [['10.0.1.0/25', '10.0.1.128/25'], 'allow'],
    ['10.0.1.0/25', 'deny'],
    ['10.0.2.0/24', 'deny'],
    ['Internet', 'deny'],
    ['AzureLoadBalancer', 'deny'],
  ])('Allow to %j → %s', (destination, expected) => {
    expect(evaluateNsg(nsgOf([BATCH({ destination })]), inbound('BatchNodeManagement', 29876, 29877), WITH_DATA).decision).toBe(expected);
  });

  it('an Allow must cover every subnet prefix', () => {
    const query = inbound('BatchNodeManagement', 29876, 29877, { localPrefixes: ['10.0.1.0/24', '10.9.0.0/24'] });
    expect(evaluateNsg(nsgOf([BATCH({ destination: '10.0.0.0/16' })]), query, WITH_DATA).decision).toBe('deny');
    expect(evaluateNsg(nsgOf([BATCH({ destination: ['10.0.0.0/16', '10.9.0.0/16'] })]), query, WITH_DATA).decision).toBe('allow');
  });

  it.each([
    ['overlapping part of the subnet', '10.0.1.0/28', 'deny'],
    ['another subnet', '10.0.2.0/24', 'allow'],
    ['VirtualNetwork', 'VirtualNetwork', 'deny'],
    ['Internet', 'Internet', 'allow'],
  ])('a Deny to %s → %s', (_label, destination, expected) => {
    const nsg = nsgOf([{ name: 'deny', priority: 100, access: 'Deny', destination }, BATCH({ priority: 200 })]);
    expect(evaluateNsg(nsg, inbound('BatchNodeManagement', 29876, 29877), WITH_DATA).decision).toBe(expected);
  });

  it('CIDR rules need the subnet prefixes', () => {
    const nsg = nsgOf([BATCH({ destination: '10.0.0.0/16' })]);
    expect(evaluateNsg(nsg, inbound('BatchNodeManagement', 29876, 29877, { localPrefixes: [] }), WITH_DATA).decision).toBe('unknown');
    expect(evaluateNsg(nsg, inbound('BatchNodeManagement', 29876, 29877, { localPrefixes: ['garbage'] }), WITH_DATA).decision).toBe('unknown');
    // '*' needs none.
    expect(evaluateNsg(nsgOf([BATCH()]), inbound('BatchNodeManagement', 29876, 29877, { localPrefixes: [] }), WITH_DATA).decision).toBe('allow');
  });

  it('handles IPv6 subnets', () => {
    const nsg = nsgOf([BATCH({ destination: 'fd00:1::/48' })]);
    expect(evaluateNsg(nsg, inbound('BatchNodeManagement', 29876, 29877, { localPrefixes: ['fd00:1:0:5::/64'] }), WITH_DATA).decision).toBe('allow');
    expect(evaluateNsg(nsg, inbound('BatchNodeManagement', 29876, 29877, { localPrefixes: ['fd00:2::/64'] }), WITH_DATA).decision).toBe('deny');
  });
});

describe('application security groups', () => {
  it('an ASG on the subnet side makes the verdict unknown when it would decide', () => {
    const allow = nsgOf([BATCH({ destinationAsgs: ['/asg/compute'] })]);
    const verdict = evaluateNsg(allow, inbound('BatchNodeManagement', 29876, 29877), WITH_DATA);
    expect(verdict).toMatchObject({ decision: 'unknown', rule: { rule: 'batch', priority: 100 } });
    expect(verdict.decision === 'unknown' && verdict.reason).toMatch(/application security group/);
    const deny = nsgOf([{ name: 'deny-asg', priority: 100, access: 'Deny', destinationAsgs: ['/asg/x'] }, BATCH({ priority: 200 })]);
    expect(evaluateNsg(deny, inbound('BatchNodeManagement', 29876, 29877), WITH_DATA)).toMatchObject({ decision: 'unknown', rule: { rule: 'deny-asg' } });
  });

  it('an uncertain Allow followed by a sure Allow is an allow; followed by a Deny it is unknown', () => {
    const thenAllow = nsgOf([BATCH({ name: 'asg', destinationAsgs: ['/asg/compute'] }), BATCH({ name: 'all', priority: 200 })]);
    expect(decision(evaluateNsg(thenAllow, inbound('BatchNodeManagement', 29876, 29877), WITH_DATA))).toBe('allow:all');
    const thenDeny = nsgOf([BATCH({ name: 'asg', destinationAsgs: ['/asg/compute'] })]);
    expect(evaluateNsg(thenDeny, inbound('BatchNodeManagement', 29876, 29877), WITH_DATA).decision).toBe('unknown');
  });

  it('an uncertain Deny followed by a sure Deny is a deny', () => {
    const nsg = nsgOf([{ name: 'deny-asg', priority: 100, access: 'Deny', destinationAsgs: ['/asg/x'] }, { name: 'deny', priority: 200, access: 'Deny' }]);
    expect(decision(evaluateNsg(nsg, inbound('BatchNodeManagement', 29876, 29877), WITH_DATA))).toBe('deny:deny');
  });

  it('an ASG on the peer side never holds a service tag or an Internet address', () => {
    const nsg = nsgOf([{ name: 'deny-asg', priority: 100, access: 'Deny', sourceAsgs: ['/asg/x'] }, BATCH({ priority: 200 })]);
    expect(decision(evaluateNsg(nsg, inbound('BatchNodeManagement', 29876, 29877), WITH_DATA))).toBe('allow:batch');
  });

  it('an ASG rule on other ports does not matter', () => {
    const nsg = nsgOf([{ name: 'asg', priority: 100, access: 'Deny', destinationAsgs: ['/asg/x'], destinationPort: '22' }, BATCH({ priority: 200 })]);
    expect(decision(evaluateNsg(nsg, inbound('BatchNodeManagement', 29876, 29877), WITH_DATA))).toBe('allow:batch');
  });
});

describe('malformed rules', () => {
  it('a skipped rule before the deciding rule makes the verdict unknown', () => {
    const nsg = parseNsg('/n', 'n', {
      securityRules: [
        { name: 'broken', properties: { priority: 100, direction: 'Inbound', access: 'Deny', protocol: 'Tcp', destinationPortRange: 'ssh' } },
        armRule(BATCH({ priority: 200, name: 'batch' })),
      ],
    });
    const verdict = evaluateNsg(nsg, inbound('BatchNodeManagement', 29876, 29877), WITH_DATA);
    expect(verdict).toMatchObject({ decision: 'unknown', rule: { rule: 'broken', priority: 100 } });
  });

  it('a skipped rule after the deciding rule does not matter; one in the other direction neither', () => {
    const nsg = parseNsg('/n', 'n', {
      securityRules: [
        armRule(BATCH({ priority: 100, name: 'batch' })),
        { name: 'broken', properties: { priority: 300, direction: 'Inbound', access: 'Deny', protocol: 'Tcp' } },
        { name: 'broken-out', properties: { priority: 50, direction: 'Outbound', access: 'Deny', protocol: 'Gre' } },
      ],
    });
    expect(decision(evaluateNsg(nsg, inbound('BatchNodeManagement', 29876, 29877), WITH_DATA))).toBe('allow:batch');
  });

  it('a skipped Deny before a deny is still a deny; a rule without priority taints everything', () => {
    const skippedDeny = parseNsg('/n', 'n', {
      securityRules: [{ name: 'broken', properties: { priority: 100, direction: 'Inbound', access: 'Deny', protocol: 'Tcp' } }],
    });
    expect(decision(evaluateNsg(skippedDeny, inbound('BatchNodeManagement', 29876, 29877), WITH_DATA))).toBe('deny:DenyAllInBound');
    const noPriority = parseNsg('/n', 'n', { securityRules: [{ name: 'broken', properties: { direction: 'Inbound' } }, armRule(BATCH({ priority: 200 }))] });
    expect(evaluateNsg(noPriority, inbound('BatchNodeManagement', 29876, 29877), WITH_DATA).decision).toBe('unknown');
  });

  it('a hand-made ParsedNsg with problems but no skippedRules is judged unknown', () => {
    const nsg = { ...nsgOf([BATCH()]), problems: ['something was skipped'], skippedRules: undefined };
    expect(evaluateNsg(nsg, inbound('BatchNodeManagement', 29876, 29877), WITH_DATA).decision).toBe('unknown');
  });
});

describe('evaluatePath', () => {
  const subnetNsg = nsgOf([BATCH({ name: 'subnet-allow' })], 'subnet-nsg');
  const nicAllow = nsgOf([BATCH({ name: 'nic-allow' })], 'nic-nsg');
  const nicDeny = nsgOf([], 'nic-nsg');
  const asg = nsgOf([BATCH({ name: 'asg', destinationAsgs: ['/asg/a'] })], 'asg-nsg');

  it('allows when every NSG allows, listing each deciding rule', () => {
    const verdict = evaluatePath([subnetNsg, nicAllow], inbound('BatchNodeManagement', 29876, 29877), WITH_DATA);
    expect(verdict.decision === 'allow' && verdict.decidedBy.map((ref) => `${ref.nsgName}/${ref.rule}`)).toEqual(['subnet-nsg/subnet-allow', 'nic-nsg/nic-allow']);
  });

  it('the first deny decides, even after an unknown', () => {
    expect(decision(evaluatePath([subnetNsg, nicDeny], inbound('BatchNodeManagement', 29876, 29877), WITH_DATA))).toBe('deny:DenyAllInBound');
    const verdict = evaluatePath([asg, nicDeny], inbound('BatchNodeManagement', 29876, 29877), WITH_DATA);
    expect(verdict).toMatchObject({ decision: 'deny', decidedBy: { nsgName: 'nic-nsg' } });
  });

  it('is unknown when one is unknown and none denies', () => {
    expect(evaluatePath([subnetNsg, asg], inbound('BatchNodeManagement', 29876, 29877), WITH_DATA).decision).toBe('unknown');
  });

  it('an empty path filters nothing', () => {
    expect(evaluatePath([], inbound('BatchNodeManagement', 29876, 29877), WITH_DATA)).toEqual({ decision: 'allow', decidedBy: [] });
  });
});

describe('outboundRestriction', () => {
  it.each([
    ['defaults only', [], 'open'],
    ['deny Internet', [{ name: 'deny-internet', priority: 4000, direction: 'Outbound', access: 'Deny', destination: 'Internet' }], 'restricted'],
    ['deny all', [DENY_ALL_OUT], 'restricted'],
    ['deny 443 only', [{ name: 'deny-443', priority: 4000, direction: 'Outbound', access: 'Deny', destinationPort: '443' }], 'restricted'],
    ['deny 80 only', [{ name: 'deny-80', priority: 4000, direction: 'Outbound', access: 'Deny', destinationPort: '80' }], 'open'],
    ['deny a specific range', [{ name: 'deny-r', priority: 4000, direction: 'Outbound', access: 'Deny', destination: '203.0.113.0/24' }], 'open'],
    ['deny Storage only', [{ name: 'deny-s', priority: 4000, direction: 'Outbound', access: 'Deny', destination: 'Storage' }], 'open'],
    ['deny from an ASG', [{ name: 'asg', priority: 4000, direction: 'Outbound', access: 'Deny', sourceAsgs: ['/asg/a'] }], 'unknown'],
    [
      'allow Internet before deny all',
      [{ name: 'allow', priority: 100, direction: 'Outbound', destination: 'Internet' }, DENY_ALL_OUT],
      'open',
    ],
  ] as [string, RuleSpec[], string][])('%s → %s', (_label, rules, expected) => {
    const result = outboundRestriction([nsgOf(rules)], [SUBNET], NO_DATA, 'eastus');
    expect(result.state).toBe(expected);
    if (result.state === 'restricted') expect(result.decidedBy.access).toBe('Deny');
    if (result.state === 'unknown') expect(result.reason).not.toBe('');
  });

  it('considers every NSG of the path', () => {
    expect(outboundRestriction([nsgOf([]), nsgOf([DENY_ALL_OUT], 'nic')], [SUBNET], undefined, 'eastus')).toMatchObject({
      state: 'restricted',
      decidedBy: { nsgName: 'nic', rule: 'deny-all-out' },
    });
  });
});

describe('hostile queries and NSGs never throw', () => {
  it.each([
    null,
    {},
    { direction: 'Up' },
    { ...inbound('Storage', 443), protocol: 'Icmp' },
    { ...inbound('Storage', 443), peer: { kind: 'service-tag', tag: 'x'.repeat(10_000) } },
    { ...inbound('Storage', 443), peer: { kind: 'other' } },
    { ...inbound('Storage', 443), peer: null },
    { ...inbound('Storage', 443), localPrefixes: null },
    { ...inbound('Storage', 443), ports: null },
  ])('query %#', (query) => {
    expect(() => evaluateNsg(nsgOf([BATCH()]), query as never, WITH_DATA)).not.toThrow();
    expect(evaluateNsg(nsgOf([BATCH()]), query as never, WITH_DATA).decision).toMatch(/unknown|allow|deny/);
  });

  it.each([null, undefined, 5, { inbound: 'x', outbound: null }, { inbound: [null, 5], outbound: [], problems: [] }])('nsg %#', (nsg) => {
    expect(() => evaluatePath([nsg as never], inbound('Storage', 443), WITH_DATA)).not.toThrow();
  });

  it('tolerates tags of no data at all', () => {
    expect(evaluateNsg(nsgOf([BATCH()]), inbound('BatchNodeManagement', 29876, 29877), undefined).decision).toBe('allow');
  });
});

describe('rules naming several tags', () => {
  it('judges each peer with the tags that concern it (no answer leaks from one peer to another)', () => {
    const nsg = nsgOf([
      { name: 'allow-mixed', priority: 100, direction: 'Outbound', destination: ['Storage.WestUS', 'AzureCloud.eastus'] },
      DENY_ALL_OUT,
    ]);
    // For Storage (eastus) the WestUS entry is another region; AzureCloud.eastus covers Storage.EastUS by data.
    expect(decision(evaluateNsg(nsg, outbound('Storage', 443), WITH_DATA))).toBe('allow:allow-mixed');
    // For BatchNodeManagement both entries are compared by data: AzureCloud.eastus covers it too.
    expect(decision(evaluateNsg(nsg, outbound('BatchNodeManagement', 443), WITH_DATA))).toBe('allow:allow-mixed');
    // AzureActiveDirectory is in neither.
    expect(decision(evaluateNsg(nsg, outbound('AzureActiveDirectory', 443), WITH_DATA))).toBe('deny:deny-all-out');
    // Sql is in neither either, whatever was judged before.
    expect(decision(evaluateNsg(nsg, outbound('Sql', 443), WITH_DATA))).toBe('deny:deny-all-out');
  });

  it('a data tag on the subnet side covering the subnet counts', () => {
    const tags = buildServiceTagIndex([...TAGS, { name: 'MyRange', properties: { region: '', addressPrefixes: ['10.0.0.0/16'] } }]);
    const nsg = nsgOf([BATCH({ destination: 'MyRange' })]);
    expect(decision(evaluateNsg(nsg, inbound('BatchNodeManagement', 29876, 29877), tags))).toBe('allow:batch');
    // Without data: service tags hold public addresses only, so a private subnet is not in it…
    expect(evaluateNsg(nsg, inbound('BatchNodeManagement', 29876, 29877), NO_DATA).decision).toBe('deny');
    // …but a subnet in public address space might be.
    expect(evaluateNsg(nsg, inbound('BatchNodeManagement', 29876, 29877, { localPrefixes: ['20.1.0.0/24'] }), NO_DATA).decision).toBe('unknown');
  });
});

describe('more spellings and edge cases', () => {
  it('accepts the region as Azure writes it for resources ("East US") and for tags ("eastus")', () => {
    const nsg = nsgOf([BATCH({ source: 'BatchNodeManagement.EastUS' })]);
    for (const region of ['East US', 'eastus', 'EASTUS']) {
      expect(decision(evaluateNsg(nsg, inbound('BatchNodeManagement', 29876, 29877, { region }), NO_DATA))).toBe('allow:batch');
    }
    expect(decision(evaluateNsg(nsg, inbound('BatchNodeManagement', 29876, 29877, { region: 'East US 2' }), NO_DATA))).toBe('deny:DenyAllInBound');
  });

  it('AzureFrontDoor.FirstParty and .Backend are tags of their own without data too', () => {
    const nsg = nsgOf([{ name: 'fp', priority: 100, direction: 'Outbound', destination: 'AzureFrontDoor.FirstParty' }, DENY_ALL_OUT]);
    expect(decision(evaluateNsg(nsg, outbound('AzureFrontDoor.FirstParty', 443), NO_DATA))).toBe('allow:fp');
    expect(decision(evaluateNsg(nsg, outbound('AzureFrontDoor.Frontend', 443), NO_DATA))).toBe('deny:deny-all-out');
  });

  it('a Deny on subnet CIDRs is unknown when the subnet prefixes are unknown', () => {
    const nsg = nsgOf([{ name: 'deny-part', priority: 100, access: 'Deny', destination: '10.0.1.0/28' }, BATCH({ priority: 200 })]);
    expect(evaluateNsg(nsg, inbound('BatchNodeManagement', 29876, 29877, { localPrefixes: [] }), WITH_DATA)).toMatchObject({
      decision: 'unknown',
      rule: { rule: 'deny-part' },
    });
  });

  it('the deny verdict names the NSG and whether the rule is a default one', () => {
    const verdict = evaluateNsg(nsgOf([{ name: 'custom-deny', priority: 150, access: 'Deny' }], 'my-nsg'), inbound('Storage', 443), WITH_DATA);
    expect(verdict).toMatchObject({ decision: 'deny', decidedBy: { nsgName: 'my-nsg', rule: 'custom-deny', priority: 150, access: 'Deny', isDefault: false } });
  });
});
