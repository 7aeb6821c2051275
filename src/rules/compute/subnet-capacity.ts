import { idKey, nameOf, sameId } from '../../core/ids';
import type { JsonValue } from '../../core/types';
import type { Subnet } from '../../estate';
import { parseCidr, usableAddressCount } from '../../network';
import { defineRule } from '../types';
import type { RuleSubject } from '../types';

interface SubnetTarget {
  /** As the first compute wrote it. */
  readonly subnetId: string;
  readonly subnet: Subnet | undefined;
}


/** 001, "Use a Machine Learning Compute": the subnet must have enough unassigned addresses. */
export const computeSubnetCapacityRule = defineRule({
  meta: {
    id: 'compute.subnet-capacity',
    title: 'Compute subnet lacks free addresses for the clusters to scale',
    severity: 'medium',
    source: {
      document: '001',
      section: 'Use a Machine Learning Compute',
      quote:
        "The subnet that's specified for the compute instance or cluster must have enough unassigned IP addresses to accommodate the number of VMs that are targeted. If the subnet doesn't have enough unassigned IP addresses, a compute cluster will be partially allocated.",
    },
    description:
      'A subnet hosting compute clusters needs a free address for every node the clusters may still add (maximum minus current nodes), or clusters scale only partially.',
    remediation: 'Enlarge the subnet (add an address prefix or move the computes to a larger subnet), or lower the clusters\' maximum node counts.',
    enabledByDefault: true,
    guidance: { status: 'current' },
    messages: {
      enough:
        "Subnet '{{name}}' has {{free}} free addresses ({{usable}} usable, {{allocated}} allocated), enough for the {{headroom}} nodes its clusters may still add.",
      short:
        "Subnet '{{name}}' has {{free}} free addresses ({{usable}} usable, {{allocated}} allocated) but its clusters may still add {{headroom}} nodes; enlarge the subnet or lower the clusters' maximum node counts, or scale-out will be partial.",
      missing: "Subnet '{{name}}' hosts compute clusters or instances but is not in the inventory; its free addresses cannot be counted.",
      unreadablePrefixes: "Subnet '{{name}}' has no readable IPv4 address prefix ({{prefixes}}); its usable addresses cannot be counted.",
      unknownCounts:
        "Subnet '{{name}}' has {{free}} free addresses, enough for the {{headroom}} nodes of the clusters whose counts are known, but {{clusters}} lack a maximum or current node count; the headroom needed cannot be totalled.",
    },
  },
  subjects: (estate) => {
    const byKey = new Map<string, { resourceId: string; workspaceIds: string[]; target: SubnetTarget }>();
    for (const compute of estate.computes) {
      if ((compute.computeType !== 'AmlCompute' && compute.computeType !== 'ComputeInstance') || compute.subnetId === undefined) continue;
      const key = idKey(compute.subnetId);
      const existing = byKey.get(key);
      if (existing) {
        if (!existing.workspaceIds.some((id) => sameId(id, compute.workspaceId))) existing.workspaceIds.push(compute.workspaceId);
        continue;
      }
      const subnet = estate.subnet(compute.subnetId);
      byKey.set(key, { resourceId: subnet?.id ?? compute.subnetId, workspaceIds: [compute.workspaceId], target: { subnetId: compute.subnetId, subnet } });
    }
    return [...byKey.values()] as RuleSubject<SubnetTarget>[];
  },
  check: ({ target }, estate) => {
    const subnet = target.subnet;
    if (subnet === undefined) {
      return { status: 'unknown', messageId: 'missing', data: { name: nameOf(target.subnetId) }, evidence: { missingResourceId: target.subnetId } };
    }
    const prefixes = subnet.addressPrefixes;
    const unreadable = prefixes.filter((prefix) => parseCidr(prefix) === undefined);
    const usable = unreadable.length === 0 ? usableAddressCount(prefixes) : undefined;
    if (usable === undefined) {
      return {
        status: 'unknown',
        messageId: 'unreadablePrefixes',
        data: { name: subnet.name, prefixes: prefixes.length > 0 ? prefixes.join(', ') : 'none' },
        evidence: { addressPrefixes: [...prefixes], unreadablePrefixes: unreadable },
      };
    }
    // ARM leaves out empty arrays: a subnet row without ipConfigurations has no allocated address.
    const allocated = subnet.ipConfigurationCount ?? 0;
    const free = usable - allocated;
    const clusters: { [key: string]: JsonValue }[] = [];
    const instances: string[] = [];
    const unknownClusters: string[] = [];
    let headroom = 0;
    for (const use of estate.computeUsesOfSubnet(subnet.id)) {
      if (use.role === 'instance') {
        instances.push(use.compute.id);
        continue;
      }
      if (use.role !== 'cluster') continue;
      const { maxNodeCount, currentNodeCount } = use.compute;
      if (maxNodeCount === undefined || currentNodeCount === undefined) {
        unknownClusters.push(use.compute.id);
        clusters.push({ computeId: use.compute.id, maxNodeCount: maxNodeCount ?? null, currentNodeCount: currentNodeCount ?? null, headroom: null });
        continue;
      }
      const needed = Math.max(maxNodeCount - currentNodeCount, 0);
      headroom += needed;
      clusters.push({ computeId: use.compute.id, maxNodeCount, currentNodeCount, headroom: needed });
    }
    const evidence = {
      addressPrefixes: [...prefixes],
      usable,
      allocated,
      allocatedSource: subnet.ipConfigurationCount === undefined ? 'ipConfigurations absent (ARM omits empty arrays): counted as 0' : 'count of ipConfigurations',
      free,
      headroom,
      clusters,
      // An instance already holds its NIC (counted in allocated) and needs no more.
      instances,
    };
    const data = { name: subnet.name, free, usable, allocated, headroom };
    if (free < headroom) return { status: 'fail', messageId: 'short', data, evidence };
    if (unknownClusters.length > 0) {
      return {
        status: 'unknown',
        messageId: 'unknownCounts',
        data: { ...data, clusters: unknownClusters.map(nameOf).join(', ') },
        evidence: { ...evidence, clustersWithoutCounts: unknownClusters },
      };
    }
    return { status: 'pass', messageId: 'enough', data, evidence };
  },
});
