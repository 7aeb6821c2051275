import { defineRule } from '../types';
import { CLUSTER_OR_INSTANCE, subnetSubjects } from '../support/compute-subnets';
import { subnetRestrictedOutboundCheck } from '../support/traffic';
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
    messages: {
      allowed: "Subnet '{{name}}' restricts outbound traffic and still allows {{needed}}.",
      blocked:
        "Subnet '{{name}}' restricts outbound traffic and blocks {{blocked}}; runs on Microsoft's default Docker images with user-managed dependencies will fail to pull them. Add an outbound Allow rule for MicrosoftContainerRegistry on TCP 443 if you use them.",
      undetermined: "Subnet '{{name}}' restricts outbound traffic, but whether it allows {{needed}} cannot be told: {{reason}}.",
      notRestricted: "Subnet '{{name}}' does not restrict outbound Internet traffic; Microsoft Container Registry is reachable.",
      restrictionUnknown: "Whether subnet '{{name}}' restricts outbound traffic cannot be told: {{reason}}.",
      noNsg: "Subnet '{{name}}' has no NSG, so its outbound traffic is not restricted.",
      missingSubnet: "Subnet '{{name}}' hosts clusters or instances but is not in the inventory; its outbound rules cannot be judged.",
      missingNsg: "The NSG of subnet '{{name}}' is not in the inventory; its outbound rules cannot be judged ({{reason}}).",
    },
  },
  subjects: (estate) => subnetSubjects(estate, CLUSTER_OR_INSTANCE),
  check: ({ target }, estate) => subnetRestrictedOutboundCheck(estate, target, REQUIRED),
});
