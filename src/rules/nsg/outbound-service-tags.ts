import { defineRule } from '../types';
import { CLUSTER_OR_INSTANCE, subnetSubjects } from '../support/compute-subnets';
import { restrictedOutboundMessages, subnetRestrictedOutboundCheck } from '../support/traffic';
import type { RequiredOutbound } from '../support/traffic';

/** 001, "Limit outbound connectivity from the virtual network", plus TCP 445 to Storage for file shares (docs/rules.md). */
const REQUIRED: readonly RequiredOutbound[] = [
  { tag: 'Storage', port: 443, regional: true },
  { tag: 'Storage', port: 445, regional: true },
  { tag: 'AzureContainerRegistry', port: 443, regional: true },
  { tag: 'AzureMachineLearning', port: 443, regional: false },
  { tag: 'AzureResourceManager', port: 443, regional: false },
  { tag: 'AzureActiveDirectory', port: 443, regional: false },
];

export const nsgOutboundServiceTagsRule = defineRule({
  meta: {
    id: 'nsg.outbound-service-tags',
    title: 'Restricted outbound blocks a service the compute needs',
    severity: 'high',
    source: {
      document: '001',
      section: 'Limit outbound connectivity from the virtual network',
      quote:
        'Deny outbound internet connection by using the NSG rules. For a compute instance or a compute cluster, limit outbound traffic to the following items: Azure Storage, by using Service Tag of Storage.RegionName […] Azure Container Registry, by using Service Tag of AzureContainerRegistry.RegionName […] Azure Machine Learning, by using Service Tag of AzureMachineLearning; Azure Resource Manager, by using Service Tag of AzureResourceManager; Azure Active Directory, by using Service Tag of AzureActiveDirectory.',
    },
    description:
      'When the NSG of a cluster or instance subnet denies outbound Internet traffic, it must still allow TCP 443 to Storage.<Region>, AzureContainerRegistry.<Region>, AzureMachineLearning, AzureResourceManager and AzureActiveDirectory, and TCP 445 to Storage.<Region> for file shares.',
    remediation:
      'Add outbound Allow rules to the subnet NSG for each blocked service tag and port, with priority numbers lower than the rule that denies Internet traffic.',
    enabledByDefault: true,
    guidance: { status: 'current' },
    messages: restrictedOutboundMessages({
      blocked:
        "Subnet '{{name}}' restricts outbound traffic and blocks {{blocked}}; add outbound Allow rules for these service tags with lower priority numbers, or jobs and compute creation fail (\"Outbound Storage 445\" for file shares).",
      notRestricted: "Subnet '{{name}}' does not restrict outbound Internet traffic (TCP 443 to the Internet is allowed); the services are reachable.",
    }),
  },
  subjects: (estate) => subnetSubjects(estate, CLUSTER_OR_INSTANCE),
  check: ({ target }, estate) => subnetRestrictedOutboundCheck(estate, target, REQUIRED),
});
