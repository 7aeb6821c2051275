import { describe, expect, it } from 'vitest';
import {
  cidrContains,
  cidrsOverlap,
  firstHostAddressOf,
  ipInCidr,
  isIpAddress,
  networkAddressOf,
  parseCidr,
  sameIpAddress,
  usableAddressCount,
} from '../../src/network';

describe('parseCidr', () => {
  it.each([
    ['10.0.0.0/24', 'IPv4', 24, '10.0.0.0', '10.0.0.0/24', true, false],
    ['10.0.0.5/24', 'IPv4', 24, '10.0.0.0', '10.0.0.0/24', false, false],
    ['10.0.0.5', 'IPv4', 32, '10.0.0.5', '10.0.0.5/32', true, true],
    ['0.0.0.0/0', 'IPv4', 0, '0.0.0.0', '0.0.0.0/0', true, false],
    [' 192.168.1.0/24 ', 'IPv4', 24, '192.168.1.0', '192.168.1.0/24', true, false],
    ['2001:db8::/32', 'IPv6', 32, '2001:db8::', '2001:db8::/32', true, false],
    ['2001:DB8::5/64', 'IPv6', 64, '2001:db8::', '2001:db8::/64', false, false],
    ['::/0', 'IPv6', 0, '::', '::/0', true, false],
    ['::1', 'IPv6', 128, '::1', '::1/128', true, true],
    ['fd00:1:0:0:0:0:0:2', 'IPv6', 128, 'fd00:1::2', 'fd00:1::2/128', true, true],
  ] as const)('%s', (text, family, length, network, cidr, canonical, single) => {
    const parsed = parseCidr(text);
    expect(parsed).toMatchObject({ family, prefixLength: length, networkAddress: network, cidr, isCanonical: canonical, isSingleAddress: single });
  });

  it.each([
    '', ' ', '10.0.0.0/33', '10.0.0/24', '256.0.0.0/8', '010.0.0.1', '10.0.0.0/', '10.0.0.0/-1', '10.0.0.0/8/8',
    '2001:db8::/129', '1::2::3', 'fe80::1%eth0', 'Storage', '*', 'Internet', '10.0.0.0 /24', '10.0.0.0-10.0.0.255',
    '1.2.3.4.5', 'x'.repeat(10_000), `${'1.'.repeat(5000)}1`,
  ])('rejects %j', (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });

  it('never throws on non-strings', () => {
    for (const value of [null, undefined, 5, {}, [], true]) {
      expect(parseCidr(value as string)).toBeUndefined();
      expect(isIpAddress(value as string)).toBe(false);
      expect(cidrsOverlap(value as string, '10.0.0.0/8')).toBeUndefined();
    }
  });

  it('JSON-serialises (no bigint leaks into evidence)', () => {
    expect(() => JSON.stringify(parseCidr('2001:db8::/32'))).not.toThrow();
  });
});

describe('isIpAddress', () => {
  it.each([
    ['10.1.2.3', true],
    ['2001:db8::1', true],
    ['10.1.2.3/32', false],
    ['10.1.2.0/24', false],
    ['nonsense', false],
  ])('%s → %s', (text, expected) => expect(isIpAddress(text)).toBe(expected));
});

describe('cidrsOverlap', () => {
  it.each([
    ['10.0.0.0/16', '10.0.1.0/24', true],
    ['10.0.1.0/24', '10.0.0.0/16', true],
    ['10.0.0.0/24', '10.0.0.0/24', true],
    ['10.0.0.0/25', '10.0.0.128/25', false],
    ['10.0.0.0/24', '10.0.1.0/24', false],
    ['10.0.0.5/24', '10.0.0.200/32', true],
    ['10.0.0.0/8', '11.0.0.0/8', false],
    ['0.0.0.0/0', '203.0.113.9', true],
    ['2001:db8::/32', '2001:db8:1::/48', true],
    ['2001:db8::/32', '2001:db9::/32', false],
    ['10.0.0.0/8', '::/0', false],
    ['10.0.0.0/8', 'bad', undefined],
    ['bad', '10.0.0.0/8', undefined],
  ])('%s ∩ %s → %s', (a, b, expected) => expect(cidrsOverlap(a, b)).toBe(expected));
});

describe('cidrContains / ipInCidr', () => {
  it.each([
    ['10.0.0.0/16', '10.0.1.0/24', true],
    ['10.0.1.0/24', '10.0.0.0/16', false],
    ['10.0.0.0/24', '10.0.0.0/24', true],
    ['10.0.0.0/24', '10.0.0.255', true],
    ['10.0.0.0/24', '10.0.1.0', false],
    ['10.0.0.9/24', '10.0.0.0/25', true],
    ['2001:db8::/32', '2001:db8:ffff::1', true],
    ['::/0', '10.0.0.1', false],
    ['10.0.0.0/8', 'x', undefined],
  ])('%s ⊇ %s → %s', (outer, inner, expected) => expect(cidrContains(outer, inner)).toBe(expected));

  it.each([
    ['10.0.0.10', '10.0.0.0/24', true],
    ['10.0.1.10', '10.0.0.0/24', false],
    ['10.0.0.0/28', '10.0.0.0/24', undefined],
    ['10.0.0.10', 'nope', undefined],
    ['2001:db8::a', '2001:db8::/64', true],
  ])('%s in %s → %s', (ip, cidr, expected) => expect(ipInCidr(ip, cidr)).toBe(expected));
});

describe('network and first host address', () => {
  it.each([
    ['10.0.0.0/16', '10.0.0.0', '10.0.0.1'],
    ['10.0.5.7/16', '10.0.0.0', '10.0.0.1'],
    ['192.168.1.0/31', '192.168.1.0', '192.168.1.1'],
    ['192.168.1.4/32', '192.168.1.4', undefined],
    ['2001:db8::/64', '2001:db8::', '2001:db8::1'],
    ['nope', undefined, undefined],
  ])('%s → %s, %s', (cidr, network, first) => {
    expect(networkAddressOf(cidr)).toBe(network);
    expect(firstHostAddressOf(cidr)).toBe(first);
  });

  it('compares single addresses whatever their spelling', () => {
    expect(sameIpAddress('2001:db8::1', '2001:DB8:0:0:0:0:0:1')).toBe(true);
    expect(sameIpAddress('10.0.0.1', '10.0.0.2')).toBe(false);
    expect(sameIpAddress('10.0.0.1', '::ffff:10.0.0.1')).toBe(false);
    expect(sameIpAddress('10.0.0.0/24', '10.0.0.0')).toBeUndefined();
  });
});

describe('usableAddressCount', () => {
  it.each([
    [['10.0.0.0/24'], 251],
    [['10.0.0.0/29'], 3],
    [['10.0.0.0/16'], 65531],
    [['10.0.0.0/24', '10.0.1.0/26'], 251 + 59],
    [['10.0.0.7/24'], 251],
    [['10.0.0.0/24', '2001:db8::/64'], 251],
    [['10.0.0.0/24', 'garbage'], 251],
    [['10.0.0.0/30'], 0],
    [['10.0.0.0/32'], 0],
    [['2001:db8::/64'], undefined],
    [[], undefined],
    [['garbage'], undefined],
  ])('%j → %s', (prefixes, expected) => expect(usableAddressCount(prefixes)).toBe(expected));

  it('tolerates a non-array', () => {
    expect(usableAddressCount(null as unknown as string[])).toBeUndefined();
  });
});
