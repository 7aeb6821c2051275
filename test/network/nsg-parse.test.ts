import { describe, expect, it } from 'vitest';
import { parseNsg } from '../../src/network';
import { armRule } from './fixtures';

const STANDARD = {
  inbound: ['AllowVnetInBound:65000', 'AllowAzureLoadBalancerInBound:65001', 'DenyAllInBound:65500'],
  outbound: ['AllowVnetOutBound:65000', 'AllowInternetOutBound:65001', 'DenyAllOutBound:65500'],
};

function names(rules: readonly { name: string; priority: number }[]): string[] {
  return rules.map((rule) => `${rule.name}:${rule.priority}`);
}

describe('parseNsg', () => {
  it('adds Azure\'s six default rules when defaultSecurityRules is absent', () => {
    const nsg = parseNsg('/id', 'n', { securityRules: [] });
    expect(names(nsg.inbound)).toEqual(STANDARD.inbound);
    expect(names(nsg.outbound)).toEqual(STANDARD.outbound);
    expect(nsg.inbound.every((rule) => rule.isDefault)).toBe(true);
    expect(nsg.problems).toEqual([]);
    const internet = nsg.outbound.find((rule) => rule.name === 'AllowInternetOutBound');
    expect(internet).toMatchObject({ access: 'Allow', sourceAddresses: ['*'], destinationAddresses: ['Internet'], protocol: '*' });
    const lb = nsg.inbound.find((rule) => rule.name === 'AllowAzureLoadBalancerInBound');
    expect(lb).toMatchObject({ sourceAddresses: ['AzureLoadBalancer'], destinationAddresses: ['*'] });
  });

  it('reads defaultSecurityRules when present instead of the built-in six', () => {
    const nsg = parseNsg('/id', 'n', {
      securityRules: [],
      defaultSecurityRules: [armRule({ name: 'DenyAllInBound', priority: 65500, access: 'Deny', protocol: '*' })],
    });
    expect(names(nsg.inbound)).toEqual(['DenyAllInBound:65500']);
    expect(nsg.inbound[0]?.isDefault).toBe(true);
    expect(nsg.outbound).toEqual([]);
  });

  it('sorts each direction by priority and merges singular and plural fields', () => {
    const nsg = parseNsg('/id', 'n', {
      securityRules: [
        armRule({ name: 'b', priority: 300, source: ['10.0.0.0/8', '192.168.0.0/16'], destinationPort: ['80', '443-444'] }),
        armRule({ name: 'a', priority: 100, source: 'Internet', destinationPort: '22' }),
        armRule({ name: 'o', priority: 200, direction: 'Outbound', destination: 'Storage.EastUS' }),
      ],
    });
    expect(names(nsg.inbound)).toEqual(['a:100', 'b:300', ...STANDARD.inbound]);
    expect(names(nsg.outbound)).toEqual(['o:200', ...STANDARD.outbound]);
    expect(nsg.inbound[1]).toMatchObject({ sourceAddresses: ['10.0.0.0/8', '192.168.0.0/16'], destinationPorts: ['80', '443-444'], isDefault: false });
  });

  it('accepts the flattened shape and case-insensitive enums', () => {
    const nsg = parseNsg('/id', 'n', {
      securityRules: [
        {
          name: 'flat',
          priority: 100,
          direction: 'inbound',
          access: 'ALLOW',
          protocol: 'tcp',
          sourceAddressPrefix: '*',
          destinationAddressPrefix: '*',
          sourcePortRange: '*',
          destinationPortRange: '22',
        },
      ],
    });
    expect(nsg.problems).toEqual([]);
    expect(nsg.inbound[0]).toMatchObject({ name: 'flat', direction: 'Inbound', access: 'Allow' });
  });

  it('reads application security groups', () => {
    const nsg = parseNsg('/id', 'n', {
      securityRules: [armRule({ priority: 100, destinationAsgs: ['/asg/web'], sourceAsgs: ['/asg/x'] })],
    });
    expect(nsg.inbound[0]).toMatchObject({ sourceAsgIds: ['/asg/x'], destinationAsgIds: ['/asg/web'], sourceAddresses: [], destinationAddresses: [] });
  });

  const bad = (overrides: Record<string, unknown>): Record<string, unknown> => {
    const rule = armRule({ name: 'bad', priority: 150 });
    return { ...rule, properties: { ...(rule.properties as object), ...overrides } };
  };

  it.each([
    ['no priority', { priority: undefined }],
    ['priority as text', { priority: '100' }],
    ['fractional priority', { priority: 100.5 }],
    ['bad direction', { direction: 'Sideways' }],
    ['bad access', { access: 'Maybe' }],
    ['bad protocol', { protocol: 'Gre' }],
    ['protocol of wrong type', { protocol: 6 }],
    ['prefixes not an array', { sourceAddressPrefixes: '10.0.0.0/8', sourceAddressPrefix: '' }],
    ['prefix of wrong type', { sourceAddressPrefix: 12 }],
    ['no source at all', { sourceAddressPrefix: '', sourceAddressPrefixes: [] }],
    ['bad port', { destinationPortRange: '22-21' }],
    ['port too high', { destinationPortRange: '70000' }],
    ['port words', { destinationPortRange: 'ssh' }],
    ['no destination port', { destinationPortRange: undefined, destinationPortRanges: undefined }],
    ['hostile address', { destinationAddressPrefix: `10.0.0.0/8;${'x'.repeat(10_000)}` }],
    ['asg without id', { sourceApplicationSecurityGroups: [{}], sourceAddressPrefix: '' }],
  ])('skips a rule with %s and records it', (_label, overrides) => {
    const nsg = parseNsg('/id', 'n', { securityRules: [bad(overrides)] });
    expect(nsg.inbound.map((rule) => rule.name)).not.toContain('bad');
    expect(nsg.problems).toHaveLength(1);
    expect(nsg.problems[0]).toContain('securityRules[0]');
    expect(nsg.problems[0]?.length).toBeLessThan(400);
    expect(nsg.skippedRules).toHaveLength(1);
  });

  it('keeps what it could read of a skipped rule', () => {
    const nsg = parseNsg('/id', 'n', { securityRules: [bad({ destinationPortRange: 'ssh' })] });
    expect(nsg.skippedRules?.[0]).toMatchObject({ name: 'bad', priority: 150, direction: 'Inbound', access: 'Allow' });
  });

  it.each([null, undefined, 5, 'text', [], [1, 2], { securityRules: 'no' }, { securityRules: [null, 7, 'x', []] }, { defaultSecurityRules: {} }])(
    'never throws on %j',
    (properties) => {
      const nsg = parseNsg('/id', 'n', properties);
      expect(Array.isArray(nsg.inbound)).toBe(true);
      expect(Array.isArray(nsg.problems)).toBe(true);
    },
  );

  it('survives a 10k-character name and many rules', () => {
    const rules = Array.from({ length: 500 }, (_, index) => armRule({ name: `r${index}`, priority: 100 + index }));
    rules.push({ name: 'x'.repeat(10_000), properties: { priority: 4000 } });
    const nsg = parseNsg('/id', 'x'.repeat(10_000), { securityRules: rules });
    expect(nsg.inbound).toHaveLength(503);
    expect(nsg.problems).toHaveLength(1);
    expect(nsg.problems[0]?.length).toBeLessThan(400);
  });

  it('never throws on non-string id or name', () => {
    expect(() => parseNsg(undefined as unknown as string, null as unknown as string, {})).not.toThrow();
  });
});
