import { defineRule } from '../types';
import { associatedWithEndpoints, privateDnsCheck, privateDnsSubjects, ZONE_LINK_MESSAGES } from '../support/private-dns';

/**
 * Today's guidance, "Azure Private Endpoint private DNS zone values": each private endpoint of the
 * workspace's storage account resolves through the zone of its sub-resource (blob, file, queue,
 * table, dfs), which must be linked to the VNets its computes run in.
 */
export const dnsStorageZonesLinkedRule = defineRule({
  meta: {
    id: 'dns.storage-zones-linked',
    title: "Workspace storage's private DNS zones not linked to a VNet that uses it",
    severity: 'high',
    source: {
      document: 'current',
      page: { title: 'Azure Private Endpoint private DNS zone values', url: 'https://learn.microsoft.com/azure/private-link/private-endpoint-dns' },
      section: 'Azure Private Endpoint private DNS zone values',
      quote:
        "It's important to correctly configure your DNS settings to resolve the private endpoint IP address to the fully qualified domain name (FQDN) of the connection string. […] You can use private DNS zones to override the DNS resolution for a private endpoint. A private DNS zone can be linked to your virtual network to resolve specific domains.",
    },
    description:
      "The workspace's storage account, reached through private endpoints, resolves to them only where the zone of each endpoint's sub-resource (privatelink.blob.core.windows.net, privatelink.file.core.windows.net…) is linked: the endpoints' VNets and those of the workspace's clusters, instances and serverless compute.",
    remediation: "Link each zone to every VNet holding the account's private endpoints or the workspace's computes, or forward those zones from your custom DNS servers.",
    enabledByDefault: true,
    guidance: { status: 'current' },
    messages: { ...ZONE_LINK_MESSAGES },
  },
  subjects: (estate) => privateDnsSubjects(estate, associatedWithEndpoints(estate, 'storageAccountId', (id) => estate.storageAccount(id))),
  check: ({ target }, estate) => privateDnsCheck(estate, target, 'Storage account'),
});
