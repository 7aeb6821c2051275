import { defineRule } from '../types';
import { CURRENT_PAGES } from '../sources';
import { CLUSTER_OR_INSTANCE, subnetSubjects } from '../support/compute-subnets';
import { restrictedOutboundMessages, subnetRestrictedOutboundCheck } from '../support/traffic';
import type { RequiredOutbound } from '../support/traffic';

/** Where Microsoft's Docker images come from today: the registry and the Front Door that serves its content. */
const REQUIRED: readonly RequiredOutbound[] = [
  { tag: 'MicrosoftContainerRegistry', port: 443, regional: false },
  { tag: 'AzureFrontDoor.FirstParty', port: 443, regional: false },
];

export const nsgMicrosoftImagesOutboundRule = defineRule({
  meta: {
    id: 'nsg.microsoft-images-outbound',
    title: "Restricted outbound blocks Microsoft's Docker images",
    severity: 'medium',
    source: {
      document: 'current',
      page: CURRENT_PAGES.inboundOutbound,
      section: 'Recommended configuration for training and deploying models',
      quote:
        '`MicrosoftContainerRegistry` and `AzureFrontDoor.FirstParty` | 443 | Allows use of Docker images that Microsoft provides for training and inference. Also sets up the Azure Machine Learning router for Azure Kubernetes Service.',
    },
    description:
      "When the NSG of a cluster or instance subnet denies outbound Internet traffic, it must still allow TCP 443 to MicrosoftContainerRegistry and to AzureFrontDoor.FirstParty, which serves the registry's content, or jobs cannot pull the Docker images Microsoft provides (curated environments, base images).",
    remediation: 'Add outbound Allow rules for MicrosoftContainerRegistry and AzureFrontDoor.FirstParty on TCP 443, with priority numbers lower than the rule that denies Internet traffic.',
    enabledByDefault: true,
    guidance: { status: 'current' },
    messages: restrictedOutboundMessages({
      blocked:
        "Subnet '{{name}}' restricts outbound traffic and blocks {{blocked}}; jobs there cannot pull the Docker images Microsoft provides (curated environments, base images): add outbound Allow rules with lower priority numbers.",
      notRestricted: "Subnet '{{name}}' does not restrict outbound Internet traffic (TCP 443 to the Internet is allowed); Microsoft's images are reachable.",
    }),
  },
  subjects: (estate) => subnetSubjects(estate, CLUSTER_OR_INSTANCE),
  check: ({ target }, estate) => subnetRestrictedOutboundCheck(estate, target, REQUIRED),
});
