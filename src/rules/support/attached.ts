import { idKey, nameOf, parentId, sameId, subscriptionOf } from '../../core/ids';
import type { JsonValue } from '../../core/types';
import type { AksCluster, Compute, ComputeType, Estate, Subnet, VirtualNetwork, Workspace } from '../../estate';
import { cidrsOverlap } from '../../network';
import type { RuleSubject } from '../types';
import { perEstate } from './per-estate';

/**
 * Shared notions of the rules on attached resources (AKS clusters, VMs, Databricks workspaces)
 * and on the VNets computes run in. Everything here asks the estate graph; nothing parses CIDRs.
 */

/** An attached resource, the computes that attach it, and the resource's view when the inventory has it. */
export interface AttachedTarget<T> {
  /** properties.resourceId of the first attaching compute, as written; undefined when no compute names one. */
  readonly attachedId: string | undefined;
  readonly resource: T | undefined;
  readonly computes: readonly Compute[];
}

/**
 * One subject per distinct attached resource of `computeType` (case-insensitive), with every
 * workspace that attaches it. A compute that names no resource is a subject of its own (keyed by
 * the compute ID, target resource undefined) so the rule answers `unknown` rather than skipping it.
 * Linear: one pass over the computes.
 */
export function attachedResourceSubjects<T extends { readonly id: string }>(
  estate: Estate,
  computeType: ComputeType,
  lookup: (id: string) => T | undefined,
): RuleSubject<AttachedTarget<T>>[] {
  // The lookup for a compute type is always the estate's own accessor of that type, so the type is the key.
  return perEstate(estate, `attached-subjects|${computeType}`, () => selectAttachedSubjects(estate, computeType, lookup));
}

function selectAttachedSubjects<T extends { readonly id: string }>(
  estate: Estate,
  computeType: ComputeType,
  lookup: (id: string) => T | undefined,
): RuleSubject<AttachedTarget<T>>[] {
  const byKey = new Map<string, { resourceId: string; workspaceIds: string[]; target: { attachedId: string | undefined; resource: T | undefined; computes: Compute[] } }>();
  for (const compute of estate.computes) {
    if (compute.computeType !== computeType) continue;
    const attachedId = compute.attachedResourceId;
    const key = attachedId !== undefined ? `resource|${idKey(attachedId)}` : `compute|${compute.key}`;
    const existing = byKey.get(key);
    if (existing) {
      existing.target.computes.push(compute);
      if (!existing.workspaceIds.some((id) => sameId(id, compute.workspaceId))) existing.workspaceIds.push(compute.workspaceId);
      continue;
    }
    const resource = attachedId !== undefined ? lookup(attachedId) : undefined;
    byKey.set(key, {
      resourceId: resource?.id ?? attachedId ?? compute.id,
      workspaceIds: [compute.workspaceId],
      target: { attachedId, resource, computes: [compute] },
    });
  }
  return [...byKey.values()];
}

/** Evidence of the attaching computes: their IDs as written. */
export function computeIdsOf(target: AttachedTarget<unknown>): string[] {
  return target.computes.map((compute) => compute.id);
}

/** The VNet of a subnet: its row's vnetId, else the parent of its ID (the subnet row may be absent). */
export function vnetIdOfSubnet(estate: Estate, subnetId: string): string | undefined {
  return estate.subnet(subnetId)?.vnetId || parentId(subnetId);
}

/** Where a cluster or instance runs, beside its workspace: what the placement rules compare. */
export type ComputePlacement =
  | { readonly kind: 'unreadable'; readonly subnetId: string }
  | {
      readonly kind: 'placed';
      readonly subnetId: string;
      readonly vnetId: string;
      readonly vnetSubscription: string;
      readonly vnet: VirtualNetwork | undefined;
      readonly workspace: Workspace | undefined;
      readonly workspaceSubscription: string | undefined;
    };

export function placementOf(estate: Estate, compute: Compute): ComputePlacement {
  const subnetId = compute.subnetId ?? '';
  const vnetId = vnetIdOfSubnet(estate, subnetId);
  const vnetSubscription = vnetId !== undefined ? subscriptionOf(vnetId) : undefined;
  if (vnetId === undefined || vnetSubscription === undefined) return { kind: 'unreadable', subnetId };
  const workspace = estate.workspace(compute.workspaceId);
  return { kind: 'placed', subnetId, vnetId, vnetSubscription, vnet: estate.virtualNetwork(vnetId), workspace, workspaceSubscription: workspace?.subscriptionId ?? subscriptionOf(compute.workspaceId) };
}

/** Where an AKS cluster's nodes run: agent pool subnets, else the AKS compute's aksNetworkingConfiguration.subnetId. */
export interface AksPlacement {
  readonly subnetIds: readonly string[];
  readonly vnetIds: readonly string[];
  readonly source: 'agentPoolProfiles' | 'aksNetworkingConfiguration' | 'none';
}

export function aksPlacementOf(estate: Estate, cluster: AksCluster | undefined, computes: readonly Compute[]): AksPlacement {
  const fromPools = distinctIds((cluster?.agentPools ?? []).map((pool) => pool.vnetSubnetId));
  const subnetIds = fromPools.length > 0 ? fromPools : distinctIds(computes.map((compute) => compute.aksNetworking?.subnetId));
  const source = fromPools.length > 0 ? 'agentPoolProfiles' : subnetIds.length > 0 ? 'aksNetworkingConfiguration' : 'none';
  const vnetIds = distinctIds(subnetIds.map((subnetId) => vnetIdOfSubnet(estate, subnetId)));
  return { subnetIds, vnetIds, source };
}

export type AksNetworkSetting = 'serviceCidr' | 'dnsServiceIP' | 'dockerBridgeCidr';

/**
 * A network setting of an AKS cluster: the cluster's networkProfile, else the value an attaching
 * compute's aksNetworkingConfiguration carries. `source` says which, for evidence.
 */
export function aksSettingOf(
  cluster: AksCluster,
  computes: readonly Compute[],
  setting: AksNetworkSetting,
): { readonly value: string; readonly source: 'networkProfile' | 'aksNetworkingConfiguration' } | undefined {
  const own = cluster[setting];
  if (own !== undefined) return { value: own, source: 'networkProfile' };
  for (const compute of computes) {
    const value = compute.aksNetworking?.[setting];
    if (value !== undefined) return { value, source: 'aksNetworkingConfiguration' };
  }
  return undefined;
}

/** The subnets of some VNets, and whether each VNet's subnet list is complete (its row is in the inventory). */
export interface VnetSubnets {
  readonly subnets: readonly Subnet[];
  /** VNets whose row is absent: their subnets may be incomplete. */
  readonly missingVnetIds: readonly string[];
}

export function subnetsOfVnets(estate: Estate, vnetIds: readonly string[]): VnetSubnets {
  const subnets: Subnet[] = [];
  const missingVnetIds: string[] = [];
  for (const vnetId of vnetIds) {
    if (estate.virtualNetwork(vnetId) === undefined) missingVnetIds.push(vnetId);
    subnets.push(...estate.subnetsOf(vnetId));
  }
  return { subnets, missingVnetIds };
}

export interface SubnetPrefix {
  readonly subnetId: string;
  readonly addressPrefix: string;
}

/** Which subnet prefixes a CIDR overlaps, and which prefixes could not be read (then the answer for them is unknown). */
export function subnetOverlaps(cidr: string, subnets: readonly Subnet[]): { readonly overlapping: SubnetPrefix[]; readonly unreadable: SubnetPrefix[]; readonly withoutPrefix: string[] } {
  const overlapping: SubnetPrefix[] = [];
  const unreadable: SubnetPrefix[] = [];
  const withoutPrefix: string[] = [];
  for (const subnet of subnets) {
    if (subnet.addressPrefixes.length === 0) withoutPrefix.push(subnet.id);
    for (const addressPrefix of subnet.addressPrefixes) {
      const overlap = cidrsOverlap(cidr, addressPrefix);
      if (overlap === undefined) unreadable.push({ subnetId: subnet.id, addressPrefix });
      else if (overlap) overlapping.push({ subnetId: subnet.id, addressPrefix });
    }
  }
  return { overlapping, unreadable, withoutPrefix };
}

export function subnetPrefixJson(items: readonly SubnetPrefix[]): { subnetId: string; addressPrefix: string }[] {
  return items.map((item) => ({ subnetId: item.subnetId, addressPrefix: item.addressPrefix }));
}

/** IDs without repeats (case-insensitive), first spelling kept; blanks dropped. */
export function distinctIds(ids: readonly (string | undefined)[]): string[] {
  const seen = new Set<string>();
  const result: string[] = [];
  for (const id of ids) {
    if (id === undefined || id.trim() === '') continue;
    const key = idKey(id);
    if (seen.has(key)) continue;
    seen.add(key);
    result.push(id);
  }
  return result;
}


/** Subjects of the AKS rules: each AKS cluster attached to a workspace (docs/rules.md, AKS). */
export function aksClusterSubjects(estate: Estate): RuleSubject<AttachedTarget<AksCluster>>[] {
  return attachedResourceSubjects(estate, 'AKS', (id) => estate.aksCluster(id));
}

/**
 * Why an attached resource cannot be judged (absent from the inventory, or no compute names it),
 * as message data and evidence; undefined when the resource is there.
 */
export function missingAttached(
  target: AttachedTarget<unknown>,
): { readonly data: { name: string; reason: string }; readonly evidence: { [key: string]: JsonValue } } | undefined {
  if (target.resource !== undefined) return undefined;
  const computeIds = computeIdsOf(target);
  if (target.attachedId === undefined) {
    return {
      data: { name: nameOf(computeIds[0] ?? ''), reason: 'the compute names no attached resource (properties.resourceId is absent)' },
      evidence: { computeIds, attachedResourceId: null },
    };
  }
  return {
    data: { name: nameOf(target.attachedId), reason: 'it is not in the inventory' },
    evidence: { missingResourceId: target.attachedId, computeIds },
  };
}
