import { describe, expect, it } from 'vitest';
import { buildServiceTagIndex, evaluateNsg, parseNsg, parseRouteTable, prefixesNotRoutedToInternet } from '../../src/network';
import type { ServiceTagEntry } from '../../src/inventory/types';
import { armRule, inbound, outbound } from './fixtures';

/** n distinct /24 prefixes under 40.0.0.0/8 and 52.0.0.0/8, in a scrambled order. */
function prefixes(n: number, seed: number): string[] {
  const result: string[] = [];
  for (let index = 0; index < n; index += 1) {
    const value = (index * 7919 + seed) % 65536;
    result.push(`${index % 2 === 0 ? 40 : 52}.${value >> 8}.${value & 255}.0/24`);
  }
  return result;
}

function tagData(size: number): ServiceTagEntry[] {
  const regional = prefixes(size, 11);
  return [
    { name: 'BatchNodeManagement', properties: { region: '', addressPrefixes: regional } },
    { name: 'BatchNodeManagement.EastUS', properties: { region: 'eastus', addressPrefixes: regional } },
    { name: 'AzureCloud', properties: { region: '', addressPrefixes: ['40.0.0.0/8', '52.0.0.0/8', ...prefixes(size * 2, 5)] } },
  ];
}

/** 200 rules: CIDR lists that never cover the tag (so every rule is compared), then one covering rule. */
function bigNsgJson(): unknown {
  const rules = Array.from({ length: 199 }, (_, index) =>
    armRule({ name: `r${index}`, priority: 100 + index, source: prefixes(20, index + 1000).map((prefix) => prefix.replace(/^(\d+)\./, '60.')), destinationPort: '29876-29877' }),
  );
  rules.push(armRule({ name: 'cover', priority: 400, source: ['40.0.0.0/8', '52.0.0.0/8'], destinationPort: '29876-29877' }));
  return { securityRules: rules };
}

/**
 * Mean time of one query. `cold`: a freshly parsed NSG each time, so nothing is remembered
 * between queries except parsed CIDR text and the tag index's aggregated sets.
 */
function timeQueries(size: number, repetitions: number, cold: boolean): number {
  const tags = buildServiceTagIndex(tagData(size));
  const json = bigNsgJson();
  const query = inbound('BatchNodeManagement', 29876, 29877);
  // Warm-up: parses the CIDR text and aggregates the tag once per index.
  expect(evaluateNsg(parseNsg('/nsg', 'nsg', json), query, tags)).toMatchObject({ decision: 'allow', decidedBy: [{ rule: 'cover' }] });
  const nsgs = Array.from({ length: cold ? repetitions : 1 }, () => parseNsg('/nsg', 'nsg', json));
  const started = performance.now();
  for (let index = 0; index < repetitions; index += 1) {
    const nsg = nsgs[cold ? index : 0];
    if (nsg) evaluateNsg(nsg, query, tags);
  }
  return (performance.now() - started) / repetitions;
}

describe('performance sanity', () => {
  it('evaluates a 200-rule NSG against a large tag in well under a few milliseconds per query', () => {
    expect(timeQueries(4000, 20, true)).toBeLessThan(250);
    // Judged again, the same NSG reuses what it learnt about the tag.
    expect(timeQueries(4000, 200, false)).toBeLessThan(5);
  });

  it('grows at most linearly in the tag\'s prefixes (not quadratically)', () => {
    const small = timeQueries(500, 20, true);
    const large = timeQueries(4000, 20, true);
    // 8× the prefixes: quadratic would be ~64×; allow generous noise above linear.
    expect(large / Math.max(small, 0.5)).toBeLessThan(24);
  });

  it('a Deny with CIDRs against a large tag is judged by overlap, quickly', () => {
    const tags = buildServiceTagIndex(tagData(4000));
    const nsg = parseNsg('/nsg', 'nsg', {
      securityRules: [armRule({ name: 'deny', priority: 100, direction: 'Outbound', access: 'Deny', destination: prefixes(200, 77).map((p) => p.replace(/^(\d+)\./, '61.')) })],
    });
    const started = performance.now();
    for (let index = 0; index < 100; index += 1) expect(evaluateNsg(nsg, outbound('BatchNodeManagement', 443), tags).decision).toBe('allow');
    expect((performance.now() - started) / 100).toBeLessThan(20);
  });

  it('routes: a table naming a large tag is expanded once, and each prefix is looked up without a scan', () => {
    const tags = buildServiceTagIndex(tagData(4000));
    const rt = parseRouteTable('/rt', 'rt', {
      routes: [
        { name: 'forced', properties: { addressPrefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIpAddress: '10.0.0.4' } },
        { name: 'cloud', properties: { addressPrefix: 'AzureCloud', nextHopType: 'Internet' } },
      ],
    });
    const first = performance.now();
    expect(prefixesNotRoutedToInternet(rt, 'BatchNodeManagement', 'eastus', tags)).toEqual({ decision: 'known', notRoutedToInternet: [] });
    const cold = performance.now() - first;
    const started = performance.now();
    for (let index = 0; index < 5; index += 1) prefixesNotRoutedToInternet(rt, 'BatchNodeManagement', 'eastus', tags);
    const warm = (performance.now() - started) / 5;
    expect(cold).toBeLessThan(5_000);
    expect(warm).toBeLessThan(1_000);
    // Another table naming the same tag shares its expanded prefixes.
    const other = parseRouteTable('/rt2', 'rt2', { routes: [{ name: 'cloud', properties: { addressPrefix: 'AzureCloud', nextHopType: 'VirtualAppliance', nextHopIpAddress: '10.0.0.4' } }] });
    const again = performance.now();
    const result = prefixesNotRoutedToInternet(other, 'BatchNodeManagement', 'eastus', tags);
    expect(result.decision === 'known' && result.notRoutedToInternet.length).toBe(4000);
    expect(performance.now() - again).toBeLessThan(1_500);
  });
});
