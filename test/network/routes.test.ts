import { describe, expect, it } from 'vitest';
import { buildServiceTagIndex, forcedTunnelRoute, parseRouteTable, prefixesNotRoutedToInternet, routeFor } from '../../src/network';
import type { ParsedRouteTable, RouteDecision } from '../../src/network';
import { TAGS } from './fixtures';

const WITH_DATA = buildServiceTagIndex(TAGS);
const NO_DATA = buildServiceTagIndex(undefined);

type RouteSpec = [name: string, prefix: string, hop: string, ip?: string];

function table(...routes: RouteSpec[]): ParsedRouteTable {
  return parseRouteTable('/rt', 'rt', {
    routes: routes.map(([name, addressPrefix, nextHopType, nextHopIpAddress]) => ({
      name,
      properties: { addressPrefix, nextHopType, ...(nextHopIpAddress ? { nextHopIpAddress } : {}) },
    })),
  });
}

function chosen(decision: RouteDecision): string {
  return decision.decision === 'route' ? `${decision.route.name}${decision.isSystemDefault ? ' (system)' : ''}` : 'unknown';
}

const FORCED: RouteSpec = ['to-firewall', '0.0.0.0/0', 'VirtualAppliance', '10.0.0.4'];

describe('parseRouteTable', () => {
  it('reads nested and flattened routes', () => {
    const rt = parseRouteTable('/rt', 'rt', {
      routes: [
        { name: 'a', properties: { addressPrefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIpAddress: '10.0.0.4' } },
        { name: 'b', addressPrefix: 'BatchNodeManagement.EastUS', nextHopType: 'Internet' },
      ],
    });
    expect(rt.problems).toEqual([]);
    expect(rt.routes).toEqual([
      { name: 'a', addressPrefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIpAddress: '10.0.0.4' },
      { name: 'b', addressPrefix: 'BatchNodeManagement.EastUS', nextHopType: 'Internet' },
    ]);
  });

  it.each([
    ['no prefix', { name: 'x', properties: { nextHopType: 'Internet' } }],
    ['bad prefix', { name: 'x', properties: { addressPrefix: '10.0.0.0/99', nextHopType: 'Internet' } }],
    ['hostile prefix', { name: 'x', properties: { addressPrefix: 'y'.repeat(10_000), nextHopType: 'Internet' } }],
    ['bad next hop', { name: 'x', properties: { addressPrefix: '10.0.0.0/8', nextHopType: 'Teleport' } }],
    ['next hop of wrong type', { name: 'x', properties: { addressPrefix: '10.0.0.0/8', nextHopType: 3 } }],
    ['no name', { properties: { addressPrefix: '10.0.0.0/8', nextHopType: 'Internet' } }],
    ['not an object', 'route'],
  ])('skips a route with %s', (_label, route) => {
    const rt = parseRouteTable('/rt', 'rt', { routes: [route] });
    expect(rt.routes).toEqual([]);
    expect(rt.problems).toHaveLength(1);
    expect(rt.problems[0]?.length).toBeLessThan(300);
  });

  it.each([null, undefined, 5, [], { routes: 'x' }, { routes: [null] }])('never throws on %j', (properties) => {
    expect(() => parseRouteTable('/rt', 'rt', properties)).not.toThrow();
  });
});

describe('forcedTunnelRoute', () => {
  it.each([
    [[FORCED], 'to-firewall'],
    [[['gw', '0.0.0.0/0', 'VirtualNetworkGateway']] as RouteSpec[], 'gw'],
    [[['drop', '0.0.0.0/0', 'None']] as RouteSpec[], 'drop'],
    [[['internet', '0.0.0.0/0', 'Internet']] as RouteSpec[], undefined],
    [[['internet', '0.0.0.0/0', 'internet']] as RouteSpec[], undefined],
    [[['half', '0.0.0.0/1', 'VirtualAppliance', '10.0.0.4']] as RouteSpec[], undefined],
    [[['v6', '::/0', 'VirtualAppliance', 'fd00::4']] as RouteSpec[], undefined],
    [[], undefined],
  ])('%j → %s', (routes, expected) => {
    expect(forcedTunnelRoute(table(...(routes)))?.name).toBe(expected);
  });

  it('tolerates undefined', () => expect(forcedTunnelRoute(undefined)).toBeUndefined());
});

describe('routeFor', () => {
  it('falls back to the system default', () => {
    expect(chosen(routeFor(table(), '20.41.0.0/24', NO_DATA, 'eastus'))).toBe('system default route (system)');
    expect(chosen(routeFor(undefined, '20.41.0.0/24', NO_DATA, 'eastus'))).toBe('system default route (system)');
    expect(chosen(routeFor(table(), '2603:1030::/48', NO_DATA, 'eastus'))).toBe('system default route (system)');
  });

  it('a user 0.0.0.0/0 beats the system default', () => {
    expect(chosen(routeFor(table(FORCED), '20.41.0.0/24', NO_DATA, 'eastus'))).toBe('to-firewall');
  });

  it('picks the longest prefix containing the whole destination', () => {
    const rt = table(FORCED, ['wide', '20.0.0.0/8', 'Internet'], ['narrow', '20.41.0.0/16', 'VirtualNetworkGateway'], ['other', '20.42.0.0/16', 'None']);
    expect(chosen(routeFor(rt, '20.41.0.0/24', NO_DATA, 'eastus'))).toBe('narrow');
    expect(chosen(routeFor(rt, '20.43.1.0/24', NO_DATA, 'eastus'))).toBe('wide');
    expect(chosen(routeFor(rt, '20.41.0.7', NO_DATA, 'eastus'))).toBe('narrow');
    expect(chosen(routeFor(rt, '20.41.0.0/15', NO_DATA, 'eastus'))).toBe('unknown');
  });

  it('judges a destination split by a more specific route', () => {
    const sameHop = table(FORCED, ['part', '20.41.0.0/25', 'VirtualAppliance', '10.0.0.4']);
    expect(chosen(routeFor(sameHop, '20.41.0.0/24', NO_DATA, 'eastus'))).toBe('to-firewall');
    const otherHop = table(FORCED, ['part', '20.41.0.0/25', 'Internet']);
    const decision = routeFor(otherHop, '20.41.0.0/24', NO_DATA, 'eastus');
    expect(decision.decision).toBe('unknown');
    expect(decision.decision === 'unknown' && decision.reason).toContain('part');
    const bothHalves = table(FORCED, ['low', '20.41.0.0/25', 'Internet'], ['high', '20.41.0.128/25', 'Internet']);
    expect(chosen(routeFor(bothHalves, '20.41.0.0/24', NO_DATA, 'eastus'))).toBe('low');
  });

  it('expands tag-named routes with data, and is unknown without', () => {
    const rt = table(FORCED, ['batch', 'BatchNodeManagement.EastUS', 'Internet']);
    expect(chosen(routeFor(rt, '20.41.0.0/24', WITH_DATA, 'eastus'))).toBe('batch');
    expect(chosen(routeFor(rt, '52.180.0.0/24', WITH_DATA, 'eastus'))).toBe('to-firewall');
    expect(routeFor(rt, '20.41.0.0/24', NO_DATA, 'eastus').decision).toBe('unknown');
    // A private destination cannot be in a public tag.
    expect(chosen(routeFor(rt, '10.1.0.0/16', NO_DATA, 'eastus'))).toBe('to-firewall');
  });

  it('prefers an explicit prefix over a tag route of the same prefix, and a regional tag over AzureCloud', () => {
    const rt = table(['tag', 'BatchNodeManagement.EastUS', 'Internet'], ['explicit', '20.41.0.0/24', 'VirtualAppliance', '10.0.0.4']);
    expect(chosen(routeFor(rt, '20.41.0.0/24', WITH_DATA, 'eastus'))).toBe('explicit');
    const tiers = table(['cloud', 'AzureCloud.eastus', 'VirtualAppliance', '10.0.0.4'], ['storage', 'Storage.EastUS', 'Internet']);
    expect(chosen(routeFor(tiers, '20.38.98.0/24', WITH_DATA, 'eastus'))).toBe('storage');
  });

  it('is unknown for malformed destinations and for skipped routes that may cover them', () => {
    expect(routeFor(table(), 'nope', NO_DATA, 'eastus').decision).toBe('unknown');
    const withBad = parseRouteTable('/rt', 'rt', { routes: [{ name: 'bad', properties: { addressPrefix: '20.41.0.0/16', nextHopType: 'Teleport' } }] });
    expect(routeFor(withBad, '20.41.0.0/24', NO_DATA, 'eastus').decision).toBe('unknown');
    expect(chosen(routeFor(withBad, '52.180.0.0/24', NO_DATA, 'eastus'))).toBe('system default route (system)');
  });
});

describe('prefixesNotRoutedToInternet', () => {
  const notRouted = (rt: ParsedRouteTable | undefined, tag = 'BatchNodeManagement'): string[] | 'unknown' => {
    const result = prefixesNotRoutedToInternet(rt, tag, 'eastus', WITH_DATA);
    return result.decision === 'known' ? result.notRoutedToInternet.map((entry) => `${entry.prefix}→${entry.route.name}`) : 'unknown';
  };

  it('is unknown without service-tag data or for a tag the data lacks', () => {
    expect(prefixesNotRoutedToInternet(table(FORCED), 'BatchNodeManagement', 'eastus', NO_DATA).decision).toBe('unknown');
    expect(prefixesNotRoutedToInternet(table(FORCED), 'BatchNodeManagement', 'eastus', undefined).decision).toBe('unknown');
    expect(notRouted(table(FORCED), 'NotATag')).toBe('unknown');
  });

  it('lists every prefix of T.R under forced tunneling without exceptions', () => {
    expect(notRouted(table(FORCED))).toEqual(['20.41.0.0/24→to-firewall', '40.80.0.0/24→to-firewall']);
    expect(notRouted(table())).toEqual([]);
    expect(notRouted(undefined)).toEqual([]);
  });

  it.each([
    ['T', 'BatchNodeManagement'],
    ['T.R', 'BatchNodeManagement.EastUS'],
    ['t.r lowercase', 'batchnodemanagement.eastus'],
    ['AzureCloud.R (covers it by data)', 'AzureCloud.eastus'],
  ])('a route naming %s with next hop Internet covers all', (_label, prefix) => {
    expect(notRouted(table(FORCED, ['batch', prefix, 'Internet']))).toEqual([]);
  });

  it('a route naming T of another region does not', () => {
    expect(notRouted(table(FORCED, ['batch', 'BatchNodeManagement.WestUS', 'Internet']))).toEqual(['20.41.0.0/24→to-firewall', '40.80.0.0/24→to-firewall']);
  });

  it('checks explicit prefix routes one by one', () => {
    expect(notRouted(table(FORCED, ['a', '20.41.0.0/24', 'Internet']))).toEqual(['40.80.0.0/24→to-firewall']);
    expect(notRouted(table(FORCED, ['a', '20.41.0.0/16', 'Internet'], ['b', '40.80.0.0/23', 'Internet']))).toEqual([]);
    expect(notRouted(table(FORCED, ['a', '20.41.0.0/25', 'Internet'], ['b', '20.41.0.128/25', 'Internet'], ['c', '40.80.0.0/24', 'Internet']))).toEqual([]);
    expect(notRouted(table(FORCED, ['a', '20.41.0.0/25', 'Internet'], ['c', '40.80.0.0/24', 'Internet']))).toEqual(['20.41.0.0/24→to-firewall']);
  });

  it('reports a prefix routed to Internet whose part is taken elsewhere by a more specific route', () => {
    const rt = table(FORCED, ['batch', 'BatchNodeManagement', 'Internet'], ['steal', '40.80.0.64/26', 'VirtualAppliance', '10.0.0.4']);
    expect(notRouted(rt)).toEqual(['40.80.0.0/24→steal']);
    const shadowed = table(FORCED, ['batch', 'BatchNodeManagement', 'Internet'], ['steal', '40.80.0.64/26', 'None'], ['back', '40.80.0.64/26', 'Internet']);
    expect(notRouted(shadowed)).toEqual(['40.80.0.0/24→steal']);
  });

  it('a route to the Internet for a wider regional prefix still counts under a narrower NVA route', () => {
    const rt = table(['wide', '40.0.0.0/8', 'Internet'], ['nva', '40.80.0.0/16', 'VirtualAppliance', '10.0.0.4']);
    expect(notRouted(rt)).toEqual(['40.80.0.0/24→nva']);
  });

  it('is unknown when a tag-named route the data lacks may decide', () => {
    // SomeNewTag may hold the Batch prefixes (then routed to the Internet) or not (then to the firewall).
    expect(notRouted(table(FORCED, ['mystery', 'SomeNewTag', 'Internet']))).toBe('unknown');
    const onlyMystery = table(['mystery', 'SomeNewTag', 'VirtualAppliance', '10.0.0.4']);
    expect(notRouted(onlyMystery)).toBe('unknown');
  });
});
