/**
 * Public entry of the network-semantics module. Everything here is pure: no I/O, no clock.
 * Address math goes through ip-num only.
 */
export type {
  Access,
  Direction,
  NsgRule,
  ParsedNsg,
  ParsedRoute,
  ParsedRouteTable,
  Peer,
  PortRange,
  RouteDecision,
  RuleRef,
  ServiceTagIndex,
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
} from './cidr';

// NSG rules (nsg.ts): parsing ARM JSON and judging a flow.
export { parseNsg, evaluateNsg, evaluatePath, outboundRestriction } from './nsg';

// Service tags (service-tags.ts).
export { buildServiceTagIndex, splitRegionalTag } from './service-tags';

// Routes (routes.ts).
export { parseRouteTable, forcedTunnelRoute, routeFor, prefixesNotRoutedToInternet } from './routes';

// FQDN patterns of firewall application rules (fqdn.ts).
export { fqdnCovers } from './fqdn';
