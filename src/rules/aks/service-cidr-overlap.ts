import { nameOf } from '../../core/ids';
import { parseCidr } from '../../network';
import { defineRule } from '../types';
import { aksClusterSubjects, aksPlacementOf, aksSettingOf, missingAttached, subnetOverlaps, subnetPrefixJson, subnetsOfVnets } from '../support/attached';


/** 000 "Azure Kubernetes Service", 001 "Use Azure Kubernetes Service (AKS)": the service range must not overlap any subnet. */
export const aksServiceCidrOverlapRule = defineRule({
  meta: {
    id: 'aks.service-cidr-overlap',
    title: 'AKS service address range overlaps a subnet of its VNet',
    severity: 'high',
    source: {
      document: '001',
      section: 'Use Azure Kubernetes Service (AKS)',
      quote:
        'In the Kubernetes Service address range box, enter the Kubernetes service address range. This address range uses a Classless Inter-Domain Routing (CIDR) notation IP range to define the IP addresses that are available for the cluster. It must not overlap with any subnet IP ranges (for example, 10.0.0.0/16).',
    },
    description: "An AKS cluster's Kubernetes service address range (networkProfile.serviceCidr) must not overlap any subnet of the VNet its nodes run in.",
    remediation: 'Recreate the AKS cluster with a service CIDR outside every subnet of the VNet (for example 10.2.0.0/16 for a VNet in 10.0.0.0/16), then attach it again.',
    enabledByDefault: true,
    guidance: { status: 'current' },
    messages: {
      clear: "AKS cluster '{{name}}' uses service CIDR {{serviceCidr}}, which overlaps none of the {{count}} subnet(s) of VNet '{{vnet}}'.",
      overlaps:
        "AKS cluster '{{name}}' uses service CIDR {{serviceCidr}}, which overlaps {{subnets}} of VNet '{{vnet}}'; recreate the cluster with a service CIDR outside every subnet of the VNet.",
      incomplete: "AKS cluster '{{name}}' uses service CIDR {{serviceCidr}}, which overlaps no known subnet of VNet '{{vnet}}', but {{reason}}.",
      noServiceCidr: "AKS cluster '{{name}}' has no service CIDR in the inventory (networkProfile.serviceCidr or the compute's aksNetworkingConfiguration); the check cannot compare it.",
      unreadable: "AKS cluster '{{name}}' has a service CIDR that cannot be read ('{{serviceCidr}}'); the check cannot compare it.",
      noVnet: "AKS cluster '{{name}}' is not deployed into a custom VNet (no agent pool subnet), so no subnet of yours can overlap its service CIDR.",
      missing: "AKS cluster '{{name}}' is attached to a workspace but cannot be judged: {{reason}}.",
    },
  },
  subjects: aksClusterSubjects,
  check: ({ target }, estate) => {
    const missing = missingAttached(target);
    if (missing !== undefined || target.resource === undefined) return { status: 'unknown', messageId: 'missing', ...missing };
    const cluster = target.resource;
    const placement = aksPlacementOf(estate, cluster, target.computes);
    if (placement.vnetIds.length === 0) return { status: 'not-applicable', messageId: 'noVnet', data: { name: cluster.name }, evidence: { subnetIds: [] } };
    const setting = aksSettingOf(cluster, target.computes, 'serviceCidr');
    if (setting === undefined) return { status: 'unknown', messageId: 'noServiceCidr', data: { name: cluster.name }, evidence: { serviceCidr: null } };
    if (parseCidr(setting.value) === undefined) {
      return { status: 'unknown', messageId: 'unreadable', data: { name: cluster.name, serviceCidr: setting.value }, evidence: { serviceCidr: setting.value, serviceCidrSource: setting.source } };
    }
    const { subnets, missingVnetIds } = subnetsOfVnets(estate, placement.vnetIds);
    const { overlapping, unreadable, withoutPrefix } = subnetOverlaps(setting.value, subnets);
    const vnet = nameOf(placement.vnetIds[0] ?? '');
    const evidence = {
      serviceCidr: setting.value,
      serviceCidrSource: setting.source,
      vnetIds: [...placement.vnetIds],
      subnetsCompared: subnets.length,
      overlapping: subnetPrefixJson(overlapping),
      unreadablePrefixes: subnetPrefixJson(unreadable),
      subnetsWithoutPrefix: withoutPrefix,
      vnetsNotInInventory: [...missingVnetIds],
    };
    if (overlapping.length > 0) {
      const subnetsText = overlapping.map((item) => `subnet '${nameOf(item.subnetId)}' (${item.addressPrefix})`).join(', ');
      return { status: 'fail', messageId: 'overlaps', data: { name: cluster.name, serviceCidr: setting.value, subnets: subnetsText, vnet }, evidence };
    }
    const reasons = [
      ...missingVnetIds.map((id) => `VNet '${nameOf(id)}' is not in the inventory, so its subnets may be incomplete`),
      ...unreadable.map((item) => `subnet '${nameOf(item.subnetId)}' has an unreadable prefix '${item.addressPrefix}'`),
      ...withoutPrefix.map((id) => `subnet '${nameOf(id)}' has no address prefix`),
    ];
    if (reasons.length > 0) return { status: 'unknown', messageId: 'incomplete', data: { name: cluster.name, serviceCidr: setting.value, vnet, reason: reasons.join('; ') }, evidence };
    return { status: 'pass', messageId: 'clear', data: { name: cluster.name, serviceCidr: setting.value, count: subnets.length, vnet }, evidence };
  },
});
