import { idKey, nameOf } from '../../core/ids';
import type { ComputeSubnetRole, ComputeSubnetUse, Estate, NetworkSecurityGroup, Subnet } from '../../estate';
import type { RuleSubject } from '../types';
import { perEstate } from './per-estate';

/**
 * Subjects of the rules on compute subnets (docs/rules.md, "Compute subnet"): one subject per
 * distinct subnet, with the compute uses that put it in scope and every workspace they belong to.
 */

export interface ComputeSubnetTarget {
  /** As the first use wrote it. */
  readonly subnetId: string;
  /** Undefined when the subnet is not in the inventory (the rule then answers `unknown`). */
  readonly subnet: Subnet | undefined;
  /** Uses of the subnet by computes of the selected roles. */
  readonly uses: readonly ComputeSubnetUse[];
}

/** Clusters and instances: "a subnet hosting a cluster or instance". */
export const CLUSTER_OR_INSTANCE: readonly ComputeSubnetRole[] = ['cluster', 'instance'];
export const ANY_COMPUTE: readonly ComputeSubnetRole[] = [
  'cluster',
  'instance',
  'aks',
  'virtual-machine',
  'hdinsight',
  'databricks-public',
  'databricks-private',
];

/**
 * One subject per distinct subnet used by a compute of one of `roles`. Linear: one pass over the
 * computes to find their workspaces, then each workspace's compute subnets once.
 */
export function subnetSubjects(estate: Estate, roles: readonly ComputeSubnetRole[]): RuleSubject<ComputeSubnetTarget>[] {
  return perEstate(estate, `subnet-subjects|${[...roles].sort().join(',')}`, () => selectSubnetSubjects(estate, roles));
}

/** A compute subnet use with its case-folded subnet and workspace keys. */
interface KeyedUse {
  readonly use: ComputeSubnetUse;
  readonly subnetKey: string;
  readonly workspaceKey: string;
}

/**
 * Every compute subnet use of the estate, workspace by workspace (in the order computes name
 * them), keyed once per estate: each role selection then only filters and groups.
 */
function keyedUses(estate: Estate): readonly KeyedUse[] {
  return perEstate(estate, 'compute-subnet-uses', () => {
    const workspaceKeys = new Map<string, string>();
    for (const compute of estate.computes) {
      const key = idKey(compute.workspaceId);
      if (!workspaceKeys.has(key)) workspaceKeys.set(key, compute.workspaceId);
    }
    const result: KeyedUse[] = [];
    for (const workspaceId of workspaceKeys.values()) {
      for (const use of estate.computeSubnetsOf(workspaceId)) {
        result.push({ use, subnetKey: idKey(use.subnetId), workspaceKey: idKey(use.compute.workspaceId) });
      }
    }
    return result;
  });
}

function selectSubnetSubjects(estate: Estate, roles: readonly ComputeSubnetRole[]): RuleSubject<ComputeSubnetTarget>[] {
  const wanted = new Set<ComputeSubnetRole>(roles);
  const bySubnet = new Map<
    string,
    { resourceId: string; workspaceIds: string[]; target: { subnetId: string; subnet: Subnet | undefined; uses: ComputeSubnetUse[] } }
  >();
  const workspaceKeysBySubnet = new Map<string, Set<string>>();
  for (const { use, subnetKey, workspaceKey } of keyedUses(estate)) {
    if (!wanted.has(use.role)) continue;
    let entry = bySubnet.get(subnetKey);
    let workspaceKeys = workspaceKeysBySubnet.get(subnetKey);
    if (!entry || !workspaceKeys) {
      const subnet = estate.subnet(use.subnetId);
      entry = { resourceId: subnet?.id ?? use.subnetId, workspaceIds: [], target: { subnetId: use.subnetId, subnet, uses: [] } };
      workspaceKeys = new Set();
      bySubnet.set(subnetKey, entry);
      workspaceKeysBySubnet.set(subnetKey, workspaceKeys);
    }
    entry.target.uses.push(use);
    if (!workspaceKeys.has(workspaceKey)) {
      workspaceKeys.add(workspaceKey);
      entry.workspaceIds.push(use.compute.workspaceId);
    }
  }
  return [...bySubnet.values()];
}

// Nine rules ask for the compute IDs and regions of the same subjects' uses (arrays of the estate,
// immutable once the subjects are selected): each is worked out once per array, and every caller
// gets its own copy.
const computeIdsByUses = new WeakMap<readonly ComputeSubnetUse[], readonly string[]>();
const regionsByUses = new WeakMap<Estate, WeakMap<readonly ComputeSubnetUse[], readonly (string | undefined)[]>>();

/** The compute IDs of some uses, without repeats. */
export function computeIdsOfUses(uses: readonly ComputeSubnetUse[]): string[] {
  let ids = computeIdsByUses.get(uses);
  if (ids === undefined) {
    ids = distinctComputeIds(uses);
    computeIdsByUses.set(uses, ids);
  }
  return ids.slice();
}

function distinctComputeIds(uses: readonly ComputeSubnetUse[]): string[] {
  const seen = new Set<string>();
  const result: string[] = [];
  for (const use of uses) {
    if (seen.has(use.compute.key)) continue;
    seen.add(use.compute.key);
    result.push(use.compute.id);
  }
  return result;
}

/**
 * Regions of the workspaces the uses belong to (their `location`, else the compute's), distinct,
 * as region keys. `undefined` stands for a workspace whose region is not known.
 */
export function regionsOfUses(estate: Estate, uses: readonly ComputeSubnetUse[]): (string | undefined)[] {
  let byUses = regionsByUses.get(estate);
  if (byUses === undefined) {
    byUses = new WeakMap();
    regionsByUses.set(estate, byUses);
  }
  let regions = byUses.get(uses);
  if (regions === undefined) {
    regions = distinctRegions(estate, uses);
    byUses.set(uses, regions);
  }
  return regions.slice();
}

function distinctRegions(estate: Estate, uses: readonly ComputeSubnetUse[]): (string | undefined)[] {
  const regions: (string | undefined)[] = [];
  const seenWorkspaces = new Set<string>();
  for (const use of uses) {
    const key = idKey(use.compute.workspaceId);
    if (seenWorkspaces.has(key)) continue;
    seenWorkspaces.add(key);
    const region = estate.workspace(use.compute.workspaceId)?.location ?? use.compute.location;
    if (!regions.includes(region)) regions.push(region);
  }
  return regions;
}

/** The subnet's NSG, as the rules need it: none, present, or named but absent from the inventory. */
export type SubnetNsg =
  | { readonly kind: 'none' }
  | { readonly kind: 'present'; readonly nsg: NetworkSecurityGroup }
  | { readonly kind: 'missing'; readonly nsgId: string };

export function subnetNsgOf(estate: Estate, subnet: Subnet): SubnetNsg {
  if (subnet.nsgId === undefined) return { kind: 'none' };
  const nsg = estate.networkSecurityGroup(subnet.nsgId);
  return nsg ? { kind: 'present', nsg } : { kind: 'missing', nsgId: subnet.nsgId };
}

// Every rule on compute subnets labels the same subnets: the label of an ID is worked out once
// (bounded memo keyed by the ID text, cleared when full).
const LABEL_LIMIT = 100_000;
const labels = new Map<string, string>();

/** Display name of a subnet subject: "vnet/subnet". */
export function subnetLabel(subnetId: string): string {
  let label = labels.get(subnetId);
  if (label === undefined) {
    label = labelOf(subnetId);
    if (labels.size >= LABEL_LIMIT) labels.clear();
    labels.set(subnetId, label);
  }
  return label;
}

function labelOf(subnetId: string): string {
  const parts = subnetId.replace(/\/+$/, '').split('/');
  const vnet = parts[parts.length - 3];
  return vnet !== undefined && parts.length >= 3 ? `${vnet}/${nameOf(subnetId)}` : nameOf(subnetId);
}

/** Whether a subnet subject can be judged on its NSG: the subnet and its NSG as the rules need them. */
export type SubnetNsgGate =
  | { readonly kind: 'ready'; readonly subnet: Subnet; readonly nsg: NetworkSecurityGroup }
  | { readonly kind: 'missing-subnet'; readonly subnetId: string }
  | { readonly kind: 'no-nsg'; readonly subnet: Subnet }
  | { readonly kind: 'missing-nsg'; readonly subnet: Subnet; readonly nsgId: string };

export function subnetNsgGate(estate: Estate, target: ComputeSubnetTarget): SubnetNsgGate {
  const subnet = target.subnet;
  if (subnet === undefined) return { kind: 'missing-subnet', subnetId: target.subnetId };
  const nsg = subnetNsgOf(estate, subnet);
  if (nsg.kind === 'none') return { kind: 'no-nsg', subnet };
  if (nsg.kind === 'missing') return { kind: 'missing-nsg', subnet, nsgId: nsg.nsgId };
  return { kind: 'ready', subnet, nsg: nsg.nsg };
}
