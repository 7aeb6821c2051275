import { defineRule } from '../types';
import { associatedWithEndpoints, PRIVATE_ENDPOINT_DNS_SOURCE, privateDnsCheck, privateDnsSubjects, ZONE_LINK_MESSAGES } from '../support/private-dns';

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
    source: PRIVATE_ENDPOINT_DNS_SOURCE,
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
