/**
 * Public entry of the network-semantics module. Everything here is pure: no I/O, no clock.
 * Address math goes through ip-num only.
 */
export type {
  Access,
  Direction,
  NsgRule,
  OutboundRestriction,
  ParsedCidr,
  ParsedNsg,
  ParsedRoute,
  ParsedRouteTable,
  Peer,
  PortRange,
  PrefixRouting,
  RouteDecision,
  RuleRef,
  ServiceTagIndex,
  SkippedNsgRule,
  SkippedRoute,
  TagRoutingResult,
  TrafficQuery,
  TrafficVerdict,
} from './types';

// Address math (cidr.ts): parse, overlap, containment, counting.
export {
  parseCidr,
  isIpAddress,
  cidrsOverlap,
  cidrContains,
  ipInCidr,
  networkAddressOf,
  firstHostAddressOf,
  usableAddressCount,
  sameIpAddress,
} from './cidr';

// NSG rules (nsg.ts): parsing ARM JSON and judging a flow.
// evaluatePath: every NSG on the path must allow; the first deny decides, else the first unknown.
// outboundRestriction(nsgs, localPrefixes, tags, region): OutboundRestriction, judged on outbound
// TCP 443 to a generic Internet address: { state: 'restricted', decidedBy: RuleRef } when denied,
// { state: 'open', decidedBy: RuleRef[] } when allowed, { state: 'unknown', reason, rule? } otherwise.
export { parseNsg, evaluateNsg, evaluatePath, outboundRestriction } from './nsg';

// Service tags (service-tags.ts).
export { buildServiceTagIndex, splitRegionalTag } from './service-tags';

// Routes (routes.ts). prefixesNotRoutedToInternet answers a TagRoutingResult:
// { decision: 'known', notRoutedToInternet: PrefixRouting[] } or { decision: 'unknown', reason }.
export { parseRouteTable, forcedTunnelRoute, routeFor, prefixesNotRoutedToInternet } from './routes';

// FQDN patterns of firewall application rules (fqdn.ts).
export { fqdnCovers } from './fqdn';

// Azure Firewall rule processing (firewall.ts): parse classic collections and policy rule collection
// groups, assemble a firewall's rules (policy chain, parents first), judge TCP 443 to a host.
export type {
  AssembledRulebase,
  FirewallAction,
  FirewallApplicationRule,
  FirewallNetworkRule,
  FirewallPolicyRules,
  FirewallQuery,
  FirewallRule,
  FirewallRuleCollection,
  FirewallRuleCollectionGroup,
  FirewallRuleRef,
  FirewallRulebase,
  FirewallVerdict,
  IpGroupResolver,
} from './firewall';
export { assembleFirewallRules, describeRef, evaluateFirewall, orderedFirewallRules, parseClassicFirewallRules, parseRuleCollectionGroup } from './firewall';
