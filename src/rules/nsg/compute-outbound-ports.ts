import { defineRule } from '../types';
import { CURRENT_PAGES } from '../sources';
import { CLUSTER_OR_INSTANCE, subnetSubjects } from '../support/compute-subnets';
import { restrictedOutboundMessages, subnetRestrictedOutboundCheck } from '../support/traffic';
import type { RequiredOutbound } from '../support/traffic';

/** Today's outbound service tags and ports of clusters and instances (how-to-secure-training-vnet). */
const REQUIRED: readonly RequiredOutbound[] = [
  { tag: 'AzureMachineLearning', port: 443, regional: false },
  { tag: 'AzureMachineLearning', port: 8787, regional: false },
  { tag: 'AzureMachineLearning', port: 18881, regional: false },
  { tag: 'AzureMachineLearning', port: 5831, regional: false, protocol: 'Udp' },
  { tag: 'BatchNodeManagement', port: 443, regional: true },
  { tag: 'Storage', port: 443, regional: true },
];

export const nsgComputeOutboundPortsRule = defineRule({
  meta: {
    id: 'nsg.compute-outbound-ports',
    title: "Restricted outbound blocks today's Azure Machine Learning ports",
    severity: 'high',
    source: {
      document: 'current',
      page: CURRENT_PAGES.trainingVnet,
      section: 'Compute instance/cluster or serverless compute with no public IP',
      quote:
        'In your VNet, allow outbound traffic to the following service tags or fully qualified domain names (FQDN): AzureMachineLearning TCP, UDP 443/8787/18881, 5831 […] BatchNodeManagement.<region> ANY 443 […] Storage.<region> TCP 443',
    },
    description:
      'When the NSG of a cluster or instance subnet denies outbound Internet traffic, it must still allow what today\'s guidance lists: AzureMachineLearning on TCP 443, 8787 and 18881 and UDP 5831, BatchNodeManagement.<Region> on 443 and Storage.<Region> on TCP 443.',
    remediation: 'Add outbound Allow rules to the subnet NSG for each blocked service tag, protocol and port, with priority numbers lower than the rule that denies Internet traffic.',
    enabledByDefault: true,
    guidance: { status: 'current' },
    messages: restrictedOutboundMessages({
      blocked:
        "Subnet '{{name}}' restricts outbound traffic and blocks {{blocked}}; clusters and instances use these to talk to Azure Machine Learning and Azure Batch, so they fail to start or lose their jobs: add outbound Allow rules with lower priority numbers.",
      notRestricted: "Subnet '{{name}}' does not restrict outbound Internet traffic (TCP 443 to the Internet is allowed); the services are reachable.",
    }),
  },
  subjects: (estate) => subnetSubjects(estate, CLUSTER_OR_INSTANCE),
  check: ({ target }, estate) => subnetRestrictedOutboundCheck(estate, target, REQUIRED),
});
