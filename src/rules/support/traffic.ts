import { nameOf } from '../../core/ids';
import type { JsonValue } from '../../core/types';
import type { Estate, NetworkSecurityGroup } from '../../estate';
import { evaluatePath, outboundRestriction } from '../../network';
import type { Direction, ParsedNsg, Peer, PortRange, RuleRef, ServiceTagIndex } from '../../network';
import type { CheckOutcome } from '../types';
import { computeIdsOfUses, regionsOfUses, subnetLabel, subnetNsgGate } from './compute-subnets';
import type { ComputeSubnetTarget } from './compute-subnets';

/**
 * Judging the flows the source document requires through the NSGs of a path (docs/rules.md, "How traffic
 * through an NSG is judged"), for the workspaces' regions, and writing the verdicts as evidence.
 * Everything is asked of src/network; nothing here reads a CIDR, a port or an NSG rule.
 */

export interface Flow {
  readonly direction: Direction;
  readonly protocol: 'Tcp' | 'Udp';
  readonly ports: PortRange;
  readonly peer: Peer;
}

export type FlowOutcome =
  | { readonly decision: 'allow'; readonly decidedBy: readonly RuleRef[] }
  | { readonly decision: 'deny'; readonly decidedBy: RuleRef; readonly ports: PortRange; readonly region: string | null }
  | { readonly decision: 'unknown'; readonly reason: string; readonly rule: RuleRef | undefined; readonly region: string | null };

export function tcp(from: number, to: number = from): PortRange {
  return { from, to };
}

export function serviceTag(tag: string): Peer {
  return { kind: 'service-tag', tag };
}

export const INTERNET: Peer = { kind: 'internet' };

/**
 * A flow through every NSG of the path, judged in each region: denied when denied in any region,
 * else unknown when unknown in any, else allowed. A workspace of unknown region turns anything but
 * an allow into `unknown` (a regional rule such as Storage.EastUS cannot be judged without it).
 */
export function judgeFlow(
  nsgs: readonly ParsedNsg[],
  flow: Flow,
  localPrefixes: readonly string[],
  regions: readonly (string | undefined)[],
  tags: ServiceTagIndex,
): FlowOutcome {
  let unknown: FlowOutcome | undefined;
  const allowedBy: RuleRef[] = [];
  for (const region of regions.length > 0 ? regions : [undefined]) {
    // Written out, not `{ ...flow, … }`: on Node 20 a spread and more properties give each query a
    // hidden class of its own, and the NSG engine's every read of it went megamorphic.
    const verdict = evaluatePath(nsgs, { direction: flow.direction, protocol: flow.protocol, ports: flow.ports, peer: flow.peer, localPrefixes, region }, tags);
    if (verdict.decision === 'allow') {
      for (const ref of verdict.decidedBy) if (!allowedBy.includes(ref)) allowedBy.push(ref);
      continue;
    }
    if (region === undefined && flow.peer.kind === 'service-tag') {
      unknown ??= { decision: 'unknown', reason: 'the workspace region is not known, so regional service tags cannot be compared', rule: undefined, region: null };
      continue;
    }
    if (verdict.decision === 'deny') return { decision: 'deny', decidedBy: verdict.decidedBy, ports: verdict.ports, region: region ?? null };
    unknown ??= { decision: 'unknown', reason: verdict.reason, rule: verdict.rule, region: region ?? null };
  }
  return unknown ?? { decision: 'allow', decidedBy: allowedBy };
}

export type Restriction =
  | { readonly state: 'restricted'; readonly decidedBy: RuleRef }
  | { readonly state: 'open'; readonly decidedBy: readonly RuleRef[] }
  | { readonly state: 'unknown'; readonly reason: string; readonly rule: RuleRef | undefined };

/** docs/rules.md: outbound is restricted when outbound TCP 443 to a generic Internet address is denied. */
export function restrictionOf(nsgs: readonly ParsedNsg[], localPrefixes: readonly string[], tags: ServiceTagIndex, region: string | undefined): Restriction {
  const result = outboundRestriction(nsgs, localPrefixes, tags, region);
  if (result.state === 'unknown') return { state: 'unknown', reason: result.reason, rule: result.rule };
  return result;
}

// ---------- evidence ----------

export function ruleRefJson(ref: RuleRef): { [key: string]: JsonValue } {
  return { nsgId: ref.nsgId, rule: ref.rule, priority: ref.priority, access: ref.access, isDefault: ref.isDefault };
}

export function portsText(range: PortRange): string {
  return range.from === range.to ? String(range.from) : `${range.from}-${range.to}`;
}

export function peerText(peer: Peer): string {
  return peer.kind === 'internet' ? 'Internet' : peer.tag;
}

/** One flow's verdict as evidence: the deciding rule, the ports, the region. */
export function outcomeJson(flow: Flow, outcome: FlowOutcome): { [key: string]: JsonValue } {
  const base = { direction: flow.direction, protocol: flow.protocol, ports: portsText(flow.ports), peer: peerText(flow.peer) };
  switch (outcome.decision) {
    case 'allow':
      return { ...base, decision: 'allow', allowedBy: outcome.decidedBy.map(ruleRefJson) };
    case 'deny':
      return {
        ...base,
        decision: 'deny',
        nsgId: outcome.decidedBy.nsgId,
        rule: outcome.decidedBy.rule,
        priority: outcome.decidedBy.priority,
        deniedPorts: portsText(outcome.ports),
        region: outcome.region,
      };
    default:
      return { ...base, decision: 'unknown', reason: outcome.reason, rule: outcome.rule ? ruleRefJson(outcome.rule) : null, region: outcome.region };
  }
}

/** The NSGs of a path by ID: the parsed ones, and the IDs the inventory lacks. */
export function nsgsByIds(estate: Estate, nsgIds: readonly string[]): { readonly nsgs: NetworkSecurityGroup[]; readonly missing: string[] } {
  const nsgs: NetworkSecurityGroup[] = [];
  const missing: string[] = [];
  for (const id of nsgIds) {
    const nsg = estate.networkSecurityGroup(id);
    if (nsg) {
      if (!nsgs.some((known) => known.key === nsg.key)) nsgs.push(nsg);
    } else if (!missing.includes(id)) missing.push(id);
  }
  return { nsgs, missing };
}

// ---------- inbound flows a subnet must admit (nsg.batch-inbound, nsg.instance-inbound) ----------

export type RequiredInboundMessageId = 'allowed' | 'blocked' | 'undetermined' | 'privateNodes' | 'noNsg' | 'missingSubnet' | 'missingNsg';

/**
 * A required inbound flow into a subnet with an NSG, for the computes of `uses`. Not applicable when
 * the subnet has no NSG, or when every compute has `enableNodePublicIp: false`.
 */
export function requiredInboundCheck(
  estate: Estate,
  target: ComputeSubnetTarget,
  flow: Flow,
): CheckOutcome<RequiredInboundMessageId> {
  const computeIds = computeIdsOfUses(target.uses);
  const label = subnetLabel(target.subnetId);
  if (target.uses.length > 0 && target.uses.every((use) => use.compute.enableNodePublicIp === false)) {
    return { status: 'not-applicable', messageId: 'privateNodes', data: { name: label }, evidence: { computeIds, enableNodePublicIp: false } };
  }
  const gate = subnetNsgGate(estate, target);
  switch (gate.kind) {
    case 'missing-subnet':
      return { status: 'unknown', messageId: 'missingSubnet', data: { name: label }, evidence: { missingResourceId: target.subnetId, computeIds } };
    case 'no-nsg':
      return { status: 'not-applicable', messageId: 'noNsg', data: { name: label }, evidence: { nsgId: null, computeIds } };
    case 'missing-nsg':
      return { status: 'unknown', messageId: 'missingNsg', data: { name: label, nsg: nameOf(gate.nsgId) }, evidence: { missingResourceId: gate.nsgId, computeIds } };
    default:
      break;
  }
  const { subnet, nsg } = gate;
  const outcome = judgeFlow([nsg.parsed], flow, subnet.addressPrefixes, regionsOfUses(estate, target.uses), estate.serviceTags);
  const data = { name: label, nsg: nsg.name, ports: portsText(flow.ports), peer: peerText(flow.peer) };
  const flowEvidence = { nsgId: nsg.id, direction: flow.direction, protocol: flow.protocol, ports: portsText(flow.ports), peer: peerText(flow.peer), computeIds };
  if (outcome.decision === 'allow') {
    return { status: 'pass', messageId: 'allowed', data, evidence: { ...flowEvidence, allowedBy: outcome.decidedBy.map(ruleRefJson) } };
  }
  if (outcome.decision === 'deny') {
    return {
      status: 'fail',
      messageId: 'blocked',
      data: { ...data, rule: outcome.decidedBy.rule, priority: outcome.decidedBy.priority, denied: portsText(outcome.ports) },
      evidence: { ...flowEvidence, rule: outcome.decidedBy.rule, priority: outcome.decidedBy.priority, deniedPorts: portsText(outcome.ports), region: outcome.region },
    };
  }
  return {
    status: 'unknown',
    messageId: 'undetermined',
    data: { ...data, reason: outcome.reason },
    evidence: { ...flowEvidence, reason: outcome.reason, rule: outcome.rule ? outcome.rule.rule : null, priority: outcome.rule ? outcome.rule.priority : null, region: outcome.region },
  };
}

// ---------- outbound flows a restricted subnet must still allow ----------

/** One NSG path out of the subnet: the subnet NSG, and a NIC NSG for an attached VM. */
export interface OutboundPath {
  /** Where the traffic leaves from: "subnet" or the NIC name. */
  readonly label: string;
  readonly nsgs: readonly NetworkSecurityGroup[];
  /** NSGs the path names that the inventory lacks. */
  readonly missingNsgIds: readonly string[];
  readonly localPrefixes: readonly string[];
}

/** A service-tag destination the source document requires, on one port (TCP unless said). */
export interface RequiredOutbound {
  readonly tag: string;
  readonly port: number;
  readonly protocol?: 'Tcp' | 'Udp';
  /** True when the source document names the regional tag (Storage.<Region>). */
  readonly regional: boolean;
}

export type RestrictedOutboundMessageId =
  | 'allowed'
  | 'blocked'
  | 'undetermined'
  | 'notRestricted'
  | 'restrictionUnknown'
  | 'noNsg'
  | 'missingSubnet'
  | 'missingNsg';

/**
 * The messages of a rule judged by subnetRestrictedOutboundCheck: what is blocked, and what being
 * unrestricted means, are the rule's own sentences; the rest is the same for every such rule.
 */
export function restrictedOutboundMessages(own: { readonly blocked: string; readonly notRestricted: string }): Readonly<Record<RestrictedOutboundMessageId, string>> {
  return {
    allowed: "Subnet '{{name}}' restricts outbound traffic and still allows {{needed}}.",
    blocked: own.blocked,
    undetermined: "Subnet '{{name}}' restricts outbound traffic, but whether it allows {{needed}} cannot be told: {{reason}}.",
    notRestricted: own.notRestricted,
    restrictionUnknown: "Whether subnet '{{name}}' restricts outbound traffic cannot be told: {{reason}}.",
    noNsg: "Subnet '{{name}}' has no NSG, so its outbound traffic is not restricted.",
    missingSubnet: "Subnet '{{name}}' hosts clusters or instances but is not in the inventory; its outbound rules cannot be judged.",
    missingNsg: "The NSG of subnet '{{name}}' is not in the inventory; its outbound rules cannot be judged ({{reason}}).",
  };
}

type PathVerdict =
  | { readonly kind: 'open'; readonly evidence: { [key: string]: JsonValue } }
  | { readonly kind: 'pass' | 'fail'; readonly evidence: { [key: string]: JsonValue }; readonly blocked: string[] }
  | {
      readonly kind: 'unknown';
      readonly cause: 'missing-nsg' | 'restriction' | 'flow';
      readonly evidence: { [key: string]: JsonValue };
      readonly reason: string;
    };

function requiredName(required: RequiredOutbound): string {
  return `${required.tag}${required.regional ? '.<Region>' : ''} ${protocolText(required)} ${required.port}`;
}

function protocolText(required: RequiredOutbound): string {
  return (required.protocol ?? 'Tcp').toUpperCase();
}

function judgePath(path: OutboundPath, required: readonly RequiredOutbound[], regions: readonly (string | undefined)[], tags: ServiceTagIndex): PathVerdict {
  const nsgIds = path.nsgs.map((nsg) => nsg.id);
  if (path.missingNsgIds.length > 0) {
    return { kind: 'unknown', cause: 'missing-nsg', reason: `NSG ${path.missingNsgIds.map(nameOf).join(', ')} is not in the inventory`, evidence: { path: path.label, nsgIds, missingNsgIds: [...path.missingNsgIds] } };
  }
  const parsed = path.nsgs.map((nsg) => nsg.parsed);
  const restriction = restrictionOf(parsed, path.localPrefixes, tags, regions[0]);
  if (restriction.state === 'open') {
    return { kind: 'open', evidence: { path: path.label, nsgIds, restricted: false, openedBy: restriction.decidedBy.map(ruleRefJson) } };
  }
  if (restriction.state === 'unknown') {
    return {
      kind: 'unknown',
      cause: 'restriction',
      reason: `whether outbound TCP 443 to the Internet is denied cannot be told: ${restriction.reason}`,
      evidence: { path: path.label, nsgIds, restricted: null, reason: restriction.reason, rule: restriction.rule ? ruleRefJson(restriction.rule) : null },
    };
  }
  const blocked: { tag: string; regional: boolean; protocol?: string; port: number; nsgId: string; rule: string; priority: number; region: string | null }[] = [];
  const undetermined: { tag: string; regional: boolean; port: number; reason: string; rule: string | null; priority: number | null; region: string | null }[] = [];
  const allowed: string[] = [];
  for (const item of required) {
    const flow: Flow = { direction: 'Outbound', protocol: item.protocol ?? 'Tcp', ports: tcp(item.port), peer: serviceTag(item.tag) };
    const outcome = judgeFlow(parsed, flow, path.localPrefixes, regions, tags);
    const name = requiredName(item);
    if (outcome.decision === 'allow') allowed.push(name);
    else if (outcome.decision === 'deny') {
      // The protocol is written only where it is not TCP, the 2020 rules' only one.
      blocked.push({ tag: item.tag, regional: item.regional, ...(item.protocol !== undefined ? { protocol: protocolText(item) } : {}), port: item.port, nsgId: outcome.decidedBy.nsgId, rule: outcome.decidedBy.rule, priority: outcome.decidedBy.priority, region: outcome.region });
    } else {
      undetermined.push({ tag: item.tag, regional: item.regional, port: item.port, reason: outcome.reason, rule: outcome.rule?.rule ?? null, priority: outcome.rule?.priority ?? null, region: outcome.region });
    }
  }
  const evidence = { path: path.label, nsgIds, restricted: true, restrictedBy: ruleRefJson(restriction.decidedBy), allowed, blocked, undetermined };
  const blockedNames = blocked.map((item) => `${item.tag}${item.regional ? `.${item.region ?? '<Region>'}` : ''} ${item.protocol ?? 'TCP'} ${item.port} (rule '${item.rule}', priority ${item.priority})`);
  if (blocked.length > 0) return { kind: 'fail', evidence, blocked: blockedNames };
  if (undetermined.length > 0) return { kind: 'unknown', cause: 'flow', evidence, reason: undetermined[0]?.reason ?? '' };
  return { kind: 'pass', evidence, blocked: [] };
}

/**
 * The source document's outbound requirements on a subject whose outbound is restricted (docs/rules.md:
 * TCP 443 to a generic Internet address denied), over every NSG path out of it. Not applicable
 * when no path is restricted; fail when a restricted path blocks a required flow.
 */
export function restrictedOutboundCheck(
  estate: Estate,
  subject: { readonly name: string; readonly computeIds: readonly string[] },
  paths: readonly OutboundPath[],
  required: readonly RequiredOutbound[],
  regions: readonly (string | undefined)[],
): CheckOutcome<RestrictedOutboundMessageId> {
  const computeIds = [...subject.computeIds];
  const needed = required.map(requiredName).join(', ');
  if (paths.length === 0) return { status: 'not-applicable', messageId: 'noNsg', data: { name: subject.name }, evidence: { nsgIds: [], computeIds } };
  const verdicts = paths.map((path) => judgePath(path, required, regions, estate.serviceTags));
  const evidence = { paths: verdicts.map((verdict) => verdict.evidence), computeIds };
  const failed = verdicts.filter((verdict) => verdict.kind === 'fail');
  if (failed.length > 0) {
    const blocked = failed.flatMap((verdict) => (verdict.kind === 'fail' ? verdict.blocked : []));
    const first = verdicts.find((verdict) => verdict.kind === 'fail')?.evidence;
    return {
      status: 'fail',
      messageId: 'blocked',
      data: { name: subject.name, blocked: blocked.join('; '), needed },
      evidence: { ...evidence, blocked: failed.flatMap((verdict) => (verdict.evidence.blocked as JsonValue[]) ?? []), restrictedBy: first?.restrictedBy ?? null },
    };
  }
  for (const verdict of verdicts) {
    if (verdict.kind !== 'unknown') continue;
    const messageId = verdict.cause === 'missing-nsg' ? 'missingNsg' : verdict.cause === 'restriction' ? 'restrictionUnknown' : 'undetermined';
    return { status: 'unknown', messageId, data: { name: subject.name, reason: verdict.reason, needed }, evidence: { ...evidence, reason: verdict.reason } };
  }
  if (verdicts.some((verdict) => verdict.kind === 'pass')) return { status: 'pass', messageId: 'allowed', data: { name: subject.name, needed }, evidence };
  return { status: 'not-applicable', messageId: 'notRestricted', data: { name: subject.name }, evidence };
}

/** The single outbound path of a subnet subject (its NSG), or the reason it cannot be judged. */
export function subnetOutboundPaths(
  estate: Estate,
  target: ComputeSubnetTarget,
): { readonly kind: 'paths'; readonly paths: OutboundPath[] } | { readonly kind: 'missing-subnet' } {
  const gate = subnetNsgGate(estate, target);
  switch (gate.kind) {
    case 'missing-subnet':
      return { kind: 'missing-subnet' };
    case 'no-nsg':
      return { kind: 'paths', paths: [] };
    case 'missing-nsg':
      return { kind: 'paths', paths: [{ label: 'subnet', nsgs: [], missingNsgIds: [gate.nsgId], localPrefixes: gate.subnet.addressPrefixes }] };
    default:
      return { kind: 'paths', paths: [{ label: 'subnet', nsgs: [gate.nsg], missingNsgIds: [], localPrefixes: gate.subnet.addressPrefixes }] };
  }
}

/** Check of a cluster/instance subnet against required outbound flows, once its outbound is restricted. */
export function subnetRestrictedOutboundCheck(
  estate: Estate,
  target: ComputeSubnetTarget,
  required: readonly RequiredOutbound[],
): CheckOutcome<RestrictedOutboundMessageId> {
  const name = subnetLabel(target.subnetId);
  const computeIds = computeIdsOfUses(target.uses);
  const paths = subnetOutboundPaths(estate, target);
  if (paths.kind === 'missing-subnet') {
    return { status: 'unknown', messageId: 'missingSubnet', data: { name }, evidence: { missingResourceId: target.subnetId, computeIds } };
  }
  return restrictedOutboundCheck(estate, { name, computeIds }, paths.paths, required, regionsOfUses(estate, target.uses));
}
