import { nameOf } from '../../core/ids';
import { cidrsOverlap, parseCidr } from '../../network';
import { defineRule } from '../types';
import { aksClusterSubjects, aksPlacementOf, aksSettingOf, missingAttached, subnetOverlaps, subnetPrefixJson, subnetsOfVnets } from '../support/attached';


/** 000 "Azure Kubernetes Service", 001 "Use Azure Kubernetes Service (AKS)": the Docker bridge must stay out of the subnets and the service range. */
export const aksDockerBridgeOverlapRule = defineRule({
  meta: {
    id: 'aks.docker-bridge-overlap',
    title: 'AKS Docker bridge address overlaps a subnet or the service address range',
    severity: 'medium',
    source: {
      document: '001',
      section: 'Use Azure Kubernetes Service (AKS)',
      quote:
        'In the Docker bridge address box, enter the Docker bridge address. This IP address is assigned to Docker Bridge. It must not be in any subnet IP ranges, or the Kubernetes service address range (for example, 172.17.0.1/16).',
    },
    description: "When an AKS cluster sets a Docker bridge address (networkProfile.dockerBridgeCidr), it must overlap neither a subnet of the cluster's VNet nor the Kubernetes service CIDR.",
    remediation: 'Recreate the AKS cluster with a Docker bridge CIDR outside the VNet\'s subnets and the service CIDR (the default 172.17.0.1/16 when the VNet does not use it).',
    enabledByDefault: true,
    guidance: { status: 'current' },
    messages: {
      clear: "AKS cluster '{{name}}' uses Docker bridge {{dockerBridgeCidr}}, which overlaps neither the {{count}} subnet(s) of its VNet nor its service CIDR {{serviceCidr}}.",
      overlaps:
        "AKS cluster '{{name}}' uses Docker bridge {{dockerBridgeCidr}}, which overlaps {{what}}; recreate the cluster with a Docker bridge CIDR outside the VNet's subnets and the service CIDR.",
      incomplete: "AKS cluster '{{name}}' uses Docker bridge {{dockerBridgeCidr}}, which overlaps nothing known, but {{reason}}.",
      notSet: "AKS cluster '{{name}}' sets no Docker bridge address, so it cannot overlap anything.",
      unreadable: "AKS cluster '{{name}}' has a Docker bridge address that cannot be read ('{{dockerBridgeCidr}}'); the check cannot compare it.",
      missing: "AKS cluster '{{name}}' is attached to a workspace but cannot be judged: {{reason}}.",
    },
  },
  subjects: aksClusterSubjects,
  check: ({ target }, estate) => {
    const missing = missingAttached(target);
    if (missing !== undefined || target.resource === undefined) return { status: 'unknown', messageId: 'missing', ...missing };
    const cluster = target.resource;
    const bridge = aksSettingOf(cluster, target.computes, 'dockerBridgeCidr');
    if (bridge === undefined) return { status: 'not-applicable', messageId: 'notSet', data: { name: cluster.name }, evidence: { dockerBridgeCidr: null } };
    if (parseCidr(bridge.value) === undefined) {
      return { status: 'unknown', messageId: 'unreadable', data: { name: cluster.name, dockerBridgeCidr: bridge.value }, evidence: { dockerBridgeCidr: bridge.value, dockerBridgeCidrSource: bridge.source } };
    }
    // Without a node subnet the cluster runs in a VNet AKS manages itself: only the service CIDR is compared.
    const placement = aksPlacementOf(estate, cluster, target.computes);
    const { subnets, missingVnetIds } = subnetsOfVnets(estate, placement.vnetIds);
    const { overlapping, unreadable, withoutPrefix } = subnetOverlaps(bridge.value, subnets);
    const service = aksSettingOf(cluster, target.computes, 'serviceCidr');
    const serviceOverlap = service !== undefined ? cidrsOverlap(bridge.value, service.value) : undefined;
    const evidence = {
      dockerBridgeCidr: bridge.value,
      dockerBridgeCidrSource: bridge.source,
      vnetIds: [...placement.vnetIds],
      subnetsCompared: subnets.length,
      overlapping: subnetPrefixJson(overlapping),
      serviceCidr: service?.value ?? null,
      overlapsServiceCidr: serviceOverlap ?? null,
      unreadablePrefixes: subnetPrefixJson(unreadable),
      subnetsWithoutPrefix: withoutPrefix,
      vnetsNotInInventory: [...missingVnetIds],
    };
    const what = [
      ...overlapping.map((item) => `subnet '${nameOf(item.subnetId)}' (${item.addressPrefix})`),
      ...(serviceOverlap === true && service !== undefined ? [`the service CIDR ${service.value}`] : []),
    ];
    if (what.length > 0) return { status: 'fail', messageId: 'overlaps', data: { name: cluster.name, dockerBridgeCidr: bridge.value, what: what.join(', ') }, evidence };
    const reasons = [
      ...missingVnetIds.map((id) => `VNet '${nameOf(id)}' is not in the inventory, so its subnets may be incomplete`),
      ...unreadable.map((item) => `subnet '${nameOf(item.subnetId)}' has an unreadable prefix '${item.addressPrefix}'`),
      ...withoutPrefix.map((id) => `subnet '${nameOf(id)}' has no address prefix`),
      ...(service === undefined ? ['the service CIDR is not in the inventory'] : serviceOverlap === undefined ? [`the service CIDR '${service.value}' cannot be read`] : []),
    ];
    if (reasons.length > 0) return { status: 'unknown', messageId: 'incomplete', data: { name: cluster.name, dockerBridgeCidr: bridge.value, reason: reasons.join('; ') }, evidence: { ...evidence, reasons } };
    return {
      status: 'pass',
      messageId: 'clear',
      data: { name: cluster.name, dockerBridgeCidr: bridge.value, count: subnets.length, serviceCidr: service?.value ?? '' },
      evidence,
    };
  },
});
