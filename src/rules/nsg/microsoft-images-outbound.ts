import { defineRule } from '../types';
import { CLUSTER_OR_INSTANCE, subnetSubjects } from '../support/compute-subnets';
import { subnetRestrictedOutboundCheck } from '../support/traffic';
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
      page: { title: 'Configure inbound and outbound network traffic', url: 'https://learn.microsoft.com/azure/machine-learning/how-to-access-azureml-behind-firewall' },
      section: 'Recommended configuration for training and deploying models',
      quote:
        '`MicrosoftContainerRegistry` and `AzureFrontDoor.FirstParty` | 443 | Allows use of Docker images that Microsoft provides for training and inference. Also sets up the Azure Machine Learning router for Azure Kubernetes Service.',
    },
    description:
      "When the NSG of a cluster or instance subnet denies outbound Internet traffic, it must still allow TCP 443 to MicrosoftContainerRegistry and to AzureFrontDoor.FirstParty, which serves the registry's content, or jobs cannot pull the Docker images Microsoft provides (curated environments, base images).",
    remediation: 'Add outbound Allow rules for MicrosoftContainerRegistry and AzureFrontDoor.FirstParty on TCP 443, with priority numbers lower than the rule that denies Internet traffic.',
    enabledByDefault: true,
    guidance: { status: 'current' },
    messages: {
      allowed: "Subnet '{{name}}' restricts outbound traffic and still allows {{needed}}.",
      blocked:
        "Subnet '{{name}}' restricts outbound traffic and blocks {{blocked}}; jobs there cannot pull the Docker images Microsoft provides (curated environments, base images): add outbound Allow rules with lower priority numbers.",
      undetermined: "Subnet '{{name}}' restricts outbound traffic, but whether it allows {{needed}} cannot be told: {{reason}}.",
      notRestricted: "Subnet '{{name}}' does not restrict outbound Internet traffic (TCP 443 to the Internet is allowed); Microsoft's images are reachable.",
      restrictionUnknown: "Whether subnet '{{name}}' restricts outbound traffic cannot be told: {{reason}}.",
      noNsg: "Subnet '{{name}}' has no NSG, so its outbound traffic is not restricted.",
      missingSubnet: "Subnet '{{name}}' hosts clusters or instances but is not in the inventory; its outbound rules cannot be judged.",
      missingNsg: "The NSG of subnet '{{name}}' is not in the inventory; its outbound rules cannot be judged ({{reason}}).",
    },
  },
  subjects: (estate) => subnetSubjects(estate, CLUSTER_OR_INSTANCE),
  check: ({ target }, estate) => subnetRestrictedOutboundCheck(estate, target, REQUIRED),
});
