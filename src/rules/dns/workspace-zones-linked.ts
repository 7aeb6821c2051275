import { defineRule } from '../types';
import { CURRENT_PAGES } from '../sources';
import { privateDnsCheck, privateDnsSubjects, ZONE_LINK_MESSAGES } from '../support/private-dns';

/**
 * Today's guidance, "Secure an Azure Machine Learning training environment with virtual networks":
 * computes in a VNet reach a private-link workspace through its names in privatelink.api.azureml.ms
 * and privatelink.notebooks.azure.net, so both zones must be linked to every VNet they run in.
 */
export const dnsWorkspaceZonesLinkedRule = defineRule({
  meta: {
    id: 'dns.workspace-zones-linked',
    title: "Workspace's private DNS zones not linked to a VNet that uses it",
    severity: 'high',
    source: {
      document: 'current',
      page: CURRENT_PAGES.trainingVnet,
      section: 'Compute cluster in a different VNet/region from workspace',
      quote:
        'Modify the `privatelink.api.azureml.ms` DNS zone to add a link to the VNet for the compute cluster. This zone is created by your Azure Machine Learning workspace when it uses a private endpoint to participate in a VNet. […] Repeat the previous step and sub-steps for the `privatelink.notebooks.azure.net` DNS zone.',
    },
    description:
      'A workspace reached through a private endpoint resolves to it only where the private DNS zones privatelink.api.azureml.ms and privatelink.notebooks.azure.net are linked: the VNet of each of its private endpoints and of each of its clusters, instances and serverless compute.',
    remediation: 'Link both zones to every VNet holding the workspace\'s private endpoints or computes (az network private-dns link vnet create), or forward those zones from your custom DNS servers.',
    enabledByDefault: true,
    guidance: { status: 'current' },
    messages: { ...ZONE_LINK_MESSAGES },
  },
  subjects: (estate) => privateDnsSubjects(estate, estate.workspaces.filter((workspace) => workspace.privateEndpointConnections.length > 0)),
  check: ({ target }, estate) => privateDnsCheck(estate, target, 'Workspace', ['amlworkspace']),
});
