/**
 * Azure Firewall rule processing, as the service applies it (requirements: "How traffic through
 * an Azure Firewall is judged"; Microsoft Learn, "Configure Azure Firewall rules"):
 *
 * - network rules are processed before application rules (threat intelligence and DNAT aside);
 * - with a firewall policy, the parent (base) policy's rule collection groups come first, then the
 *   policy's own, each by group priority, then by rule collection priority; classic rule
 *   collections go by priority;
 * - rules are terminating: the first rule that matches decides, Allow or Deny; nothing matching
 *   means the firewall's implicit deny.
 *
 * A rule *surely* matches TCP 443 from every address of the compute subnet to a host, *may* match
 * (destination IP prefixes or service tags, FQDN tags, web categories, sources that cover part of
 * the subnet, a narrower FQDN than the host's pattern, unreadable fields), or does not match.
 * Evaluation walks the rules in processing order and keeps every outcome still possible: an
 * Allow counts only when every path through the "may" rules ends in Allow, so a Deny that may
 * match ahead of the Allow makes the host `unknown`, naming that rule.
 *
 * Pure: parsing takes ARM JSON, evaluation takes the parsed rules and a resolver for IP groups.
 *
 * Longer than 500 lines: both rule forms (classic collections, policy rule collection groups)
 * are parsed into one model that the processing order and the matching share.
 */
import { asNonEmptyString, asNumber, isObject, pick, stringsOf } from '../core/json';
import { cidrRecord } from './cidr';
import { fqdnCovers } from './fqdn';
import { parsePortEntry } from './nsg-parse';

export type FirewallAction = 'Allow' | 'Deny';
export type FirewallRuleKind = 'network' | 'application';

export interface FirewallNetworkRule {
  readonly kind: 'network';
  readonly name: string;
  /** TCP, UDP, ICMP, Any (as written). */
  readonly protocols: readonly string[];
  readonly sourceAddresses: readonly string[];
  readonly sourceIpGroups: readonly string[];
  readonly destinationAddresses: readonly string[];
  readonly destinationIpGroups: readonly string[];
  readonly destinationFqdns: readonly string[];
  readonly destinationPorts: readonly string[];
}

export interface FirewallApplicationProtocol {
  readonly type: string;
  readonly port: number | undefined;
}

export interface FirewallApplicationRule {
  readonly kind: 'application';
  readonly name: string;
  readonly protocols: readonly FirewallApplicationProtocol[];
  readonly targetFqdns: readonly string[];
  /** FQDN tags, web categories and target URLs: what they cover is not in the inventory. */
  readonly fqdnTags: readonly string[];
  readonly webCategories: readonly string[];
  readonly targetUrls: readonly string[];
  readonly sourceAddresses: readonly string[];
  readonly sourceIpGroups: readonly string[];
}

export type FirewallRule = FirewallNetworkRule | FirewallApplicationRule;

export interface FirewallRuleCollection {
  readonly name: string;
  readonly priority: number | undefined;
  /** Undefined when unreadable: the collection's rules then may allow or deny. */
  readonly action: FirewallAction | undefined;
  readonly rules: readonly FirewallRule[];
}

export interface FirewallRuleCollectionGroup {
  readonly id: string;
  readonly name: string;
  readonly priority: number | undefined;
  readonly collections: readonly FirewallRuleCollection[];
}

/** One level of rules: the firewall's classic collections, or one policy of the chain. */
export interface FirewallRuleLayer {
  /** 'classic', or the policy's ID. */
  readonly source: string;
  readonly groups: readonly FirewallRuleCollectionGroup[];
}

/** Everything the firewall processes, parent layers first, and what the inventory lacks to know it. */
export interface FirewallRulebase {
  readonly layers: readonly FirewallRuleLayer[];
  /** Referenced but absent: policies, parent policies, rule collection groups (IDs as written). */
  readonly missing: readonly string[];
}

/** Where a rule sits, for evidence. */
export interface FirewallRuleRef {
  readonly kind: FirewallRuleKind;
  /** 'classic' or the firewall policy ID. */
  readonly source: string;
  readonly group: string | null;
  readonly groupPriority: number | null;
  readonly collection: string;
  readonly collectionPriority: number | null;
  readonly rule: string;
  readonly action: FirewallAction | null;
}

export interface FirewallQuery {
  /** The compute subnet's address prefixes: every address must be let through. */
  readonly sourcePrefixes: readonly string[];
  /** The host or host pattern required (`ml.azure.com`, `*.azureml.ms`). */
  readonly host: string;
}

/** Resolves an IP group's addresses; undefined when the group is not in the inventory. */
export type IpGroupResolver = (ipGroupId: string) => readonly string[] | undefined;

export type FirewallVerdict =
  | { readonly decision: 'allow'; readonly decidedBy: FirewallRuleRef }
  /** `decidedBy` null: no rule matched, the implicit deny applies. */
  | { readonly decision: 'deny'; readonly decidedBy: FirewallRuleRef | null }
  | { readonly decision: 'unknown'; readonly reason: string; readonly rule: FirewallRuleRef | null };

// ---------------------------------------------------------------- parsing ARM JSON

function itemProperties(item: unknown): unknown {
  const nested = pick(item, 'properties');
  return isObject(nested) ? nested : item;
}

function objects(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

function readAction(value: unknown): FirewallAction | undefined {
  const text = asNonEmptyString(pick(value, 'type')) ?? asNonEmptyString(value);
  const lowered = text?.toLowerCase();
  return lowered === 'allow' ? 'Allow' : lowered === 'deny' ? 'Deny' : undefined;
}

function readProtocols(value: unknown): FirewallApplicationProtocol[] {
  return objects(value).map((protocol) => ({ type: asNonEmptyString(pick(protocol, 'protocolType')) ?? '', port: asNumber(pick(protocol, 'port')) }));
}

function readNetworkRule(rule: unknown, fields: unknown): FirewallNetworkRule {
  return {
    kind: 'network',
    name: asNonEmptyString(pick(rule, 'name')) ?? '',
    protocols: stringsOf(pick(fields, 'ipProtocols')).concat(stringsOf(pick(fields, 'protocols'))),
    sourceAddresses: stringsOf(pick(fields, 'sourceAddresses')),
    sourceIpGroups: stringsOf(pick(fields, 'sourceIpGroups')),
    destinationAddresses: stringsOf(pick(fields, 'destinationAddresses')),
    destinationIpGroups: stringsOf(pick(fields, 'destinationIpGroups')),
    destinationFqdns: stringsOf(pick(fields, 'destinationFqdns')),
    destinationPorts: stringsOf(pick(fields, 'destinationPorts')),
  };
}

function readApplicationRule(rule: unknown, fields: unknown): FirewallApplicationRule {
  return {
    kind: 'application',
    name: asNonEmptyString(pick(rule, 'name')) ?? '',
    protocols: readProtocols(pick(fields, 'protocols')),
    targetFqdns: stringsOf(pick(fields, 'targetFqdns')),
    fqdnTags: stringsOf(pick(fields, 'fqdnTags')),
    webCategories: stringsOf(pick(fields, 'webCategories')),
    targetUrls: stringsOf(pick(fields, 'targetUrls')),
    sourceAddresses: stringsOf(pick(fields, 'sourceAddresses')),
    sourceIpGroups: stringsOf(pick(fields, 'sourceIpGroups')),
  };
}

function readClassicCollections(collections: unknown, kind: FirewallRuleKind): FirewallRuleCollection[] {
  return objects(collections).map((collection) => {
    const fields = itemProperties(collection);
    return {
      name: asNonEmptyString(pick(collection, 'name')) ?? '',
      priority: asNumber(pick(fields, 'priority')),
      action: readAction(pick(fields, 'action')),
      rules: objects(pick(fields, 'rules')).map((rule) => (kind === 'network' ? readNetworkRule(rule, itemProperties(rule)) : readApplicationRule(rule, itemProperties(rule)))),
    };
  });
}

/**
 * The classic rules of an `azureFirewalls` resource (`networkRuleCollections`,
 * `applicationRuleCollections`), as one group per type. NAT collections never allow outbound traffic.
 */
export function parseClassicFirewallRules(firewallId: string, properties: unknown): FirewallRuleCollectionGroup {
  return {
    id: firewallId,
    name: 'classic',
    priority: undefined,
    collections: [...readClassicCollections(pick(properties, 'networkRuleCollections'), 'network'), ...readClassicCollections(pick(properties, 'applicationRuleCollections'), 'application')],
  };
}

/** A rule collection group of a firewall policy (its row's `properties`, or an embedded group). */
export function parseRuleCollectionGroup(id: string, name: string, properties: unknown): FirewallRuleCollectionGroup {
  const collections: FirewallRuleCollection[] = [];
  for (const collection of objects(pick(properties, 'ruleCollections'))) {
    const fields = itemProperties(collection);
    const type = asNonEmptyString(pick(fields, 'ruleCollectionType'))?.toLowerCase();
    // NAT collections translate inbound traffic: they never let a compute reach a host.
    if (type !== undefined && type !== 'firewallpolicyfilterrulecollection') continue;
    const rules: FirewallRule[] = [];
    for (const rule of objects(pick(fields, 'rules'))) {
      const ruleFields = itemProperties(rule);
      const ruleType = asNonEmptyString(pick(ruleFields, 'ruleType'))?.toLowerCase();
      if (ruleType === 'networkrule') rules.push(readNetworkRule(rule, ruleFields));
      else if (ruleType === 'applicationrule') rules.push(readApplicationRule(rule, ruleFields));
      // NatRule or unknown types in a filter collection: not traffic rules for this question.
    }
    collections.push({ name: asNonEmptyString(pick(collection, 'name')) ?? '', priority: asNumber(pick(fields, 'priority')), action: readAction(pick(fields, 'action')), rules });
  }
  return { id, name, priority: asNumber(pick(properties, 'priority')), collections };
}

// ---------------------------------------------------------------- matching

type Match = 'yes' | 'maybe' | 'no';

interface Bounds {
  readonly isV6: boolean;
  readonly first: bigint;
  readonly last: bigint;
}

/** '*', a CIDR, an IP or an IPv4 range 'a-b'; undefined when unreadable. */
function boundsOf(text: string): Bounds | 'any' | undefined {
  const trimmed = text.trim();
  if (trimmed === '*') return 'any';
  const record = cidrRecord(trimmed);
  if (record !== undefined) return { isV6: record.isV6, first: record.first, last: record.last };
  const dash = trimmed.indexOf('-');
  if (dash > 0) {
    const from = cidrRecord(trimmed.slice(0, dash).trim());
    const to = cidrRecord(trimmed.slice(dash + 1).trim());
    if (from?.parsed.isSingleAddress === true && to?.parsed.isSingleAddress === true && from.isV6 === to.isV6 && from.first <= to.first) {
      return { isV6: from.isV6, first: from.first, last: to.first };
    }
  }
  return undefined;
}

interface SourceMatch {
  readonly match: Match;
  readonly reason?: string;
}

/** Do the rule's sources cover every address of the subnet prefixes? */
function matchSources(addresses: readonly string[], ipGroups: readonly string[], prefixes: readonly string[], resolve: IpGroupResolver): SourceMatch {
  const sources: string[] = [...addresses];
  for (const group of ipGroups) {
    const resolved = resolve(group);
    if (resolved === undefined) return { match: 'maybe', reason: `IP group '${group}' is not in the inventory` };
    sources.push(...resolved);
  }
  if (sources.length === 0) return { match: 'no' };
  const bounds = sources.map(boundsOf);
  if (bounds.some((bound) => bound === 'any')) return { match: 'yes' };
  if (prefixes.length === 0) return { match: 'maybe', reason: 'the compute subnet has no readable address prefix' };
  let covered = 0;
  let touched = false;
  let unreadable = false;
  for (const prefix of prefixes) {
    const target = cidrRecord(prefix);
    if (target === undefined) return { match: 'maybe', reason: `the subnet prefix '${prefix}' is unreadable` };
    let whole = false;
    for (const bound of bounds) {
      if (bound === undefined) {
        unreadable = true;
        continue;
      }
      if (bound === 'any' || bound.isV6 !== target.isV6) continue;
      if (bound.first <= target.first && target.last <= bound.last) whole = true;
      else if (bound.first <= target.last && target.first <= bound.last) touched = true;
    }
    if (whole) covered++;
  }
  if (covered === prefixes.length) return { match: 'yes' };
  if (covered > 0 || touched) return { match: 'maybe', reason: 'its sources cover only part of the compute subnet' };
  if (unreadable) return { match: 'maybe', reason: 'a source address of the rule is unreadable' };
  return { match: 'no' };
}

function normalisedHost(name: string): string {
  const lowered = name.trim().toLowerCase();
  return lowered.endsWith('.') ? lowered.slice(0, -1) : lowered;
}

/** How an FQDN (or pattern) written in a rule relates to the required host pattern. */
function matchFqdn(written: string, host: string): Match {
  if (fqdnCovers(written, host)) return 'yes';
  // A name or narrower pattern below the required pattern matches some of its names.
  if (fqdnCovers(host, written)) return 'maybe';
  return 'no';
}

function best(matches: readonly Match[]): Match {
  if (matches.includes('yes')) return 'yes';
  if (matches.includes('maybe')) return 'maybe';
  return 'no';
}

function portsInclude443(ports: readonly string[]): Match {
  if (ports.length === 0) return 'maybe';
  let unreadable = false;
  for (const text of ports) {
    const range = parsePortEntry(text.trim());
    if (range === undefined) unreadable = true;
    else if (range.from <= 443 && 443 <= range.to) return 'yes';
  }
  return unreadable ? 'maybe' : 'no';
}

interface RuleMatch {
  readonly match: Match;
  readonly reason?: string;
}

function both(a: RuleMatch, b: RuleMatch): RuleMatch {
  if (a.match === 'no' || b.match === 'no') return { match: 'no' };
  if (a.match === 'maybe') return a;
  return b;
}

function matchNetworkRule(rule: FirewallNetworkRule, query: FirewallQuery, resolve: IpGroupResolver): RuleMatch {
  const protocols = rule.protocols.map((protocol) => protocol.toLowerCase());
  const protocol: RuleMatch = protocols.length === 0 ? { match: 'maybe', reason: 'its protocols are unreadable' } : protocols.includes('tcp') || protocols.includes('any') ? { match: 'yes' } : { match: 'no' };
  const ports: RuleMatch = (() => {
    const match = portsInclude443(rule.destinationPorts);
    return match === 'maybe' ? { match, reason: 'its destination ports are unreadable' } : { match };
  })();
  const destinations: RuleMatch[] = [];
  for (const fqdn of rule.destinationFqdns) {
    // Network rules take exact names only: the host is matched when the name is the host itself.
    const match = normalisedHost(fqdn) === normalisedHost(query.host) ? 'yes' : fqdnCovers(query.host, fqdn) ? 'maybe' : 'no';
    destinations.push(match === 'maybe' ? { match, reason: `its destination FQDN '${fqdn}' is one name of ${query.host}` } : { match });
  }
  for (const address of rule.destinationAddresses) {
    const trimmed = address.trim();
    if (trimmed === '*' || trimmed === '0.0.0.0/0') destinations.push({ match: 'yes' });
    else destinations.push({ match: 'maybe', reason: `its destination '${trimmed}' may hold the addresses ${query.host} resolves to` });
  }
  for (const group of rule.destinationIpGroups) {
    const resolved = resolve(group);
    if (resolved === undefined) destinations.push({ match: 'maybe', reason: `IP group '${group}' is not in the inventory` });
    else if (resolved.some((address) => address.trim() === '*' || address.trim() === '0.0.0.0/0')) destinations.push({ match: 'yes' });
    else if (resolved.length > 0) destinations.push({ match: 'maybe', reason: `its destination IP group '${group}' may hold the addresses ${query.host} resolves to` });
  }
  const destinationMatch = best(destinations.map((item) => item.match));
  const destination: RuleMatch = destinations.find((item) => item.match === destinationMatch) ?? { match: 'no' };
  const sources = matchSources(rule.sourceAddresses, rule.sourceIpGroups, query.sourcePrefixes, resolve);
  return [protocol, ports, destination, sources].reduce(both);
}

function matchApplicationRule(rule: FirewallApplicationRule, query: FirewallQuery, resolve: IpGroupResolver): RuleMatch {
  const https = rule.protocols.some((protocol) => protocol.type.toLowerCase() === 'https' && (protocol.port === undefined || protocol.port === 443));
  const protocol: RuleMatch = rule.protocols.length === 0 ? { match: 'maybe', reason: 'its protocols are unreadable' } : https ? { match: 'yes' } : { match: 'no' };
  const targets: RuleMatch[] = rule.targetFqdns.map((fqdn) => {
    const match = matchFqdn(fqdn, query.host);
    return match === 'maybe' ? { match, reason: `its target FQDN '${fqdn}' covers only some names of ${query.host}` } : { match };
  });
  if (rule.fqdnTags.length > 0) targets.push({ match: 'maybe', reason: `its FQDN tags (${rule.fqdnTags.join(', ')}) may include ${query.host}` });
  if (rule.webCategories.length > 0) targets.push({ match: 'maybe', reason: `its web categories (${rule.webCategories.join(', ')}) may include ${query.host}` });
  if (rule.targetUrls.length > 0) targets.push({ match: 'maybe', reason: `its target URLs may include ${query.host}` });
  const targetMatch = best(targets.map((item) => item.match));
  const target: RuleMatch = targets.find((item) => item.match === targetMatch) ?? { match: 'no' };
  const sources = matchSources(rule.sourceAddresses, rule.sourceIpGroups, query.sourcePrefixes, resolve);
  return [protocol, target, sources].reduce(both);
}

// ---------------------------------------------------------------- processing order

interface OrderedRule {
  readonly rule: FirewallRule;
  readonly action: FirewallAction | undefined;
  readonly ref: FirewallRuleRef;
}

function byPriority<T extends { readonly priority: number | undefined }>(items: readonly T[]): T[] {
  // Stable: equal or unreadable priorities keep their written order (unreadable last).
  return items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => (a.item.priority ?? Number.MAX_SAFE_INTEGER) - (b.item.priority ?? Number.MAX_SAFE_INTEGER) || a.index - b.index)
    .map(({ item }) => item);
}

/** Every rule in the order the firewall processes it: network rules, then application rules; parents first. */
export function orderedFirewallRules(rulebase: FirewallRulebase): OrderedRule[] {
  const ordered: OrderedRule[] = [];
  for (const kind of ['network', 'application'] as const) {
    for (const layer of rulebase.layers) {
      const classic = layer.source === 'classic';
      for (const group of byPriority(layer.groups)) {
        for (const collection of byPriority(group.collections)) {
          for (const rule of collection.rules) {
            if (rule.kind !== kind) continue;
            ordered.push({
              rule,
              action: collection.action,
              ref: {
                kind,
                source: layer.source,
                group: classic ? null : group.name,
                groupPriority: classic ? null : group.priority ?? null,
                collection: collection.name,
                collectionPriority: collection.priority ?? null,
                rule: rule.name,
                action: collection.action ?? null,
              },
            });
          }
        }
      }
    }
  }
  return ordered;
}

/**
 * Whether the firewall lets TCP 443 from every address of the subnet prefixes reach the host.
 * `rules` is orderedFirewallRules(rulebase), computed once per firewall.
 */
export function evaluateFirewall(rulebase: FirewallRulebase, rules: readonly OrderedRule[], query: FirewallQuery, resolve: IpGroupResolver): FirewallVerdict {
  if (rulebase.missing.length > 0) {
    return { decision: 'unknown', reason: `${rulebase.missing.map((id) => `'${id}'`).join(', ')} ${rulebase.missing.length === 1 ? 'is' : 'are'} referenced but not in the inventory`, rule: null };
  }
  // Outcomes still possible on some path through the rules that may match.
  let mayAllow: { ref: FirewallRuleRef; reason: string } | undefined;
  let mayDeny: { ref: FirewallRuleRef; reason: string } | undefined;
  for (const entry of rules) {
    const result = entry.rule.kind === 'network' ? matchNetworkRule(entry.rule, query, resolve) : matchApplicationRule(entry.rule, query, resolve);
    if (result.match === 'no') continue;
    const reason = result.reason ?? 'it may match';
    if (result.match === 'maybe' || entry.action === undefined) {
      const why = entry.action === undefined ? 'its collection has no readable action' : reason;
      if (entry.action !== 'Deny') mayAllow ??= { ref: entry.ref, reason: why };
      if (entry.action !== 'Allow') mayDeny ??= { ref: entry.ref, reason: why };
      continue;
    }
    if (entry.action === 'Allow') {
      if (mayDeny !== undefined) return { decision: 'unknown', reason: `${describeRef(mayDeny.ref)} comes first and may deny it: ${mayDeny.reason}`, rule: mayDeny.ref };
      return { decision: 'allow', decidedBy: entry.ref };
    }
    if (mayAllow !== undefined) return { decision: 'unknown', reason: `${describeRef(mayAllow.ref)} comes first and may allow it: ${mayAllow.reason}`, rule: mayAllow.ref };
    return { decision: 'deny', decidedBy: entry.ref };
  }
  if (mayAllow !== undefined) return { decision: 'unknown', reason: `only ${describeRef(mayAllow.ref)} may allow it: ${mayAllow.reason}`, rule: mayAllow.ref };
  return { decision: 'deny', decidedBy: null };
}

export function describeRef(ref: FirewallRuleRef): string {
  const where = ref.group !== null ? `group '${ref.group}' (${ref.groupPriority ?? '?'}), ` : '';
  return `${ref.kind} rule '${ref.rule}' (${where}collection '${ref.collection}' (${ref.collectionPriority ?? '?'}), ${ref.action ?? 'no action'})`;
}

// ---------------------------------------------------------------- assembling a firewall's rules

/** What the estate knows of a firewall policy. */
export interface FirewallPolicyRules {
  readonly id: string;
  readonly basePolicyId: string | undefined;
  /** Rule collection groups the policy names (`properties.ruleCollectionGroups[].id`). */
  readonly referencedGroupIds: readonly string[];
  /** Groups the inventory holds for it: embedded in the policy row, or rows of their own. */
  readonly groups: readonly FirewallRuleCollectionGroup[];
}

export interface FirewallRulesSource {
  /** The classic rule collections of the firewall itself. */
  readonly classicRules: FirewallRuleCollectionGroup;
  readonly firewallPolicyId: string | undefined;
}

/** The policy chain of a firewall, its own policy first; cycles guarded. */
export interface AssembledRulebase extends FirewallRulebase {
  readonly policyIds: readonly string[];
}

/**
 * A firewall with a policy processes the policy's rules (and its parents'), not classic collections:
 * Azure does not let a firewall have both. Anything the chain references but the inventory lacks is
 * named in `missing`.
 */
export function assembleFirewallRules(firewall: FirewallRulesSource, policyOf: (id: string) => FirewallPolicyRules | undefined): AssembledRulebase {
  if (firewall.firewallPolicyId === undefined) return { layers: [{ source: 'classic', groups: [firewall.classicRules] }], missing: [], policyIds: [] };
  const chain: FirewallRuleLayer[] = [];
  const policyIds: string[] = [];
  const missing: string[] = [];
  const seen = new Set<string>();
  let policyId: string | undefined = firewall.firewallPolicyId;
  while (policyId !== undefined && !seen.has(policyId.toLowerCase())) {
    seen.add(policyId.toLowerCase());
    const policy = policyOf(policyId);
    if (policy === undefined) {
      missing.push(policyId);
      break;
    }
    policyIds.push(policy.id);
    const held = new Set(policy.groups.map((group) => group.id.toLowerCase()));
    for (const referenced of policy.referencedGroupIds) if (!held.has(referenced.toLowerCase())) missing.push(referenced);
    chain.push({ source: policy.id, groups: policy.groups });
    policyId = policy.basePolicyId;
  }
  // Parent policies are processed before their children.
  return { layers: chain.reverse(), missing, policyIds };
}
