import { nameOf } from '../../core/ids';
import type { JsonValue } from '../../core/types';
import type { Estate, NetworkSecurityGroup } from '../../estate/model';
import { evaluatePath, outboundRestriction } from '../../network';
import type { Direction, ParsedNsg, Peer, PortRange, RuleRef, ServiceTagIndex } from '../../network';
import type { CheckOutcome } from '../types';
import { computeIdsOfUses, regionsOfUses, subnetLabel, subnetNsgGate } from './compute-subnets';
import type { ComputeSubnetTarget } from './compute-subnets';

/**
 * Judging the flows the seed requires through the NSGs of a path (requirements.md, "How traffic
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
    const verdict = evaluatePath(nsgs, { ...flow, localPrefixes, region }, tags);
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

/** requirements.md: outbound is restricted when outbound TCP 443 to a generic Internet address is denied. */
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

/** "rule 'DenyAll' (priority 100) of NSG 'nsg-training'". */
export function ruleText(ref: RuleRef): string {
  return `rule '${ref.rule}' (priority ${ref.priority}) of NSG '${ref.nsgName}'`;
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
