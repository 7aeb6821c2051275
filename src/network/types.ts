/**
 * Types of the network-semantics module (docs/rules.md, "How traffic through an NSG is
 * judged" and "Routes"). Rules use these through src/network/index.ts and never parse CIDRs,
 * port strings or NSG rules themselves.
 */

export type Direction = 'Inbound' | 'Outbound';
export type Access = 'Allow' | 'Deny';

/** A parsed CIDR or bare IP (a bare IP is a /32 or /128). Non-canonical input (10.0.0.5/24) is read as its network. */
export interface ParsedCidr {
  /** As written (trimmed). */
  readonly text: string;
  readonly family: 'IPv4' | 'IPv6';
  readonly prefixLength: number;
  /** Canonical network address (IPv6 compressed, lowercase). */
  readonly networkAddress: string;
  /** Canonical "network/prefixLength". */
  readonly cidr: string;
  /** False when host bits were set (10.0.0.5/24). */
  readonly isCanonical: boolean;
  /** True when the text had no "/len" part. */
  readonly isSingleAddress: boolean;
}

export interface PortRange {
  readonly from: number;
  readonly to: number;
}

/** One NSG security rule with singular/plural ARM fields merged (sourceAddressPrefix + sourceAddressPrefixes…). */
export interface NsgRule {
  readonly name: string;
  readonly priority: number;
  readonly direction: Direction;
  readonly access: Access;
  /** As written: '*', 'Tcp', 'Udp', 'Icmp', 'Esp', 'Ah'. */
  readonly protocol: string;
  /** '*', service tags or CIDRs/IPs, as written. Empty when the rule uses ASGs instead. */
  readonly sourceAddresses: readonly string[];
  readonly destinationAddresses: readonly string[];
  /** '*', 'N' or 'A-B', as written. */
  readonly sourcePorts: readonly string[];
  readonly destinationPorts: readonly string[];
  readonly sourceAsgIds: readonly string[];
  readonly destinationAsgIds: readonly string[];
  /** True for Azure's default rules (defaultSecurityRules or the standard six). */
  readonly isDefault: boolean;
}

/** An NSG ready for evaluation: custom and default rules, per direction, in ascending priority. */
export interface ParsedNsg {
  readonly id: string;
  readonly name: string;
  readonly inbound: readonly NsgRule[];
  readonly outbound: readonly NsgRule[];
  /** Rules skipped because they were malformed, one line each; a non-empty list makes verdicts that depend on them `unknown`. */
  readonly problems: readonly string[];
  /**
   * What is known of each skipped rule (additive): evaluation treats it as a rule of unknown content at its
   * priority, so a verdict that depends on it is `unknown`. When absent while `problems` is not empty,
   * every verdict of this NSG that could depend on a skipped rule is `unknown`.
   */
  readonly skippedRules?: readonly SkippedNsgRule[];
}

/** A malformed NSG rule: whatever could be read of it. */
export interface SkippedNsgRule {
  readonly name: string | undefined;
  readonly direction: Direction | undefined;
  readonly priority: number | undefined;
  readonly access: Access | undefined;
  readonly problem: string;
}

/** The remote side of a flow: its source when inbound, its destination when outbound. */
export type Peer =
  /** A public Azure service tag (BatchNodeManagement, Storage, …), resolved in the query's region. */
  | { readonly kind: 'service-tag'; readonly tag: string }
  /** A generic Internet address: matched only by '*', 'Any', 'Internet', '0.0.0.0/0', '::/0'. */
  | { readonly kind: 'internet' };

export interface TrafficQuery {
  readonly direction: Direction;
  readonly protocol: 'Tcp' | 'Udp';
  /** Every port must be allowed for the flow to be allowed (29876-29877 is two ports). */
  readonly ports: PortRange;
  readonly peer: Peer;
  /** The subnet side of the flow (destination when inbound, source when outbound): all of it must match an Allow. */
  readonly localPrefixes: readonly string[];
  /** Region of the workspace, for regional tags (Storage.EastUS2). */
  readonly region: string | undefined;
}

export interface RuleRef {
  readonly nsgId: string;
  readonly nsgName: string;
  readonly rule: string;
  readonly priority: number;
  readonly access: Access;
  readonly isDefault: boolean;
}

export type TrafficVerdict =
  | { readonly decision: 'allow'; readonly decidedBy: readonly RuleRef[] }
  | { readonly decision: 'deny'; readonly decidedBy: RuleRef; readonly ports: PortRange }
  | { readonly decision: 'unknown'; readonly reason: string; readonly rule?: RuleRef };

export interface ParsedRoute {
  readonly name: string;
  /** A CIDR or a service-tag name, as written. */
  readonly addressPrefix: string;
  /** VirtualNetworkGateway, VnetLocal, Internet, VirtualAppliance, None (case as written). */
  readonly nextHopType: string;
  readonly nextHopIpAddress?: string;
}

export interface ParsedRouteTable {
  readonly id: string;
  readonly name: string;
  readonly routes: readonly ParsedRoute[];
  readonly problems: readonly string[];
  /**
   * Address prefixes (as written, when readable) of skipped routes (additive). A skipped route that may
   * cover a destination makes the decision `unknown`; when absent while `problems` is not empty, every
   * decision is `unknown`.
   */
  readonly skippedRoutes?: readonly SkippedRoute[];
}

export interface SkippedRoute {
  readonly name: string | undefined;
  readonly addressPrefix: string | undefined;
  readonly problem: string;
}

/** Where the prefixes of a service tag are routed (prefixesNotRoutedToInternet). */
export type TagRoutingResult =
  | {
      readonly decision: 'known';
      /** Prefixes of T.R (or T) some part of which is not routed to next hop Internet; empty when all are. */
      readonly notRoutedToInternet: readonly PrefixRouting[];
    }
  | { readonly decision: 'unknown'; readonly reason: string };

export interface PrefixRouting {
  readonly prefix: string;
  /** The route that takes (part of) the prefix elsewhere than the Internet. */
  readonly route: ParsedRoute;
  readonly isSystemDefault: boolean;
}

/**
 * outboundRestriction(): outbound is restricted when TCP 443 to a generic Internet address is denied
 * (docs/rules.md). `decidedBy` is the denying rule, or the allowing rule of each NSG on the path.
 */
export type OutboundRestriction =
  | { readonly state: 'restricted'; readonly decidedBy: RuleRef }
  | { readonly state: 'open'; readonly decidedBy: readonly RuleRef[] }
  | { readonly state: 'unknown'; readonly reason: string; readonly rule?: RuleRef };

/** The route chosen for a destination by longest prefix match (the system default when no route matches). */
export type RouteDecision =
  | { readonly decision: 'route'; readonly route: ParsedRoute; readonly isSystemDefault: boolean }
  | { readonly decision: 'unknown'; readonly reason: string };

export interface ServiceTagIndex {
  /** False when the inventory carried no service-tag data. */
  readonly hasData: boolean;
  /** Prefixes of a tag by exact name (case-insensitive), or undefined when unknown. */
  prefixesOf(tagName: string): readonly string[] | undefined;
  /** Prefixes of T.R, else of T where the data has no regional entry; undefined without data. */
  regionalPrefixes(tag: string, region: string | undefined): readonly string[] | undefined;
}
