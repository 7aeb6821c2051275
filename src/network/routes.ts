/**
 * Route tables (docs/rules.md, "Routes"): longest prefix match over the subnet's routes plus
 * the system default (0.0.0.0/0 and ::/0 → Internet). A route's addressPrefix may be a service
 * tag: it then stands for one route per prefix of the tag (needs service-tag data). Ties between
 * equal prefixes follow Azure: explicit prefix, then regional tag, top-level tag, AzureCloud
 * regional, AzureCloud; user routes beat the system default.
 *
 * The destination is a prefix, not an address. The route chosen for it is the longest route that
 * contains all of it. A more specific route inside the destination takes part of it elsewhere:
 * routeFor answers `unknown` when such a route (one that really governs some address, i.e. is not
 * itself fully shadowed by even more specific routes) has another next hop than the chosen one;
 * prefixesNotRoutedToInternet reports the prefix when any governing route is not `Internet`.
 */
import { isListOf, isObject } from '../core/json';
import { regionKey } from '../core/ids';
import { buildAddressSet, setContains } from './address-set';
import { cidrRecord } from './cidr';
import type { CidrRecord } from './cidr';
import { shown } from './nsg-parse';
import { regionalParts, regionalAddressSet, tagKey } from './service-tags';
import type { ParsedRoute, ParsedRouteTable, RouteDecision, ServiceTagIndex, SkippedRoute, TagRoutingResult } from './types';

const TAG_TEXT = /^[A-Za-z][A-Za-z0-9_.-]{0,127}$/;
const NEXT_HOP_TYPES: ReadonlySet<string> = new Set(['virtualnetworkgateway', 'vnetlocal', 'internet', 'virtualappliance', 'none']);
const MAX_ROUTES = 10_000;

// ---------------------------------------------------------------------------------------------
// Parsing

function readRoute(entry: unknown, position: string): ParsedRoute | SkippedRoute {
  if (!isObject(entry)) return { name: undefined, addressPrefix: undefined, problem: `${position} is not an object` };
  const props = isObject(entry.properties) ? entry.properties : entry;
  const rawName = typeof entry.name === 'string' ? entry.name : typeof props.name === 'string' ? props.name : undefined;
  const name = rawName !== undefined && rawName.trim() !== '' && rawName.length <= 256 ? rawName.trim() : undefined;
  const prefix = typeof props.addressPrefix === 'string' ? props.addressPrefix.trim() : undefined;
  const readablePrefix = prefix !== undefined && prefix.length <= 128 ? prefix : undefined;
  const skip = (problem: string): SkippedRoute => ({
    name,
    addressPrefix: readablePrefix,
    problem: `${position}${name === undefined ? '' : ` '${shown(name)}'`}: ${problem}`,
  });
  if (name === undefined) return skip('has no valid name');
  if (readablePrefix === undefined || readablePrefix === '') return skip('has no addressPrefix');
  if (!cidrRecord(readablePrefix) && !TAG_TEXT.test(readablePrefix)) return skip(`addressPrefix '${shown(readablePrefix)}' is neither a CIDR nor a service tag`);
  const nextHopType = typeof props.nextHopType === 'string' ? props.nextHopType.trim() : undefined;
  if (nextHopType === undefined || !NEXT_HOP_TYPES.has(nextHopType.toLowerCase())) return skip('has no valid nextHopType');
  const ip = typeof props.nextHopIpAddress === 'string' && props.nextHopIpAddress.trim() !== '' ? props.nextHopIpAddress.trim() : undefined;
  if (ip !== undefined && ip.length > 64) return skip('has an oversized nextHopIpAddress');
  return ip === undefined ? { name, addressPrefix: readablePrefix, nextHopType } : { name, addressPrefix: readablePrefix, nextHopType, nextHopIpAddress: ip };
}

/** Reads a route table's `properties.routes` (nested or flattened entries); malformed routes go to `problems`. Never throws. */
export function parseRouteTable(id: string, name: string, properties: unknown): ParsedRouteTable {
  const routes: ParsedRoute[] = [];
  const problems: string[] = [];
  const skippedRoutes: SkippedRoute[] = [];
  try {
    const list = isObject(properties) ? properties.routes : undefined;
    if (list !== undefined && list !== null && !Array.isArray(list)) {
      problems.push('routes is not an array');
      skippedRoutes.push({ name: undefined, addressPrefix: undefined, problem: 'routes is not an array' });
    } else if (Array.isArray(list) && list.length > MAX_ROUTES) {
      problems.push(`routes has more than ${MAX_ROUTES} entries`);
      skippedRoutes.push({ name: undefined, addressPrefix: undefined, problem: 'routes is too long' });
    } else if (Array.isArray(list)) {
      list.forEach((entry, index) => {
        const route = readRoute(entry, `routes[${index}]`);
        if ('problem' in route) {
          skippedRoutes.push(route);
          problems.push(route.problem);
        } else {
          routes.push(route);
        }
      });
    }
  } catch {
    problems.push('properties could not be read');
    skippedRoutes.push({ name: undefined, addressPrefix: undefined, problem: 'properties could not be read' });
  }
  return { id: typeof id === 'string' ? id : '', name: typeof name === 'string' ? name : '', routes, problems, skippedRoutes };
}

/** Forced tunneling: the 0.0.0.0/0 route whose next hop is not `Internet`; undefined when there is none. */
export function forcedTunnelRoute(rt: ParsedRouteTable | undefined): ParsedRoute | undefined {
  if (!rt || !isListOf(rt.routes)) return undefined;
  return rt.routes.find((route) => {
    const record = cidrRecord(route.addressPrefix);
    return record !== undefined && !record.isV6 && record.parsed.prefixLength === 0 && String(route.nextHopType).toLowerCase() !== 'internet';
  });
}

// ---------------------------------------------------------------------------------------------
// Compiled tables

const SYSTEM_DEFAULT_V4: ParsedRoute = { name: 'system default route', addressPrefix: '0.0.0.0/0', nextHopType: 'Internet' };
const SYSTEM_DEFAULT_V6: ParsedRoute = { name: 'system default route', addressPrefix: '::/0', nextHopType: 'Internet' };

/** Tie-break among routes of the same prefix (lower wins). */
const TIER_EXPLICIT = 0;
const TIER_REGIONAL_TAG = 1;
const TIER_TAG = 2;
const TIER_AZURECLOUD_REGIONAL = 3;
const TIER_AZURECLOUD = 4;
const TIER_SYSTEM = 9;

interface RouteEntry {
  readonly record: CidrRecord;
  readonly route: ParsedRoute;
  readonly tier: number;
  readonly isSystemDefault: boolean;
  /** Position in the table, the last tie-break. */
  readonly order: number;
}

/**
 * The prefixes of one route, indexed for lookups. A tag's layer is built once per tag index and
 * shared by every table naming the tag (AzureCloud holds thousands of prefixes).
 */
interface PrefixLayer {
  readonly byPrefix: ReadonlyMap<string, CidrRecord>;
  readonly sortedV4: readonly CidrRecord[];
  readonly sortedV6: readonly CidrRecord[];
  /** Prefix lengths present, longest first. */
  readonly lengthsV4: readonly number[];
  readonly lengthsV6: readonly number[];
}

function buildLayer(records: readonly CidrRecord[]): PrefixLayer {
  const byPrefix = new Map<string, CidrRecord>();
  for (const record of records) if (!byPrefix.has(record.parsed.cidr)) byPrefix.set(record.parsed.cidr, record);
  const unique = [...byPrefix.values()];
  const sortByFirst = (list: CidrRecord[]): CidrRecord[] =>
    list.sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  const lengths = (list: CidrRecord[]): number[] => [...new Set(list.map((record) => record.parsed.prefixLength))].sort((a, b) => b - a);
  const v4 = unique.filter((record) => !record.isV6);
  const v6 = unique.filter((record) => record.isV6);
  return { byPrefix, sortedV4: sortByFirst(v4), sortedV6: sortByFirst(v6), lengthsV4: lengths(v4), lengthsV6: lengths(v6) };
}

const tagLayers = new WeakMap<ServiceTagIndex, Map<string, PrefixLayer | null>>();

function tagLayer(tags: ServiceTagIndex | undefined, name: string): PrefixLayer | undefined {
  if (!tags?.hasData) return undefined;
  let layers = tagLayers.get(tags);
  if (!layers) {
    layers = new Map();
    tagLayers.set(tags, layers);
  }
  const key = tagKey(name);
  const cached = layers.get(key);
  if (cached !== undefined) return cached ?? undefined;
  const prefixes = tags.prefixesOf(name);
  const layer = prefixes ? buildLayer(prefixes.map(cidrRecord).filter((record): record is CidrRecord => record !== undefined)) : undefined;
  layers.set(key, layer ?? null);
  return layer;
}

interface RouteSource {
  readonly layer: PrefixLayer;
  readonly route: ParsedRoute;
  readonly tier: number;
  readonly isSystemDefault: boolean;
  readonly order: number;
}

interface TagRoute {
  readonly route: ParsedRoute;
  /** Normalised name ("storage.eastus") and its family key. */
  readonly key: string;
  readonly baseKey: string;
  readonly tier: number;
  readonly order: number;
  /** False when the data does not list the tag (or there is no data). */
  readonly resolved: boolean;
}

interface CompiledTable {
  readonly sources: readonly RouteSource[];
  readonly tagRoutes: readonly TagRoute[];
  /** Why decisions may be incomplete: skipped routes (prefix as written, or undefined). */
  readonly skipped: readonly (string | undefined)[];
}

function tagInfo(tags: ServiceTagIndex | undefined, name: string): { key: string; baseKey: string; tier: number } {
  const parts = regionalParts(tags, name);
  if (parts) {
    const baseKey = tagKey(parts.base);
    return { key: `${baseKey}.${regionKey(parts.region)}`, baseKey, tier: baseKey === 'azurecloud' ? TIER_AZURECLOUD_REGIONAL : TIER_REGIONAL_TAG };
  }
  const key = tagKey(name);
  return { key, baseKey: key, tier: key === 'azurecloud' ? TIER_AZURECLOUD : TIER_TAG };
}

const SYSTEM_SOURCES: readonly RouteSource[] = [SYSTEM_DEFAULT_V4, SYSTEM_DEFAULT_V6].map((route) => ({
  layer: buildLayer([cidrRecord(route.addressPrefix)].filter((record): record is CidrRecord => record !== undefined)),
  route,
  tier: TIER_SYSTEM,
  isSystemDefault: true,
  order: Number.MAX_SAFE_INTEGER,
}));

function compileTable(rt: ParsedRouteTable | undefined, tags: ServiceTagIndex | undefined): CompiledTable {
  const sources: RouteSource[] = [];
  const tagRoutes: TagRoute[] = [];
  const routes = rt && isListOf(rt.routes) ? rt.routes : [];
  routes.forEach((route, order) => {
    const record = cidrRecord(route.addressPrefix);
    if (record) {
      sources.push({ layer: buildLayer([record]), route, tier: TIER_EXPLICIT, isSystemDefault: false, order });
      return;
    }
    const info = tagInfo(tags, route.addressPrefix);
    const layer = tagLayer(tags, route.addressPrefix);
    tagRoutes.push({ route, ...info, order, resolved: layer !== undefined });
    if (layer) sources.push({ layer, route, tier: info.tier, isSystemDefault: false, order });
  });
  sources.push(...SYSTEM_SOURCES);
  let skipped: (string | undefined)[] = [];
  if (rt && isListOf(rt.skippedRoutes)) skipped = rt.skippedRoutes.map((route) => route.addressPrefix);
  else if (rt && isListOf(rt.problems) && rt.problems.length > 0) skipped = [undefined];
  return { sources, tagRoutes, skipped };
}

// One compiled form per table, for the last tag index used (an audit uses one index).
const compiledTables = new WeakMap<ParsedRouteTable, { readonly tags: ServiceTagIndex | undefined; readonly table: CompiledTable }>();
const EMPTY_TABLE_KEY: ParsedRouteTable = { id: '', name: '', routes: [], problems: [] };

function compiledTable(rt: ParsedRouteTable | undefined, tags: ServiceTagIndex | undefined): CompiledTable {
  const key = rt && typeof rt === 'object' ? rt : EMPTY_TABLE_KEY;
  const cached = compiledTables.get(key);
  if (cached && cached.tags === tags) return cached.table;
  const table = compileTable(rt, tags);
  compiledTables.set(key, { tags, table });
  return table;
}

// ---------------------------------------------------------------------------------------------
// Lookup

const NON_PUBLIC = buildAddressSet(
  ['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7', 'fe80::/10']
    .map(cidrRecord)
    .filter((record): record is CidrRecord => record !== undefined),
);

/** Whether `outer` holds every address of `inner` (same family; CIDR bounds as ip-num values). */
function contains(outer: CidrRecord, inner: CidrRecord): boolean {
  return outer.first <= inner.first && inner.last <= outer.last;
}

/** Index of the first record whose first address is ≥ ip. */
function firstStartingAtOrAfter(sorted: readonly CidrRecord[], ip: bigint): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    const record = sorted[middle];
    if (record && record.first < ip) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The longest prefix of the layer containing all of the destination. */
function longestContaining(layer: PrefixLayer, destination: CidrRecord): CidrRecord | undefined {
  const isV6 = destination.isV6;
  const sorted = isV6 ? layer.sortedV6 : layer.sortedV4;
  if (sorted.length <= 2) {
    let best: CidrRecord | undefined;
    for (const record of sorted) {
      if (contains(record, destination) && (!best || record.parsed.prefixLength > best.parsed.prefixLength)) best = record;
    }
    return best;
  }
  for (const candidateLength of isV6 ? layer.lengthsV6 : layer.lengthsV4) {
    if (candidateLength > destination.parsed.prefixLength) continue;
    const supernet = cidrRecord(`${destination.parsed.networkAddress}/${candidateLength}`);
    const record = supernet ? layer.byPrefix.get(supernet.parsed.cidr) : undefined;
    if (record) return record;
  }
  return undefined;
}

/** Whether `a` wins over `b` for the same destination: longer prefix, then tier, then table order. */
function better(a: RouteEntry, b: RouteEntry | undefined): boolean {
  if (!b) return true;
  if (a.record.parsed.prefixLength !== b.record.parsed.prefixLength) return a.record.parsed.prefixLength > b.record.parsed.prefixLength;
  if (a.tier !== b.tier) return a.tier < b.tier;
  return a.order < b.order;
}

interface Lookup {
  /** The longest route containing the whole destination. */
  readonly chosen: RouteEntry;
  /** Routes strictly inside the destination that govern at least one of its addresses. */
  readonly governingPartials: readonly RouteEntry[];
}

/** A route that the destination's own tag family names (T, T.R, or the parent of T.R) contains each of its prefixes. */
interface FamilyTag {
  readonly keys: ReadonlySet<string>;
}

function lookup(table: CompiledTable, destination: CidrRecord, family: FamilyTag | undefined): Lookup | string {
  const isV6 = destination.isV6;
  const length = destination.parsed.prefixLength;
  // Skipped routes that may touch the destination make any answer a guess.
  for (const prefix of table.skipped) {
    const record = prefix === undefined ? undefined : cidrRecord(prefix);
    if (!record) {
      if (prefix === undefined || !setContains(NON_PUBLIC, destination)) return 'the route table has a malformed route that may cover it';
    } else if (record.isV6 === isV6 && record.first <= destination.last && destination.first <= record.last) {
      return `the route table has a malformed route for ${shown(prefix ?? '')}`;
    }
  }
  const isPublic = !setContains(NON_PUBLIC, destination);
  for (const route of table.tagRoutes) {
    if (route.resolved || !isPublic || family?.keys.has(route.key)) continue;
    return `route '${shown(route.route.name)}' names service tag ${shown(route.route.addressPrefix)}, whose prefixes are not in the service-tag data`;
  }
  let chosen: RouteEntry | undefined;
  const partialsByPrefix = new Map<string, RouteEntry>();
  for (const source of table.sources) {
    const containing = longestContaining(source.layer, destination);
    if (containing) {
      const entry: RouteEntry = { record: containing, route: source.route, tier: source.tier, isSystemDefault: source.isSystemDefault, order: source.order };
      if (better(entry, chosen)) chosen = entry;
    }
    // Partials: prefixes starting inside the destination and longer than it.
    const sorted = isV6 ? source.layer.sortedV6 : source.layer.sortedV4;
    for (let index = firstStartingAtOrAfter(sorted, destination.first); index < sorted.length; index += 1) {
      const record = sorted[index];
      if (!record || record.first > destination.last) break;
      if (record.parsed.prefixLength <= length || !contains(destination, record)) continue;
      const entry: RouteEntry = { record, route: source.route, tier: source.tier, isSystemDefault: source.isSystemDefault, order: source.order };
      if (better(entry, partialsByPrefix.get(record.parsed.cidr))) partialsByPrefix.set(record.parsed.cidr, entry);
    }
  }
  if (family) {
    const named = table.tagRoutes.filter((route) => family.keys.has(route.key)).sort((a, b) => a.tier - b.tier || a.order - b.order)[0];
    // It holds the destination exactly, so it is at least as long as any other containing route.
    const entry: RouteEntry | undefined = named && { record: destination, route: named.route, tier: named.tier, isSystemDefault: false, order: named.order };
    if (entry && better(entry, chosen)) chosen = entry;
  }
  if (!chosen) return 'no route contains it';
  const partials = [...partialsByPrefix.values()];
  const governingPartials = partials.filter((entry) => {
    const inner = partials.filter((other) => other !== entry && other.record.parsed.prefixLength > entry.record.parsed.prefixLength && contains(entry.record, other.record));
    return inner.length === 0 || !setContains(buildAddressSet(inner.map((other) => other.record)), entry.record);
  });
  return { chosen, governingPartials };
}

/** Whether the chosen route still takes some address of the destination (more specific routes may take all of it). */
function chosenGoverns(result: Lookup, destination: CidrRecord): boolean {
  if (result.governingPartials.length === 0) return true;
  const covered = buildAddressSet(result.governingPartials.map((entry) => entry.record));
  return !setContains(covered, destination);
}

function sameNextHop(a: ParsedRoute, b: ParsedRoute): boolean {
  return (
    String(a.nextHopType).toLowerCase() === String(b.nextHopType).toLowerCase() &&
    (a.nextHopIpAddress ?? '').toLowerCase() === (b.nextHopIpAddress ?? '').toLowerCase()
  );
}

/**
 * The route for a destination prefix by longest prefix match (the system default when no route
 * contains it). `unknown` when the destination is malformed, when a tag-named route or a malformed
 * route may decide, or when part of the destination is taken to another next hop by a more specific route.
 */
export function routeFor(
  rt: ParsedRouteTable | undefined,
  destinationPrefix: string,
  tags: ServiceTagIndex | undefined,
  region: string | undefined,
): RouteDecision {
  void region; // Tag routes name their region themselves; kept for a stable signature.
  try {
    const destination = cidrRecord(destinationPrefix);
    if (!destination) return { decision: 'unknown', reason: `'${shown(String(destinationPrefix))}' is not an address prefix` };
    const result = lookup(compiledTable(rt, tags), destination, undefined);
    if (typeof result === 'string') return { decision: 'unknown', reason: `${destination.parsed.cidr}: ${result}` };
    // Every route that takes some address of the destination must agree on the next hop.
    const effective = chosenGoverns(result, destination) ? [result.chosen, ...result.governingPartials] : result.governingPartials;
    const first = effective[0] ?? result.chosen;
    const other = effective.find((entry) => !sameNextHop(entry.route, first.route));
    if (other) {
      return {
        decision: 'unknown',
        reason: `part of ${destination.parsed.cidr} follows route '${shown(other.route.name)}' (${other.record.parsed.cidr} → ${other.route.nextHopType}) while another part follows '${shown(first.route.name)}' (→ ${first.route.nextHopType})`,
      };
    }
    return { decision: 'route', route: first.route, isSystemDefault: first.isSystemDefault };
  } catch (error) {
    return { decision: 'unknown', reason: `the route could not be determined: ${shown(error instanceof Error ? error.message : String(error))}` };
  }
}

/**
 * For each prefix of T.R (of T where the data has no regional entry), whether all of it is routed
 * to next hop `Internet` (route.forced-tunnel-batch). A route naming T, T.R or the parent of T.R
 * holds every such prefix. `unknown` without tag data, or when a prefix's routing cannot be told
 * and no prefix is known to be misrouted.
 */
export function prefixesNotRoutedToInternet(
  rt: ParsedRouteTable | undefined,
  tag: string,
  region: string | undefined,
  tags: ServiceTagIndex | undefined,
): TagRoutingResult {
  try {
    if (!tags?.hasData) return { decision: 'unknown', reason: `the prefixes of ${shown(String(tag))} are not known without service-tag data` };
    const prefixes = tags.regionalPrefixes(tag, region);
    if (!prefixes || regionalAddressSet(tags, tag, region) === undefined) {
      return { decision: 'unknown', reason: `the service-tag data does not list ${shown(String(tag))}` };
    }
    const own = tagInfo(tags, tag);
    const keys = new Set<string>([own.key, own.baseKey]);
    if (own.key === own.baseKey && region !== undefined) keys.add(`${own.key}.${regionKey(region)}`);
    const family: FamilyTag = { keys };
    const table = compiledTable(rt, tags);
    const notRouted: { prefix: string; route: ParsedRoute; isSystemDefault: boolean }[] = [];
    let undetermined: string | undefined;
    for (const prefix of prefixes) {
      const destination = cidrRecord(prefix);
      if (!destination) continue;
      const result = lookup(table, destination, family);
      if (typeof result === 'string') {
        undetermined ??= `${destination.parsed.cidr}: ${result}`;
        continue;
      }
      const isInternet = (route: ParsedRoute): boolean => String(route.nextHopType).toLowerCase() === 'internet';
      if (!isInternet(result.chosen.route) && chosenGoverns(result, destination)) {
        notRouted.push({ prefix, route: result.chosen.route, isSystemDefault: result.chosen.isSystemDefault });
        continue;
      }
      const partial = result.governingPartials.find((entry) => !isInternet(entry.route));
      if (partial) notRouted.push({ prefix, route: partial.route, isSystemDefault: false });
    }
    if (notRouted.length === 0 && undetermined !== undefined) return { decision: 'unknown', reason: undetermined };
    return { decision: 'known', notRoutedToInternet: notRouted };
  } catch (error) {
    return { decision: 'unknown', reason: `the routes could not be evaluated: ${shown(error instanceof Error ? error.message : String(error))}` };
  }
}
