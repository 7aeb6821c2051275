/**
 * Judging a flow through NSGs (docs/rules.md, "How traffic through an NSG is judged").
 *
 * Rules are read in ascending priority; the first that matches decides, per destination port (a
 * query on 29876-29877 is allowed only if both ports are). Conservative: an Allow counts only
 * where it surely matches (all of the subnet, the whole peer, any source port); a Deny counts
 * where it may match. A rule whose match turns on an application security group or missing data
 * is "uncertain": the port then has two possible outcomes, and a verdict with two possible
 * outcomes is `unknown`. An uncertain Allow followed by a sure Allow is still an allow (either way
 * the port is allowed); the same holds for Deny.
 *
 * Longer than 500 lines: one evaluation pipeline (compiled rules, the prepared query, matching
 * one side of a rule, walking the rules) whose stages share private types and memo tables; the
 * section rules below are its seams.
 */
import { regionKey } from '../core/ids';
import { isListOf } from '../core/json';
import { buildAddressSet, EMPTY_SET, setContains, setCoversSet, setsOverlap, unionSets, BOTH_FAMILIES } from './address-set';
import type { AddressSet, FamilyFilter } from './address-set';
import { cidrRecord } from './cidr';
import type { CidrRecord } from './cidr';
import { isFromParser, parsePortEntry, shown } from './nsg-parse';
import { regionalAddressSet, regionalParts, tagAddressSet, tagKey } from './service-tags';
import type {
  Access,
  Direction,
  NsgRule,
  OutboundRestriction,
  ParsedNsg,
  PortRange,
  RuleRef,
  ServiceTagIndex,
  TrafficQuery,
  TrafficVerdict,
} from './types';

export { parseNsg } from './nsg-parse';

// ---------------------------------------------------------------------------------------------
// Compiled rules: everything about a rule that does not depend on the query, computed once per NSG.

interface CompiledSide {
  /** '*' or 'Any'. */
  readonly any: boolean;
  readonly internet: boolean;
  readonly virtualNetwork: boolean;
  /** Other tag names, as written. */
  readonly tags: readonly string[];
  readonly cidrs: AddressSet;
  readonly hasCidrs: boolean;
  /** Every CIDR lies in private/reserved space, which no public service tag holds. */
  readonly cidrsNonPublic: boolean;
  /** The CIDRs cover the whole IPv4 (0.0.0.0/0) or IPv6 (::/0) space. */
  readonly coversAllV4: boolean;
  readonly coversAllV6: boolean;
  readonly asg: boolean;
  /** `tags` normalised (normalisedTag) for the last index used (or none). */
  normalised?: { readonly index: ServiceTagIndex | undefined; readonly entries: readonly NormalisedTag[] };
  /** Unions of the CIDRs and the data prefixes of some of `tags`, by tag names, for the last index used. */
  dataUnions?: { readonly index: ServiceTagIndex; readonly byNames: Map<string, AddressSet | undefined> };
}

interface CompiledRule {
  readonly kind: 'rule';
  readonly ref: RuleRef;
  readonly access: Access;
  readonly tcp: boolean;
  readonly udp: boolean;
  readonly ports: readonly PortRange[];
  readonly anySourcePort: boolean;
  readonly source: CompiledSide;
  readonly destination: CompiledSide;
}

/** A skipped (malformed) rule: unknown content at a known or unknown priority. */
interface SkippedEntry {
  readonly kind: 'skipped';
  readonly priority: number;
  readonly access: Access | undefined;
  readonly reason: string;
  readonly ref: RuleRef | undefined;
}

/** A rule not compiled yet: evaluation usually stops at one of the first rules of a direction. */
interface PendingRule {
  readonly kind: 'pending';
  readonly nsg: ParsedNsg;
  readonly rule: NsgRule;
}

type Entry = CompiledRule | SkippedEntry;

interface CompiledNsg {
  /** In evaluation order; a pending rule is replaced by its compiled entry when first reached. */
  readonly inbound: (Entry | PendingRule)[];
  readonly outbound: (Entry | PendingRule)[];
}

function records(texts: readonly string[]): CidrRecord[] {
  const result: CidrRecord[] = [];
  for (const text of texts) {
    const record = cidrRecord(text);
    if (record) result.push(record);
  }
  return result;
}

// Address space no public Azure service tag holds (RFC 1918, CGNAT, loopback, link-local,
// multicast, reserved, ULA). A rule naming only these cannot touch a public service tag, so it
// needs no tag data to be judged.
const NON_PUBLIC = buildAddressSet(
  records([
    '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12',
    '192.0.0.0/24', '192.168.0.0/16', '198.18.0.0/15', '224.0.0.0/4', '240.0.0.0/4',
    '::1/128', 'fc00::/7', 'fe80::/10', 'ff00::/8',
  ]),
);
const ALL_V4 = cidrRecord('0.0.0.0/0');
const IPV4_ONLY: FamilyFilter = { v4: true, v6: false };
const ALL_V6 = cidrRecord('::/0');

function allNonPublic(set: AddressSet): boolean {
  return setCoversSet(NON_PUBLIC, set, BOTH_FAMILIES) || (set.v4.length === 0 && set.v6.length === 0);
}

// Sides and port lists repeat across the rules of an estate (a dozen distinct sides in tens of
// thousands of rules). A compiled side is a pure function of its text (its tag-data cache is keyed
// by the index), so equal sides share one, through bounded memos cleared, not evicted, when full.
const SHARED_LIMIT = 10_000;
const MAX_SHARED_ENTRIES = 64;
const sharedSides = new Map<string, CompiledSide>();
const sharedPorts = new Map<string, readonly PortRange[]>();

/** Whether a list can key a memo: a short array of strings (hand-made NSGs may hold anything). */
function isShareable(list: readonly unknown[]): boolean {
  if (!Array.isArray(list) || list.length > MAX_SHARED_ENTRIES) return false;
  for (const item of list) if (typeof item !== 'string') return false;
  return true;
}

/** Memo key of a list of strings: the one entry itself (the usual case), else its JSON. */
function listKey(list: readonly string[]): string {
  return list.length === 1 ? `1|${list[0] as string}` : `n|${JSON.stringify(list)}`;
}

/** `checked`: the lists are known to be arrays of strings (a pending rule's), so only their length is looked at. */
function sharedSide(addresses: readonly string[], asgIds: readonly string[], checked: boolean): CompiledSide {
  const shareable = checked ? addresses.length <= MAX_SHARED_ENTRIES : isShareable(addresses) && Array.isArray(asgIds);
  if (!shareable) return compileSide(addresses, asgIds);
  const key = `${asgIds.length > 0 ? 'asg' : ''}|${listKey(addresses)}`;
  let side = sharedSides.get(key);
  if (side === undefined) {
    side = compileSide(addresses, asgIds);
    if (sharedSides.size >= SHARED_LIMIT) sharedSides.clear();
    sharedSides.set(key, side);
  }
  return side;
}

function sharedMergedPorts(entries: readonly string[], checked: boolean): readonly PortRange[] {
  if (checked ? entries.length > MAX_SHARED_ENTRIES : !isShareable(entries)) return mergePorts(entries);
  const key = listKey(entries);
  let ports = sharedPorts.get(key);
  if (ports === undefined) {
    ports = mergePorts(entries);
    if (sharedPorts.size >= SHARED_LIMIT) sharedPorts.clear();
    sharedPorts.set(key, ports);
  }
  return ports;
}

function compileSide(addresses: readonly string[], asgIds: readonly string[]): CompiledSide {
  let any = false;
  let internet = false;
  let virtualNetwork = false;
  const tags: string[] = [];
  const cidrTexts: CidrRecord[] = [];
  for (const address of addresses) {
    const record = cidrRecord(address);
    if (record) {
      cidrTexts.push(record);
      continue;
    }
    const key = tagKey(address);
    if (key === '*' || key === 'any') any = true;
    else if (key === 'internet') internet = true;
    else if (key === 'virtualnetwork') virtualNetwork = true;
    else if (key !== '') tags.push(address);
  }
  const cidrs = cidrTexts.length > 0 ? buildAddressSet(cidrTexts) : EMPTY_SET;
  return {
    any,
    internet,
    virtualNetwork,
    tags,
    cidrs,
    hasCidrs: cidrTexts.length > 0,
    cidrsNonPublic: allNonPublic(cidrs),
    coversAllV4: ALL_V4 !== undefined && setContains(cidrs, ALL_V4),
    coversAllV6: ALL_V6 !== undefined && setContains(cidrs, ALL_V6),
    asg: asgIds.length > 0,
  };
}

function mergePorts(entries: readonly string[]): PortRange[] {
  const ranges = entries
    .map(parsePortEntry)
    .filter((range): range is { from: number; to: number } => range !== undefined)
    .sort((a, b) => a.from - b.from);
  const merged: { from: number; to: number }[] = [];
  for (const range of ranges) {
    const last = merged[merged.length - 1];
    if (last && range.from <= last.to + 1) last.to = Math.max(last.to, range.to);
    else merged.push({ ...range });
  }
  return merged;
}

function compileRule(nsg: ParsedNsg, rule: NsgRule, checked = false): Entry {
  const ref: RuleRef = {
    nsgId: nsg.id,
    nsgName: nsg.name,
    rule: rule.name,
    priority: rule.priority,
    access: rule.access,
    isDefault: rule.isDefault,
  };
  const protocol = String(rule.protocol).trim().toLowerCase();
  const ports = sharedMergedPorts(rule.destinationPorts, checked);
  const sourcePorts = sharedMergedPorts(rule.sourcePorts, checked);
  if (ports.length === 0 || sourcePorts.length === 0) {
    return { kind: 'skipped', priority: rule.priority, access: rule.access, reason: `rule '${shown(rule.name)}' has unreadable ports`, ref };
  }
  return {
    kind: 'rule',
    ref,
    access: rule.access,
    tcp: protocol === '*' || protocol === 'any' || protocol === 'tcp',
    udp: protocol === '*' || protocol === 'any' || protocol === 'udp',
    ports,
    anySourcePort: sourcePorts.length === 1 && sourcePorts[0]?.from === 0 && sourcePorts[0]?.to === 65535,
    source: sharedSide(rule.sourceAddresses, rule.sourceAsgIds, checked),
    destination: sharedSide(rule.destinationAddresses, rule.destinationAsgIds, checked),
  };
}

/**
 * Whether a rule has the shape parseNsg gives it, so that compiling it cannot throw and may wait
 * until evaluation reaches it. Hand-made rules of another shape are compiled at once, as a whole
 * NSG, so that their errors surface as before (the NSG could not be evaluated).
 */
function allStrings(list: unknown): boolean {
  if (!Array.isArray(list)) return false;
  for (const item of list) if (typeof item !== 'string') return false;
  return true;
}

function compilesSafely(rule: NsgRule): boolean {
  const strings = allStrings;
  try {
    return (
      typeof rule === 'object' &&
      rule !== null &&
      typeof rule.priority === 'number' &&
      typeof rule.protocol === 'string' &&
      strings(rule.sourceAddresses) &&
      strings(rule.destinationAddresses) &&
      strings(rule.sourcePorts) &&
      strings(rule.destinationPorts) &&
      Array.isArray(rule.sourceAsgIds) &&
      Array.isArray(rule.destinationAsgIds)
    );
  } catch {
    return false;
  }
}

function compileDirection(nsg: ParsedNsg, direction: Direction): (Entry | PendingRule)[] {
  const rules = direction === 'Inbound' ? nsg.inbound : nsg.outbound;
  const lazy = isListOf(rules) && (isFromParser(nsg) || rules.every(compilesSafely));
  const entries: (Entry | PendingRule)[] = isListOf(rules)
    ? rules.map((rule): Entry | PendingRule => (lazy ? { kind: 'pending', nsg, rule } : compileRule(nsg, rule)))
    : [];
  const skipped = nsg.skippedRules;
  if (isListOf(skipped)) {
    for (const rule of skipped) {
      if (rule.direction !== undefined && rule.direction !== direction) continue;
      const ref: RuleRef | undefined =
        rule.name !== undefined && rule.priority !== undefined && rule.access !== undefined
          ? { nsgId: nsg.id, nsgName: nsg.name, rule: rule.name, priority: rule.priority, access: rule.access, isDefault: false }
          : undefined;
      // Without a priority it could sit anywhere: put it first so that every verdict depends on it.
      entries.push({ kind: 'skipped', priority: rule.priority ?? -1, access: rule.access, reason: `malformed rule skipped: ${rule.problem}`, ref });
    }
  } else if (isListOf(nsg.problems) && nsg.problems.length > 0) {
    entries.push({ kind: 'skipped', priority: -1, access: undefined, reason: `the NSG has malformed rules: ${shown(String(nsg.problems[0]))}`, ref: undefined });
  }
  // Stable sort: equal priorities keep their order.
  return entries
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => priorityOf(a.entry) - priorityOf(b.entry) || a.index - b.index)
    .map(({ entry }) => entry);
}

function priorityOf(entry: Entry | PendingRule): number {
  return entry.kind === 'rule' ? entry.ref.priority : entry.kind === 'pending' ? entry.rule.priority : entry.priority;
}

const compiledNsgs = new WeakMap<ParsedNsg, CompiledNsg>();

function compiled(nsg: ParsedNsg): CompiledNsg {
  let result = compiledNsgs.get(nsg);
  if (!result) {
    result = { inbound: compileDirection(nsg, 'Inbound'), outbound: compileDirection(nsg, 'Outbound') };
    compiledNsgs.set(nsg, result);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// The query, prepared once per evaluation (shared by every NSG of a path).

interface LocalContext {
  /** Undefined when the subnet prefixes are missing or malformed. */
  readonly set: AddressSet | undefined;
  readonly families: FamilyFilter;
  readonly nonPublic: boolean;
}

interface ServiceTagPeer {
  readonly kind: 'service-tag';
  readonly tag: string;
  /** Key of the peer tag's family (Storage for Storage and Storage.EastUS). */
  readonly baseKey: string;
  /** regionKey of the peer's region: its own for T.R, else the query's. */
  readonly region: string | undefined;
  /** Rule entries (normalised) that surely match: T, T.R, and the parent when T is regional. */
  readonly sureKeys: ReadonlySet<string>;
  /** Addresses of T.R (else T) from the data; undefined without data. */
  readonly target: AddressSet | undefined;
}

type PeerContext = ServiceTagPeer | { readonly kind: 'internet' };

interface QueryContext {
  readonly direction: Direction;
  readonly tcp: boolean;
  readonly ports: PortRange;
  readonly peer: PeerContext;
  readonly local: LocalContext;
  readonly tags: ServiceTagIndex | undefined;
}

interface NormalisedTag {
  readonly key: string;
  readonly baseKey: string;
  readonly region: string | undefined;
}

/** The side's tags normalised with the index, computed once per side and index. */
function normalisedTagsOf(side: CompiledSide, tags: ServiceTagIndex | undefined): readonly NormalisedTag[] {
  if (!side.normalised || side.normalised.index !== tags) {
    side.normalised = { index: tags, entries: side.tags.map((name) => normalisedTag(tags, name)) };
  }
  return side.normalised.entries;
}

/** Normalised name of a rule's tag entry: lowercase, region folded ("storage.eastus2"). */
function normalisedTag(tags: ServiceTagIndex | undefined, name: string): NormalisedTag {
  const parts = regionalParts(tags, name.trim());
  if (!parts) return { key: tagKey(name), baseKey: tagKey(name), region: undefined };
  const baseKey = tagKey(parts.base);
  const region = regionKey(parts.region);
  return { key: `${baseKey}.${region}`, baseKey, region };
}

function prepareQuery(query: TrafficQuery, tags: ServiceTagIndex | undefined): QueryContext | string {
  if (!query || typeof query !== 'object') return 'the query is missing';
  const direction = query.direction === 'Inbound' || query.direction === 'Outbound' ? query.direction : undefined;
  if (!direction) return 'the query has no valid direction';
  const protocol = typeof query.protocol === 'string' ? query.protocol.toLowerCase() : '';
  if (protocol !== 'tcp' && protocol !== 'udp') return 'the query protocol is neither Tcp nor Udp';
  const from = query.ports?.from;
  const to = query.ports?.to;
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > 65535 || from > to) return 'the query ports are not a range within 0-65535';
  const region = typeof query.region === 'string' && query.region.trim() !== '' ? regionKey(query.region) : undefined;

  const local = localContext(Array.isArray(query.localPrefixes) ? query.localPrefixes : []);

  let peer: PeerContext;
  const rawPeer: unknown = query.peer;
  if (rawPeer && typeof rawPeer === 'object' && (rawPeer as { kind?: unknown }).kind === 'internet') {
    peer = INTERNET_PEER;
  } else if (rawPeer && typeof rawPeer === 'object' && (rawPeer as { kind?: unknown }).kind === 'service-tag') {
    const tag = (rawPeer as { tag?: unknown }).tag;
    if (typeof tag !== 'string' || tag.trim() === '' || tag.length > 128) return 'the query names no valid service tag';
    peer = serviceTagPeer(tags, tag, region);
  } else {
    return 'the query has no valid peer';
  }
  return { direction, tcp: protocol === 'tcp', ports: { from, to }, peer, local, tags };
}

// Every rule on a compute subnet asks about the same few peers and the same subnet prefixes, so
// the parts of a query context that cost work are shared: local contexts by the prefix texts
// (bounded, cleared when full), peers by tag and region per tag index (which is immutable).
const INTERNET_PEER: PeerContext = { kind: 'internet' };
const CONTEXT_LIMIT = 10_000;
const localContexts = new Map<string, LocalContext>();
const peersByIndex = new WeakMap<ServiceTagIndex, Map<string, ServiceTagPeer>>();
const peersWithoutIndex = new Map<string, ServiceTagPeer>();

function localContext(localTexts: readonly string[]): LocalContext {
  if (!isShareable(localTexts)) return buildLocalContext(localTexts);
  const key = JSON.stringify(localTexts);
  let local = localContexts.get(key);
  if (local === undefined) {
    local = buildLocalContext(localTexts);
    if (localContexts.size >= CONTEXT_LIMIT) localContexts.clear();
    localContexts.set(key, local);
  }
  return local;
}

function buildLocalContext(localTexts: readonly string[]): LocalContext {
  const localRecords = records(localTexts);
  const localSet = localRecords.length > 0 && localRecords.length === localTexts.length ? buildAddressSet(localRecords) : undefined;
  return {
    set: localSet,
    // Azure subnets always have an IPv4 prefix; when the prefixes are unknown the flow is taken as IPv4.
    families: localSet ? { v4: localSet.v4.length > 0, v6: localSet.v6.length > 0 } : IPV4_ONLY,
    nonPublic: localSet !== undefined && allNonPublic(localSet),
  };
}

function serviceTagPeer(tags: ServiceTagIndex | undefined, tag: string, region: string | undefined): ServiceTagPeer {
  let peers = tags === undefined ? peersWithoutIndex : peersByIndex.get(tags);
  if (peers === undefined) {
    peers = new Map();
    if (tags !== undefined) peersByIndex.set(tags, peers);
  }
  const key = JSON.stringify([tag, region]);
  let peer = peers.get(key);
  if (peer === undefined) {
    peer = buildServiceTagPeer(tags, tag, region);
    if (peers.size >= CONTEXT_LIMIT) peers.clear();
    peers.set(key, peer);
  }
  return peer;
}

function buildServiceTagPeer(tags: ServiceTagIndex | undefined, tag: string, region: string | undefined): ServiceTagPeer {
  const own = normalisedTag(tags, tag);
  const peerRegion = own.region ?? region;
  const sureKeys = new Set<string>([own.key]);
  if (own.region !== undefined) sureKeys.add(own.baseKey);
  else if (region !== undefined) sureKeys.add(`${own.key}.${region}`);
  return {
    kind: 'service-tag',
    tag: tag.trim(),
    baseKey: own.baseKey,
    region: peerRegion,
    sureKeys,
    target: regionalAddressSet(tags, tag.trim(), region),
  };
}

// ---------------------------------------------------------------------------------------------
// Matching one side of a rule.

interface SideMatch {
  /** Covers the whole peer / subnet. */
  readonly sure: boolean;
  /** May cover part of it. `sure` implies `maybe`. */
  readonly maybe: boolean;
  /** Set when the answer turns on an ASG or missing data. */
  readonly uncertain: string | undefined;
}

const SURE: SideMatch = { sure: true, maybe: true, uncertain: undefined };
const MAYBE: SideMatch = { sure: false, maybe: true, uncertain: undefined };
const NO: SideMatch = { sure: false, maybe: false, uncertain: undefined };

function uncertain(reason: string, maybe = false): SideMatch {
  return { sure: false, maybe, uncertain: reason };
}

/** CIDRs of the side plus data prefixes of its tags (undefined when a tag is unknown to the data). */
function dataUnion(side: CompiledSide, tags: ServiceTagIndex, tagNames: readonly string[]): AddressSet | undefined {
  if (tagNames.length === 0) return side.cidrs;
  // Which of the side's tags take part depends on the peer, so the names are part of the key.
  if (!side.dataUnions || side.dataUnions.index !== tags) side.dataUnions = { index: tags, byNames: new Map() };
  const key = tagNames.join('\n');
  if (side.dataUnions.byNames.has(key)) return side.dataUnions.byNames.get(key);
  const sets: AddressSet[] = [side.cidrs];
  let complete = true;
  for (const name of tagNames) {
    const set = tagAddressSet(tags, name);
    if (set) sets.push(set);
    else complete = false;
  }
  const set = complete ? unionSets(sets) : undefined;
  side.dataUnions.byNames.set(key, set);
  return set;
}

const DISJOINT = 0;
const OVERLAPS = 1;
const COVERS = 2;

// The same NSG is judged against the same tag for many subnets and rules (one index per audit):
// remember how a rule's addresses relate to a tag's, keyed by the two aggregated sets.
const relations = new WeakMap<AddressSet, WeakMap<AddressSet, number[]>>();

function relate(rule: AddressSet, target: AddressSet, families: FamilyFilter): number {
  let byTarget = relations.get(rule);
  if (!byTarget) {
    byTarget = new WeakMap();
    relations.set(rule, byTarget);
  }
  let byFamilies = byTarget.get(target);
  if (!byFamilies) {
    byFamilies = [-1, -1, -1, -1];
    byTarget.set(target, byFamilies);
  }
  const slot = (families.v4 ? 1 : 0) + (families.v6 ? 2 : 0);
  const known = byFamilies[slot] ?? -1;
  if (known >= 0) return known;
  const relation = setCoversSet(rule, target, families) ? COVERS : setsOverlap(rule, target, families) ? OVERLAPS : DISJOINT;
  byFamilies[slot] = relation;
  return relation;
}

function matchInternetPeer(side: CompiledSide): SideMatch {
  // A generic Internet address: only '*', 'Any', 'Internet', 0.0.0.0/0 and ::/0 name it. ASGs hold NICs of the VNet.
  if (side.asg) return NO;
  return side.any || side.internet || side.coversAllV4 || side.coversAllV6 ? SURE : NO;
}

function matchServiceTagPeer(side: CompiledSide, peer: ServiceTagPeer, context: QueryContext): SideMatch {
  if (side.asg) return NO;
  if (side.any || side.internet) return SURE;
  const tags = context.tags;
  let maybe = false;
  let reason: string | undefined;
  const dataTags: string[] = [];
  const normalised = normalisedTagsOf(side, tags);
  for (let index = 0; index < side.tags.length; index += 1) {
    const name = side.tags[index] as string;
    const entry = normalised[index] as NormalisedTag;
    if (peer.sureKeys.has(entry.key)) return SURE;
    if (entry.key === 'virtualnetwork' || entry.key === 'azureloadbalancer') continue;
    if (entry.baseKey === peer.baseKey && entry.region !== undefined) {
      // Same tag, another region: no match. Without a region to compare, T.R' is a part of T.
      if (peer.region === undefined) maybe = true;
      continue;
    }
    if (peer.target !== undefined && tagAddressSet(tags, name) !== undefined) {
      dataTags.push(name);
      continue;
    }
    if (entry.baseKey === 'azurecloud' && (entry.region === undefined || peer.region === undefined || entry.region === peer.region)) {
      // AzureCloud (of the peer's region) holds every public Azure service: a Deny may match;
      // whether an Allow covers the whole tag needs the data.
      maybe = true;
      reason ??= `'${shown(name)}' may contain ${peer.tag}; comparing them needs service-tag data`;
    }
  }
  if (side.hasCidrs || dataTags.length > 0) {
    if (peer.target !== undefined && tags !== undefined) {
      const union = dataUnion(side, tags, dataTags);
      const families = context.local.families;
      if (union) {
        const relation = relate(union, peer.target, families);
        if (relation === COVERS) return SURE;
        if (relation === OVERLAPS) maybe = true;
      }
    } else if (side.hasCidrs && !side.cidrsNonPublic) {
      const families = context.local.families;
      const coversAll = (!families.v4 || side.coversAllV4) && (!families.v6 || side.coversAllV6);
      if (coversAll) return SURE;
      reason ??= `address prefixes are compared with ${peer.tag}${peer.region ? ` in ${peer.region}` : ''}, which needs service-tag data`;
    }
  }
  if (reason !== undefined) return uncertain(reason, maybe);
  return maybe ? MAYBE : NO;
}

function matchLocal(side: CompiledSide, context: QueryContext): SideMatch {
  if (side.asg) return uncertain('the rule names an application security group on the subnet side, whose members are not known');
  if (side.any || side.virtualNetwork) return SURE;
  const local = context.local;
  const tags = context.tags;
  let reason: string | undefined;
  const dataTags: string[] = [];
  for (const name of side.tags) {
    const key = tagKey(name);
    if (key === 'azureloadbalancer') continue;
    if (tags?.hasData && tagAddressSet(tags, name) !== undefined) {
      dataTags.push(name);
    } else if (!local.nonPublic) {
      reason ??= `'${shown(name)}' is compared with the subnet's addresses, which needs service-tag data and the subnet prefixes`;
    }
  }
  if (side.hasCidrs || dataTags.length > 0) {
    if (local.set === undefined) {
      reason ??= 'the subnet address prefixes are missing or malformed';
    } else {
      const union = tags && dataTags.length > 0 ? dataUnion(side, tags, dataTags) : side.cidrs;
      if (union && setCoversSet(union, local.set, BOTH_FAMILIES)) return SURE;
      if (union && setsOverlap(union, local.set, BOTH_FAMILIES)) return reason === undefined ? MAYBE : uncertain(reason, true);
    }
  }
  return reason === undefined ? NO : uncertain(reason);
}

// ---------------------------------------------------------------------------------------------
// Walking the rules.

const ALLOWED = 1;
const DENIED = 2;

/** A run of ports with the outcomes still possible for it. */
interface PortState {
  from: number;
  to: number;
  outcomes: number;
  open: boolean;
  allowedBy: RuleRef | undefined;
  reason: string | undefined;
  reasonRule: RuleRef | undefined;
}

type Effect =
  | { readonly kind: 'decide'; readonly access: Access }
  | { readonly kind: 'uncertain'; readonly access: Access | undefined; readonly reason: string; readonly rule: RuleRef | undefined };

function describeRule(rule: CompiledRule, why: string): string {
  return `NSG '${shown(rule.ref.nsgName)}' rule '${shown(rule.ref.rule)}' (priority ${rule.ref.priority}, ${rule.access}): ${why}`;
}

function ruleEffect(rule: CompiledRule, context: QueryContext): Effect | undefined {
  const inbound = context.direction === 'Inbound';
  const localSide = inbound ? rule.destination : rule.source;
  const peerSide = inbound ? rule.source : rule.destination;
  const local = matchLocal(localSide, context);
  if (!local.maybe && local.uncertain === undefined) return undefined;
  const peer = context.peer.kind === 'internet' ? matchInternetPeer(peerSide) : matchServiceTagPeer(peerSide, context.peer, context);
  if (rule.access === 'Allow') {
    // An Allow counts only where it surely matches, from any source port.
    if (!rule.anySourcePort) return undefined;
    if (local.sure && peer.sure) return { kind: 'decide', access: 'Allow' };
    if ((local.sure || local.uncertain) && (peer.sure || peer.uncertain)) {
      return { kind: 'uncertain', access: 'Allow', reason: describeRule(rule, local.uncertain ?? peer.uncertain ?? ''), rule: rule.ref };
    }
    return undefined;
  }
  // A Deny counts where it may match (a source-port restriction still may match).
  if (local.maybe && peer.maybe) return { kind: 'decide', access: 'Deny' };
  if ((local.maybe || local.uncertain) && (peer.maybe || peer.uncertain)) {
    return { kind: 'uncertain', access: 'Deny', reason: describeRule(rule, local.uncertain ?? peer.uncertain ?? ''), rule: rule.ref };
  }
  return undefined;
}

type NsgOutcome =
  | { readonly kind: 'allow'; readonly decidedBy: RuleRef[] }
  | { readonly kind: 'deny'; readonly decidedBy: RuleRef; readonly ports: PortRange }
  | { readonly kind: 'unknown'; readonly reason: string; readonly rule: RuleRef | undefined };

const NO_STATES: readonly PortState[] = [];

/** Splits the open states at the bounds of `ranges`, returning those inside. */
function statesWithin(states: PortState[], ranges: readonly PortRange[]): readonly PortState[] {
  // Most rules miss the query's ports: allocate only when one state is hit.
  let inside: PortState[] | undefined;
  for (let index = 0; index < states.length; index += 1) {
    const state = states[index];
    if (!state || !state.open) continue;
    for (const range of ranges) {
      if (range.to < state.from || range.from > state.to) continue;
      let current = state;
      if (range.from > current.from) {
        const right: PortState = { ...current, from: range.from };
        current.to = range.from - 1;
        states.splice(index + 1, 0, right);
        index += 1;
        current = right;
      }
      if (range.to < current.to) {
        const right: PortState = { ...current, from: range.to + 1 };
        current.to = range.to;
        states.splice(index + 1, 0, right);
      }
      (inside ??= []).push(current);
      break;
    }
  }
  return inside ?? NO_STATES;
}

function evaluateCompiled(nsg: ParsedNsg, context: QueryContext): NsgOutcome {
  const entries = context.direction === 'Inbound' ? compiled(nsg).inbound : compiled(nsg).outbound;
  const states: PortState[] = [
    { from: context.ports.from, to: context.ports.to, outcomes: 0, open: true, allowedBy: undefined, reason: undefined, reasonRule: undefined },
  ];
  for (let index = 0; index < entries.length; index += 1) {
    if (!states.some((state) => state.open)) break;
    let entry = entries[index] as Entry | PendingRule;
    if (entry.kind === 'pending') {
      entry = compileRule(entry.nsg, entry.rule, true);
      entries[index] = entry;
    }
    let effect: Effect | undefined;
    let hit: readonly PortState[];
    if (entry.kind === 'skipped') {
      effect = { kind: 'uncertain', access: entry.access, reason: entry.reason, rule: entry.ref };
      hit = states.filter((state) => state.open);
    } else {
      if (!(context.tcp ? entry.tcp : entry.udp)) continue;
      hit = statesWithin(states, entry.ports);
      if (hit.length === 0) continue;
      effect = ruleEffect(entry, context);
      if (!effect) continue;
    }
    for (const state of hit) {
      if (effect.kind === 'decide') {
        state.open = false;
        if (effect.access === 'Deny' && (state.outcomes & ALLOWED) === 0 && entry.kind === 'rule') {
          return { kind: 'deny', decidedBy: entry.ref, ports: { from: state.from, to: state.to } };
        }
        state.outcomes |= effect.access === 'Allow' ? ALLOWED : DENIED;
        if (effect.access === 'Allow' && entry.kind === 'rule') state.allowedBy = entry.ref;
      } else {
        state.outcomes |= effect.access === 'Allow' ? ALLOWED : effect.access === 'Deny' ? DENIED : ALLOWED | DENIED;
        if (state.reason === undefined) {
          state.reason = effect.reason;
          state.reasonRule = effect.rule;
        }
      }
    }
  }
  const decidedBy: RuleRef[] = [];
  for (const state of states) {
    if (state.open) {
      return { kind: 'unknown', reason: state.reason ?? `no rule of NSG '${shown(nsg.name)}' matches (its default rules are missing)`, rule: state.reasonRule };
    }
    if (state.outcomes !== ALLOWED) {
      return { kind: 'unknown', reason: state.reason ?? 'the verdict depends on data that is missing', rule: state.reasonRule };
    }
    if (state.allowedBy && !decidedBy.includes(state.allowedBy)) decidedBy.push(state.allowedBy);
  }
  decidedBy.sort((a, b) => a.priority - b.priority);
  return { kind: 'allow', decidedBy };
}

function toVerdict(outcome: NsgOutcome): TrafficVerdict {
  if (outcome.kind === 'allow') return { decision: 'allow', decidedBy: outcome.decidedBy };
  if (outcome.kind === 'deny') return { decision: 'deny', decidedBy: outcome.decidedBy, ports: outcome.ports };
  return outcome.rule ? { decision: 'unknown', reason: outcome.reason, rule: outcome.rule } : { decision: 'unknown', reason: outcome.reason };
}

/** Judges one flow through one NSG. Never throws. */
export function evaluateNsg(nsg: ParsedNsg, query: TrafficQuery, tags: ServiceTagIndex | undefined): TrafficVerdict {
  return evaluatePath([nsg], query, tags);
}

/**
 * Judges one flow through every NSG on its path (the subnet's, then the NIC's where present):
 * each must allow. The first deny (in the order given) decides; otherwise the first unknown;
 * otherwise allow, listing the deciding rules of each NSG. An empty path filters nothing: allow.
 */
export function evaluatePath(nsgs: readonly ParsedNsg[], query: TrafficQuery, tags: ServiceTagIndex | undefined): TrafficVerdict {
  try {
    const context = prepareQuery(query, tags);
    if (typeof context === 'string') return { decision: 'unknown', reason: context };
    const decidedBy: RuleRef[] = [];
    let firstUnknown: NsgOutcome | undefined;
    for (const nsg of isListOf(nsgs) ? nsgs : []) {
      if (!nsg || typeof nsg !== 'object') {
        firstUnknown ??= { kind: 'unknown', reason: 'an NSG on the path could not be read', rule: undefined };
        continue;
      }
      const outcome = evaluateCompiled(nsg, context);
      if (outcome.kind === 'deny') return toVerdict(outcome);
      if (outcome.kind === 'unknown') firstUnknown ??= outcome;
      else decidedBy.push(...outcome.decidedBy);
    }
    if (firstUnknown) return toVerdict(firstUnknown);
    return { decision: 'allow', decidedBy };
  } catch (error) {
    return { decision: 'unknown', reason: `the NSG could not be evaluated: ${shown(error instanceof Error ? error.message : String(error))}` };
  }
}

/**
 * Outbound is restricted when outbound TCP 443 to a generic Internet address is denied
 * (docs/rules.md): `restricted` with the denying rule, `open` with the allowing rules, or
 * `unknown` with the reason.
 */
export function outboundRestriction(
  nsgs: readonly ParsedNsg[],
  localPrefixes: readonly string[],
  tags: ServiceTagIndex | undefined,
  region: string | undefined,
): OutboundRestriction {
  const verdict = evaluatePath(
    nsgs,
    { direction: 'Outbound', protocol: 'Tcp', ports: { from: 443, to: 443 }, peer: { kind: 'internet' }, localPrefixes, region },
    tags,
  );
  if (verdict.decision === 'deny') return { state: 'restricted', decidedBy: verdict.decidedBy };
  if (verdict.decision === 'allow') return { state: 'open', decidedBy: verdict.decidedBy };
  return verdict.rule ? { state: 'unknown', reason: verdict.reason, rule: verdict.rule } : { state: 'unknown', reason: verdict.reason };
}
