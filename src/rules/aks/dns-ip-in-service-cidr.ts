import { cidrContains, firstHostAddressOf, ipInCidr, isIpAddress, networkAddressOf, parseCidr } from '../../network';
import { defineRule } from '../types';
import { aksClusterSubjects, aksSettingOf, missingAttached } from '../support/attached';


/** 000 "Azure Kubernetes Service", 001 "Use Azure Kubernetes Service (AKS)": the DNS service IP must be within the service range. */
export const aksDnsIpInServiceCidrRule = defineRule({
  meta: {
    id: 'aks.dns-ip-in-service-cidr',
    title: 'AKS DNS service IP is outside the service address range or on a reserved address',
    severity: 'high',
    source: {
      document: '001',
      section: 'Use Azure Kubernetes Service (AKS)',
      quote:
        'In the Kubernetes DNS service IP address box, enter the Kubernetes DNS service IP address. This IP address is assigned to the Kubernetes DNS service. It must be within the Kubernetes service address range (for example, 10.0.0.10).',
    },
    description:
      "An AKS cluster's DNS service IP (networkProfile.dnsServiceIP) must lie within its service CIDR and must not be the range's network address or its first address (.1), which Kubernetes keeps for itself.",
    remediation: 'Recreate the AKS cluster with a DNS service IP inside the service CIDR other than its first two addresses (by convention the .10 address, such as 10.2.0.10 for 10.2.0.0/16).',
    enabledByDefault: true,
    guidance: { status: 'current' },
    messages: {
      inside: "AKS cluster '{{name}}' uses DNS service IP {{dnsServiceIP}}, inside its service CIDR {{serviceCidr}} and not a reserved address.",
      outside:
        "AKS cluster '{{name}}' uses DNS service IP {{dnsServiceIP}}, outside its service CIDR {{serviceCidr}}; recreate the cluster with a DNS service IP inside the service CIDR (such as its .10 address).",
      reserved:
        "AKS cluster '{{name}}' uses DNS service IP {{dnsServiceIP}}, the {{which}} of its service CIDR {{serviceCidr}}; choose another address inside the range (such as its .10 address).",
      absent: "AKS cluster '{{name}}' lacks {{what}} in the inventory (networkProfile or the compute's aksNetworkingConfiguration); the check cannot compare them.",
      unreadable: "AKS cluster '{{name}}' has a DNS service IP '{{dnsServiceIP}}' or service CIDR '{{serviceCidr}}' that cannot be read; the check cannot compare them.",
      missing: "AKS cluster '{{name}}' is attached to a workspace but cannot be judged: {{reason}}.",
    },
  },
  subjects: aksClusterSubjects,
  check: ({ target }) => {
    const missing = missingAttached(target);
    if (missing !== undefined || target.resource === undefined) return { status: 'unknown', messageId: 'missing', ...missing };
    const cluster = target.resource;
    const dns = aksSettingOf(cluster, target.computes, 'dnsServiceIP');
    const range = aksSettingOf(cluster, target.computes, 'serviceCidr');
    const evidence = {
      dnsServiceIP: dns?.value ?? null,
      dnsServiceIPSource: dns?.source ?? null,
      serviceCidr: range?.value ?? null,
      serviceCidrSource: range?.source ?? null,
    };
    if (dns === undefined || range === undefined) {
      const what = [dns === undefined ? 'a DNS service IP' : undefined, range === undefined ? 'a service CIDR' : undefined].filter(Boolean).join(' and ');
      return { status: 'unknown', messageId: 'absent', data: { name: cluster.name, what }, evidence };
    }
    const data = { name: cluster.name, dnsServiceIP: dns.value, serviceCidr: range.value };
    if (!isIpAddress(dns.value) || parseCidr(range.value) === undefined) return { status: 'unknown', messageId: 'unreadable', data, evidence };
    if (ipInCidr(dns.value, range.value) !== true) return { status: 'fail', messageId: 'outside', data, evidence: { ...evidence, inside: false } };
    const networkAddress = networkAddressOf(range.value);
    const firstAddress = firstHostAddressOf(range.value);
    // Both are bare IPs: containment of one in the other is equality, whatever the text form.
    const which =
      networkAddress !== undefined && cidrContains(networkAddress, dns.value) === true
        ? 'network address'
        : firstAddress !== undefined && cidrContains(firstAddress, dns.value) === true
          ? 'first address'
          : undefined;
    const reservedEvidence = { ...evidence, inside: true, networkAddress: networkAddress ?? null, firstAddress: firstAddress ?? null };
    if (which !== undefined) return { status: 'fail', messageId: 'reserved', data: { ...data, which }, evidence: { ...reservedEvidence, reserved: which } };
    return { status: 'pass', messageId: 'inside', data, evidence: reservedEvidence };
  },
});
