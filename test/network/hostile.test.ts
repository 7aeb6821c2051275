import { describe, expect, it } from 'vitest';
import {
  buildServiceTagIndex,
  cidrContains,
  evaluatePath,
  fqdnCovers,
  forcedTunnelRoute,
  outboundRestriction,
  parseNsg,
  parseRouteTable,
  prefixesNotRoutedToInternet,
  routeFor,
  usableAddressCount,
} from '../../src/network';
import { armRule, inbound, internetQuery, outbound, TAGS } from './fixtures';

/** A small deterministic generator (no flaky seeds): mulberry32. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ATOMS: unknown[] = [
  null, undefined, true, 0, -1, 100, 65500, 1e308, Number.NaN, '', '*', 'Any', 'Tcp', 'Udp', 'Inbound', 'Outbound', 'Allow', 'Deny',
  '10.0.0.0/8', '0.0.0.0/0', '::/0', '22', '1-65535', '29876-29877', 'Storage', 'Storage.EastUS', 'AzureCloud', 'VirtualAppliance', 'Internet',
  'x'.repeat(10_000), '10.0.0.0/8;DROP', '\u0000', '__proto__', 'constructor', [], {}, [null], [{}], { id: 5 },
];

function value(next: () => number, depth: number): unknown {
  const roll = next();
  if (depth > 3 || roll < 0.6) return ATOMS[Math.floor(next() * ATOMS.length)];
  if (roll < 0.8) return Array.from({ length: Math.floor(next() * 4) }, () => value(next, depth + 1));
  const keys = ['name', 'properties', 'priority', 'direction', 'access', 'protocol', 'sourceAddressPrefix', 'sourceAddressPrefixes', 'destinationAddressPrefix',
    'destinationAddressPrefixes', 'sourcePortRange', 'destinationPortRange', 'destinationPortRanges', 'sourceApplicationSecurityGroups', 'addressPrefix', 'nextHopType', 'routes'];
  const object: Record<string, unknown> = {};
  for (const key of keys) if (next() < 0.4) object[key] = value(next, depth + 1);
  return object;
}

/** A valid rule with one field replaced by something hostile. */
function mutatedRule(next: () => number): unknown {
  const rule = armRule({ name: 'm', priority: 100 + Math.floor(next() * 4000), source: 'BatchNodeManagement', destinationPort: '29876-29877' });
  const properties = rule.properties as Record<string, unknown>;
  const keys = Object.keys(properties);
  const key = keys[Math.floor(next() * keys.length)] ?? 'priority';
  properties[key] = value(next, 2);
  return rule;
}

const TAG_INDEX = buildServiceTagIndex(TAGS);

describe('hostile input never throws', () => {
  it('parseNsg + evaluatePath + outboundRestriction over 2,000 generated NSGs', () => {
    const next = random(42);
    for (let round = 0; round < 2_000; round += 1) {
      const rules = Array.from({ length: Math.floor(next() * 6) }, () => (next() < 0.5 ? mutatedRule(next) : value(next, 1)));
      const properties = next() < 0.9 ? { securityRules: rules, defaultSecurityRules: next() < 0.2 ? value(next, 1) : undefined } : value(next, 0);
      const nsg = parseNsg('/nsg', 'nsg', properties);
      for (const query of [inbound('BatchNodeManagement', 29876, 29877), outbound('Storage', 443), internetQuery('Inbound', 22)]) {
        const verdict = evaluatePath([nsg, nsg], query, next() < 0.5 ? TAG_INDEX : undefined);
        expect(['allow', 'deny', 'unknown']).toContain(verdict.decision);
        expect(() => JSON.stringify(verdict)).not.toThrow();
      }
      expect(['open', 'restricted', 'unknown']).toContain(outboundRestriction([nsg], ['10.0.0.0/24'], TAG_INDEX, 'eastus').state);
    }
  });

  it('parseRouteTable + routeFor + prefixesNotRoutedToInternet over 2,000 generated tables', () => {
    const next = random(7);
    for (let round = 0; round < 2_000; round += 1) {
      const routes = Array.from({ length: Math.floor(next() * 5) }, () => {
        if (next() < 0.5) return value(next, 1);
        return { name: 'r', properties: { addressPrefix: value(next, 3), nextHopType: next() < 0.5 ? 'Internet' : value(next, 3), nextHopIpAddress: value(next, 3) } };
      });
      const rt = parseRouteTable('/rt', 'rt', next() < 0.9 ? { routes } : value(next, 0));
      forcedTunnelRoute(rt);
      const decision = routeFor(rt, String(value(next, 3)), TAG_INDEX, 'eastus');
      expect(['route', 'unknown']).toContain(decision.decision);
      expect(['known', 'unknown']).toContain(prefixesNotRoutedToInternet(rt, 'BatchNodeManagement', 'eastus', TAG_INDEX).decision);
    }
  });

  it('the remaining entry points accept anything', () => {
    const next = random(99);
    for (let round = 0; round < 500; round += 1) {
      const a = value(next, 2) as string;
      const b = value(next, 2) as string;
      expect(() => cidrContains(a, b)).not.toThrow();
      expect(() => fqdnCovers(a, b)).not.toThrow();
      expect(() => usableAddressCount([a, b])).not.toThrow();
      expect(() => buildServiceTagIndex([{ name: a, properties: value(next, 1) }] as never).regionalPrefixes(b, a)).not.toThrow();
    }
  });
});
