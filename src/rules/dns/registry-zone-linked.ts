import { defineRule } from '../types';
import { associatedWithEndpoints, PRIVATE_ENDPOINT_DNS_SOURCE, privateDnsCheck, privateDnsSubjects, ZONE_LINK_MESSAGES } from '../support/private-dns';

/**
 * Today's guidance, "Azure Private Endpoint private DNS zone values": the workspace's container registry, reached
 * through private endpoints, resolves to them only where privatelink.azurecr.io is linked.
 */
export const dnsRegistryZoneLinkedRule = defineRule({
  meta: {
    id: 'dns.registry-zone-linked',
    title: "Workspace container registry's private DNS zone not linked to a VNet that uses it",
    severity: 'high',
    source: PRIVATE_ENDPOINT_DNS_SOURCE,
    description:
      "The workspace's container registry, reached through private endpoints, resolves to them only where the private DNS zone privatelink.azurecr.io is linked: the endpoints' VNets and those of the workspace's clusters, instances and serverless compute.",
    remediation: 'Link privatelink.azurecr.io to every VNet holding the private endpoints or the workspace\'s computes, or forward the zone from your custom DNS servers.',
    enabledByDefault: true,
    guidance: { status: 'current' },
    messages: { ...ZONE_LINK_MESSAGES },
  },
  subjects: (estate) => privateDnsSubjects(estate, associatedWithEndpoints(estate, 'containerRegistryId', (id) => estate.containerRegistry(id))),
  check: ({ target }, estate) => privateDnsCheck(estate, target, 'Container registry', ['registry']),
});
