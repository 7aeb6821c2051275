import { defineRule } from '../types';
import { associatedWithEndpoints, PRIVATE_ENDPOINT_DNS_SOURCE, privateDnsCheck, privateDnsSubjects, ZONE_LINK_MESSAGES } from '../support/private-dns';

/**
 * Today's guidance, "Azure Private Endpoint private DNS zone values": the workspace's key vault, reached
 * through private endpoints, resolves to them only where privatelink.vaultcore.azure.net is linked.
 */
export const dnsKeyvaultZoneLinkedRule = defineRule({
  meta: {
    id: 'dns.keyvault-zone-linked',
    title: "Workspace key vault's private DNS zone not linked to a VNet that uses it",
    severity: 'high',
    source: PRIVATE_ENDPOINT_DNS_SOURCE,
    description:
      "The workspace's key vault, reached through private endpoints, resolves to them only where the private DNS zone privatelink.vaultcore.azure.net is linked: the endpoints' VNets and those of the workspace's clusters, instances and serverless compute.",
    remediation: 'Link privatelink.vaultcore.azure.net to every VNet holding the private endpoints or the workspace\'s computes, or forward the zone from your custom DNS servers.',
    enabledByDefault: true,
    guidance: { status: 'current' },
    messages: { ...ZONE_LINK_MESSAGES },
  },
  subjects: (estate) => privateDnsSubjects(estate, associatedWithEndpoints(estate, 'keyVaultId', (id) => estate.keyVault(id))),
  check: ({ target }, estate) => privateDnsCheck(estate, target, 'Key vault', ['vault']),
});
