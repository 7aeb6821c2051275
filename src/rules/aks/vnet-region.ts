import { nameOf } from '../../core/ids';
import type { JsonValue } from '../../core/types';
import { defineRule } from '../types';
import { aksClusterSubjects, aksPlacementOf, missingAttached } from '../support/attached';


/**
 * 000 "Azure Kubernetes Service", 001 "Use Azure Kubernetes Service (AKS)": the AKS instance and
 * the virtual network must be in the same region. We compare the region of the VNet of the node
 * subnets with the cluster's region (the source document's words) and with the region of every workspace that
 * attaches the cluster (the VNet is the workspace's network, as for clusters and instances).
 */
export const aksVnetRegionRule = defineRule({
  meta: {
    id: 'aks.vnet-region',
    title: 'AKS virtual network is in another region',
    severity: 'high',
    source: {
      document: '000',
      section: 'Azure Kubernetes Service',
      quote: 'The AKS instance and the Azure virtual network must be in the same region.',
    },
    description: "The VNet of an attached AKS cluster's nodes must be in the region of the cluster and of the workspace that uses it.",
    remediation: 'Deploy the AKS cluster into a subnet of a VNet in the same region as the cluster and the workspace, then attach it again.',
    enabledByDefault: true,
    guidance: { status: 'current' },
    messages: {
      sameRegion: "AKS cluster '{{name}}' runs in VNet '{{vnet}}' in {{region}}, the region of the cluster and of its workspaces.",
      otherRegion:
        "AKS cluster '{{name}}' runs in VNet '{{vnet}}' in {{vnetRegion}}, but {{others}}; deploy the cluster into a VNet of the same region as the cluster and the workspace.",
      unknownRegion: "AKS cluster '{{name}}' runs in VNet '{{vnet}}', but the regions cannot be compared: {{reason}}.",
      noVnet: "AKS cluster '{{name}}' is not deployed into a custom VNet (no agent pool subnet), so there is no VNet region to compare.",
      missing: "AKS cluster '{{name}}' is attached to a workspace but cannot be judged: {{reason}}.",
    },
  },
  subjects: aksClusterSubjects,
  check: ({ target, workspaceIds }, estate) => {
    const missing = missingAttached(target);
    if (missing !== undefined || target.resource === undefined) return { status: 'unknown', messageId: 'missing', ...missing };
    const cluster = target.resource;
    const placement = aksPlacementOf(estate, cluster, target.computes);
    if (placement.vnetIds.length === 0) return { status: 'not-applicable', messageId: 'noVnet', data: { name: cluster.name }, evidence: { subnetIds: [] } };

    const mismatches: { [key: string]: JsonValue }[] = [];
    const reasons: string[] = [];
    const vnets: { [key: string]: JsonValue }[] = [];
    const others = new Set<string>();
    const against: { kind: 'cluster' | 'workspace'; id: string; region: string | undefined; absent: boolean }[] = [
      { kind: 'cluster', id: cluster.id, region: cluster.location, absent: false },
      ...workspaceIds.map((id) => {
        const workspace = estate.workspace(id);
        return { kind: 'workspace' as const, id, region: workspace?.location, absent: workspace === undefined };
      }),
    ];
    for (const vnetId of placement.vnetIds) {
      const vnet = estate.virtualNetwork(vnetId);
      vnets.push({ vnetId, region: vnet?.location ?? null });
      if (vnet === undefined) {
        reasons.push(`VNet '${nameOf(vnetId)}' is not in the inventory`);
        continue;
      }
      if (vnet.location === undefined) {
        reasons.push(`VNet '${nameOf(vnetId)}' has no location`);
        continue;
      }
      for (const other of against) {
        if (other.region === undefined) {
          reasons.push(`${other.kind} '${nameOf(other.id)}' ${other.absent ? 'is not in the inventory' : 'has no location'}`);
        } else if (other.region !== vnet.location) {
          mismatches.push({ vnetId, vnetRegion: vnet.location, [other.kind === 'cluster' ? 'clusterId' : 'workspaceId']: other.id, region: other.region });
          others.add(`${other.kind} '${nameOf(other.id)}' is in ${other.region}`);
        }
      }
    }
    const firstVnet = placement.vnetIds[0] ?? '';
    const evidence = {
      subnetIds: [...placement.subnetIds],
      subnetSource: placement.source,
      vnets,
      clusterRegion: cluster.location ?? null,
      workspaceRegions: against.filter((other) => other.kind === 'workspace').map((other) => ({ workspaceId: other.id, region: other.region ?? null })),
      mismatches,
    };
    const vnetRegion = estate.virtualNetwork(firstVnet)?.location ?? 'unknown';
    if (mismatches.length > 0) {
      const first = mismatches[0] as { vnetId: string; vnetRegion: string };
      return {
        status: 'fail',
        messageId: 'otherRegion',
        data: { name: cluster.name, vnet: nameOf(first.vnetId), vnetRegion: first.vnetRegion, others: [...others].join(' and ') },
        evidence,
      };
    }
    if (reasons.length > 0) {
      return { status: 'unknown', messageId: 'unknownRegion', data: { name: cluster.name, vnet: nameOf(firstVnet), reason: [...new Set(reasons)].join('; ') }, evidence: { ...evidence, reasons: [...new Set(reasons)] } };
    }
    return { status: 'pass', messageId: 'sameRegion', data: { name: cluster.name, vnet: nameOf(firstVnet), region: vnetRegion }, evidence };
  },
});
