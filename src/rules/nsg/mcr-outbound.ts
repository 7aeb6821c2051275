import { defineRule } from '../types';
import { CLUSTER_OR_INSTANCE, subnetSubjects } from '../support/compute-subnets';
import { restrictedOutboundMessages, subnetRestrictedOutboundCheck } from '../support/traffic';
import type { RequiredOutbound } from '../support/traffic';

const REQUIRED: readonly RequiredOutbound[] = [{ tag: 'MicrosoftContainerRegistry', port: 443, regional: true }];

/** 001, "Limit outbound connectivity from the virtual network", the note on default Docker images. */
export const nsgMcrOutboundRule = defineRule({
  meta: {
    id: 'nsg.mcr-outbound',
    title: 'Restricted outbound blocks Microsoft Container Registry',
    severity: 'low',
    source: {
      document: '001',
      section: 'Limit outbound connectivity from the virtual network',
      quote:
        'If you plan on using default Docker images provided by Microsoft, and enabling user managed dependencies, you must also use a Service Tag of MicrosoftContainerRegistry.Region_Name (For example, MicrosoftContainerRegistry.EastUS).',
    },
    description:
      'When the NSG of a cluster or instance subnet denies outbound Internet traffic, runs that use Microsoft\'s default Docker images with user-managed dependencies need TCP 443 to MicrosoftContainerRegistry(.<Region>).',
    remediation:
      'If your runs use the default Docker images with user-managed dependencies, add an outbound Allow rule for TCP 443 to MicrosoftContainerRegistry (or MicrosoftContainerRegistry.<Region>) above the rule that denies Internet traffic.',
    enabledByDefault: true,
    guidance: { status: 'current' },
    messages: restrictedOutboundMessages({
      blocked:
        "Subnet '{{name}}' restricts outbound traffic and blocks {{blocked}}; runs on Microsoft's default Docker images with user-managed dependencies will fail to pull them. Add an outbound Allow rule for MicrosoftContainerRegistry on TCP 443 if you use them.",
      notRestricted: "Subnet '{{name}}' does not restrict outbound Internet traffic; Microsoft Container Registry is reachable.",
    }),
  },
  subjects: (estate) => subnetSubjects(estate, CLUSTER_OR_INSTANCE),
  check: ({ target }, estate) => subnetRestrictedOutboundCheck(estate, target, REQUIRED),
});
