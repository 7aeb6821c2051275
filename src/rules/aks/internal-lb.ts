import type { Compute } from '../../estate';
import { defineRule } from '../types';
import type { RuleSubject } from '../types';


/** 000 "Enable private IP", 001 "Use private IPs with Azure Kubernetes Service": advice to use an internal load balancer. */
export const aksInternalLbRule = defineRule({
  meta: {
    id: 'aks.internal-lb',
    title: 'AKS compute serves models on a public IP',
    severity: 'low',
    source: {
      document: '001',
      section: 'Use private IPs with Azure Kubernetes Service',
      quote:
        'By default, a public IP address is assigned to AKS deployments. When using AKS inside a virtual network, you can use a private IP address instead. Private IP addresses are only accessible from inside the virtual network or joined networks. A private IP address is enabled by configuring AKS to use an internal load balancer.',
    },
    description: 'An AKS compute without loadBalancerType InternalLoadBalancer exposes its scoring endpoints on a public IP; an internal load balancer keeps them inside the VNet.',
    remediation:
      "Grant the cluster identity Network Contributor on the VNet's resource group, then update the AKS compute to loadBalancerType InternalLoadBalancer (an update after creation or attach).",
    enabledByDefault: true,
    guidance: { status: 'current' },
    messages: {
      internal: "AKS compute '{{name}}' serves on a private IP through an internal load balancer.",
      public:
        "AKS compute '{{name}}' serves on a public IP (loadBalancerType {{value}}); consider updating it to an internal load balancer so scoring endpoints are reachable only from the VNet or joined networks.",
      unrecognised: "AKS compute '{{name}}' has a loadBalancerType the check does not recognise ('{{value}}'); it cannot tell whether the endpoint is private.",
    },
  },
  subjects: (estate) => {
    const subjects: RuleSubject<Compute>[] = [];
    for (const compute of estate.computes) {
      if (compute.computeType === 'AKS') subjects.push({ resourceId: compute.id, workspaceIds: [compute.workspaceId], target: compute });
    }
    return subjects;
  },
  check: ({ target: compute }) => {
    const written = compute.loadBalancerType;
    const evidence = { loadBalancerType: written ?? null, attachedResourceId: compute.attachedResourceId ?? null };
    const value = written?.trim().toLowerCase();
    if (value === 'internalloadbalancer') return { status: 'pass', messageId: 'internal', data: { name: compute.name }, evidence };
    if (value === undefined || value === 'publicip') {
      return { status: 'fail', messageId: 'public', data: { name: compute.name, value: written ?? "absent, Azure's default PublicIp" }, evidence };
    }
    return { status: 'unknown', messageId: 'unrecognised', data: { name: compute.name, value: (written ?? '').slice(0, 60) }, evidence };
  },
});
