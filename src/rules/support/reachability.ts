import { idKey, nameOf } from '../../core/ids';
import type { JsonValue } from '../../core/types';
import type { ComputeSubnetRole, Estate, FirewalledResource } from '../../estate';
import type { CheckOutcome, RuleSubject } from '../types';
import { firewallEvidence, firewallSummary, securedGate } from './associated';

/**
 * docs/rules.md, "Reachable from a subnet" (storage, key vault, registry): the subnet is in the
 * resource's virtual network rules (storage and key vault: and the subnet carries the service
 * endpoint, or the rule admits nothing), or an approved private endpoint of the resource sits in
 * a subnet of the same VNet. With publicNetworkAccess Disabled only private endpoints count.
 */

export type FirewalledKind = 'storage' | 'keyvault' | 'registry';

/** Why a subnet reaches the resource, why it does not, or what the answer waits on. */
export type ReachReason =
  | 'virtual-network-rule'
  | 'private-endpoint'
  | 'not-in-rules'
  | 'missing-service-endpoint'
  | 'public-access-disabled'
  | 'subnet-not-in-inventory'
  | 'private-endpoint-not-in-inventory';

export type ReachVerdict = 'reachable' | 'unreachable' | 'unknown';

export interface SubnetReach {
  /** As the caller wrote it. */
  readonly subnetId: string;
  /** The subnet's VNet (from its row, else from its ID); undefined when the ID names none. */
  readonly vnetId: string | undefined;
  readonly verdict: ReachVerdict;
  readonly reason: ReachReason;
  /** The approved private endpoint in the same VNet, when that is the way in. */
  readonly privateEndpointId?: string;
  /** The subnet's service endpoints, when the reason turns on them. */
  readonly serviceEndpoints?: readonly string[];
  /** Approved endpoint connections whose endpoint (or its subnet) the inventory lacks. */
  readonly unresolvedPrivateEndpointIds?: readonly string[];
}

/** Service endpoint names that make a virtual network rule effective (case-insensitive). */
const SERVICE_ENDPOINTS: Readonly<Record<FirewalledKind, readonly string[] | undefined>> = {
  storage: ['microsoft.storage', 'microsoft.storage.global'],
  keyvault: ['microsoft.keyvault'],
  // docs/rules.md asks service endpoints of storage and key vault only.
  registry: undefined,
};

const SUBNET_ID = /^(.*\/virtualnetworks\/[^/]+)\/subnets\/[^/]+$/i;

/** The VNet of a subnet: its row's vnetId, else its ID without "/subnets/x"; undefined for an ID that names no subnet. */
export function vnetIdOf(estate: Estate, subnetId: string): string | undefined {
  const fromRow = estate.subnet(subnetId)?.vnetId;
  if (fromRow !== undefined && fromRow !== '') return fromRow;
  return SUBNET_ID.exec(subnetId.trim().replace(/\/+$/, ''))?.[1];
}

/** A resource's ways in, indexed once so that each subnet is judged in constant time. */
export interface Reachability {
  fromSubnet(subnetId: string): SubnetReach;
}

export function reachabilityOf(estate: Estate, resource: FirewalledResource, kind: FirewalledKind): Reachability {
  const publicAccessDisabled = resource.publicNetworkAccess?.toLowerCase() === 'disabled';
  const ruleSubnets = new Set<string>();
  for (const rule of resource.virtualNetworkRules) {
    // Virtual network rules only ever allow; a rule written with another action admits nothing.
    if (rule.action === undefined || rule.action.toLowerCase() === 'allow') ruleSubnets.add(idKey(rule.subnetId));
  }
  const endpointByVnet = new Map<string, string>();
  const resolved = new Set<string>();
  for (const endpoint of estate.approvedPrivateEndpointsOf(resource.id)) {
    if (endpoint.subnetId === undefined) continue;
    resolved.add(endpoint.key);
    const vnetId = vnetIdOf(estate, endpoint.subnetId);
    if (vnetId !== undefined && !endpointByVnet.has(idKey(vnetId))) endpointByVnet.set(idKey(vnetId), endpoint.id);
  }
  const unresolved = resource.privateEndpointConnections
    .filter((connection) => connection.status?.toLowerCase() === 'approved' && connection.privateEndpointId !== undefined)
    .map((connection) => connection.privateEndpointId as string)
    .filter((id) => !resolved.has(idKey(id)));
  const wantedEndpoints = SERVICE_ENDPOINTS[kind];

  return {
    fromSubnet(subnetId: string): SubnetReach {
      const vnetId = vnetIdOf(estate, subnetId);
      const base = { subnetId, vnetId };
      const endpointId = vnetId !== undefined ? endpointByVnet.get(idKey(vnetId)) : undefined;
      if (endpointId !== undefined) return { ...base, verdict: 'reachable', reason: 'private-endpoint', privateEndpointId: endpointId };
      // Not reachable as far as the inventory shows; an approved endpoint it lacks could still serve this VNet.
      const notReachable = (reason: ReachReason, extra: Partial<SubnetReach> = {}): SubnetReach =>
        unresolved.length > 0
          ? { ...base, ...extra, verdict: 'unknown', reason: 'private-endpoint-not-in-inventory', unresolvedPrivateEndpointIds: unresolved }
          : { ...base, ...extra, verdict: 'unreachable', reason };
      if (publicAccessDisabled) return notReachable('public-access-disabled');
      if (!ruleSubnets.has(idKey(subnetId))) return notReachable('not-in-rules');
      if (wantedEndpoints === undefined) return { ...base, verdict: 'reachable', reason: 'virtual-network-rule' };
      const subnet = estate.subnet(subnetId);
      if (subnet === undefined) return { ...base, verdict: 'unknown', reason: 'subnet-not-in-inventory' };
      const serviceEndpoints = subnet.serviceEndpoints;
      if (serviceEndpoints.some((service) => wantedEndpoints.includes(service.trim().toLowerCase()))) {
        return { ...base, verdict: 'reachable', reason: 'virtual-network-rule', serviceEndpoints };
      }
      return notReachable('missing-service-endpoint', { serviceEndpoints });
    },
  };
}

/** A compute subnet of the workspaces served, judged once, with every compute that uses it. */
export interface ComputeSubnetReach extends SubnetReach {
  readonly computes: readonly { readonly computeId: string; readonly role: ComputeSubnetRole; readonly workspaceId: string }[];
}

/**
 * Every compute subnet (of the given roles) of the workspaces, judged against the resource.
 * A resource shared by several workspaces is judged from the compute subnets of all of them.
 */
export function computeSubnetReachability(
  estate: Estate,
  resource: FirewalledResource,
  kind: FirewalledKind,
  workspaceIds: readonly string[],
  roles: readonly ComputeSubnetRole[],
): ComputeSubnetReach[] {
  const wanted = new Set(roles);
  const reachability = reachabilityOf(estate, resource, kind);
  const bySubnet = new Map<string, { reach: SubnetReach; computes: { computeId: string; role: ComputeSubnetRole; workspaceId: string }[] }>();
  const seenWorkspaces = new Set<string>();
  for (const workspaceId of workspaceIds) {
    if (seenWorkspaces.has(idKey(workspaceId))) continue;
    seenWorkspaces.add(idKey(workspaceId));
    for (const use of estate.computeSubnetsOf(workspaceId)) {
      if (!wanted.has(use.role)) continue;
      const key = idKey(use.subnetId);
      let entry = bySubnet.get(key);
      if (!entry) {
        entry = { reach: reachability.fromSubnet(use.subnetId), computes: [] };
        bySubnet.set(key, entry);
      }
      if (!entry.computes.some((compute) => compute.computeId === use.compute.id && compute.role === use.role)) {
        entry.computes.push({ computeId: use.compute.id, role: use.role, workspaceId: use.compute.workspaceId });
      }
    }
  }
  return [...bySubnet.values()].map(({ reach, computes }) => ({ ...reach, computes }));
}

/** The message IDs every "compute subnets reach the resource" rule defines. */
export type ComputeSubnetAccessMessageId = 'reachable' | 'unreachable' | 'undetermined' | 'notSecured' | 'unreadable' | 'missing' | 'noComputeSubnet';

function reachEvidence(reach: ComputeSubnetReach): { [key: string]: JsonValue } {
  return {
    subnetId: reach.subnetId,
    vnetId: reach.vnetId ?? null,
    reason: reach.reason,
    ...(reach.privateEndpointId !== undefined ? { privateEndpointId: reach.privateEndpointId } : {}),
    ...(reach.serviceEndpoints !== undefined ? { serviceEndpoints: [...reach.serviceEndpoints] } : {}),
    ...(reach.unresolvedPrivateEndpointIds !== undefined ? { unresolvedPrivateEndpointIds: [...reach.unresolvedPrivateEndpointIds] } : {}),
    computes: reach.computes.map((compute) => ({ computeId: compute.computeId, role: compute.role })),
  };
}

const REASON_TEXT: Readonly<Record<ReachReason, string>> = {
  'virtual-network-rule': 'virtual network rule',
  'private-endpoint': 'private endpoint in its VNet',
  'not-in-rules': 'not in the virtual network rules and no approved private endpoint in its VNet',
  'missing-service-endpoint': 'in the virtual network rules but the subnet lacks the service endpoint',
  'public-access-disabled': 'public network access is Disabled and no approved private endpoint is in its VNet',
  'subnet-not-in-inventory': 'in the virtual network rules but the subnet is not in the inventory (its service endpoints are unknown)',
  'private-endpoint-not-in-inventory': 'an approved private endpoint of the resource is not in the inventory, so its VNet is unknown',
};

function describeReaches(reaches: readonly ComputeSubnetReach[]): string {
  return reaches
    .map((reach) => `${reach.vnetId !== undefined ? nameOf(reach.vnetId) : '?'}/${nameOf(reach.subnetId)} (${REASON_TEXT[reach.reason]}; used by ${reach.computes.map((compute) => nameOf(compute.computeId)).join(', ')})`)
    .join('; ');
}

/**
 * The whole check of the rules "a compute subnet of the workspace cannot reach the secured
 * resource": not-applicable when the resource is not secured or no compute of the roles runs in
 * a subnet; unknown when the resource or a deciding fact is missing; fail when any subnet is
 * unreachable (the evidence lists each with its reason and its computes).
 */
export function checkComputeSubnetAccess<T extends FirewalledResource>(
  subject: RuleSubject<T | undefined>,
  estate: Estate,
  kind: FirewalledKind,
  roles: readonly ComputeSubnetRole[],
): CheckOutcome<ComputeSubnetAccessMessageId> {
  const gate = securedGate(subject.resourceId, subject.target);
  if (gate.kind === 'missing') {
    return { status: 'unknown', messageId: 'missing', data: { name: subject.resourceId }, evidence: { missingResourceId: subject.resourceId } };
  }
  const resource = gate.resource;
  const firewall = firewallEvidence(resource);
  const how = firewallSummary(resource);
  if (gate.kind === 'unreadable') return { status: 'unknown', messageId: 'unreadable', data: { name: resource.name, how }, evidence: firewall };
  if (gate.kind === 'open') return { status: 'not-applicable', messageId: 'notSecured', data: { name: resource.name, how }, evidence: firewall };

  const reaches = computeSubnetReachability(estate, resource, kind, subject.workspaceIds, roles);
  if (reaches.length === 0) {
    return { status: 'not-applicable', messageId: 'noComputeSubnet', data: { name: resource.name, roles: roles.join(', ') }, evidence: { ...firewall, roles: [...roles] } };
  }
  const unreachable = reaches.filter((reach) => reach.verdict === 'unreachable');
  const undetermined = reaches.filter((reach) => reach.verdict === 'unknown');
  const reachable = reaches.filter((reach) => reach.verdict === 'reachable');
  const evidence = {
    ...firewall,
    unreachableSubnets: unreachable.map(reachEvidence),
    undeterminedSubnets: undetermined.map(reachEvidence),
    reachableSubnets: reachable.map(reachEvidence),
  };
  if (unreachable.length > 0) {
    return {
      status: 'fail',
      messageId: 'unreachable',
      data: { name: resource.name, count: unreachable.length, total: reaches.length, subnets: describeReaches(unreachable) },
      evidence,
    };
  }
  if (undetermined.length > 0) {
    return {
      status: 'unknown',
      messageId: 'undetermined',
      data: { name: resource.name, count: undetermined.length, total: reaches.length, subnets: describeReaches(undetermined) },
      evidence,
    };
  }
  return { status: 'pass', messageId: 'reachable', data: { name: resource.name, total: reaches.length, subnets: describeReaches(reachable) }, evidence };
}
