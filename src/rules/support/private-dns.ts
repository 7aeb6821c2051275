import { idKey, nameOf, parentId } from '../../core/ids';
import type { JsonValue } from '../../core/types';
import type { Estate, FirewalledResource, PrivateEndpoint, PrivateEndpointConnection } from '../../estate';
import type { CheckOutcome, RuleSubject } from '../types';

/**
 * Whether the VNets that must reach a resource through its private endpoints resolve its names to
 * them: the private DNS zone of each endpoint's sub-resource linked to each such VNet (the dns.*
 * rules). The zone names are Azure's public cloud ones ("Azure Private Endpoint private DNS zone
 * values"); a VNet that sends its queries to custom DNS servers resolves through them, which the
 * inventory does not show, so it is `unknown` there, never a guess.
 */

/** The page the dns rules of the associated resources cite. */
export const PRIVATE_ENDPOINT_DNS_SOURCE = {
  document: 'current',
  page: { title: 'Azure Private Endpoint private DNS zone values', url: 'https://learn.microsoft.com/azure/private-link/private-endpoint-dns' },
  section: 'Azure Private Endpoint private DNS zone values',
  quote:
    "It's important to correctly configure your DNS settings to resolve the private endpoint IP address to the fully qualified domain name (FQDN) of the connection string. […] You can use private DNS zones to override the DNS resolution for a private endpoint. A private DNS zone can be linked to your virtual network to resolve specific domains.",
} as const;

/** Zones per private endpoint sub-resource (groupId), Azure public cloud. */
const ZONES_BY_GROUP: ReadonlyMap<string, readonly string[]> = new Map([
  ['amlworkspace', ['privatelink.api.azureml.ms', 'privatelink.notebooks.azure.net']],
  ['blob', ['privatelink.blob.core.windows.net']],
  ['file', ['privatelink.file.core.windows.net']],
  ['queue', ['privatelink.queue.core.windows.net']],
  ['table', ['privatelink.table.core.windows.net']],
  ['dfs', ['privatelink.dfs.core.windows.net']],
  ['web', ['privatelink.web.core.windows.net']],
  ['vault', ['privatelink.vaultcore.azure.net']],
  ['registry', ['privatelink.azurecr.io']],
]);

export type ZoneLinkMessageId = 'linked' | 'notLinked' | 'zoneMissing' | 'noRecords' | 'customDns' | 'undetermined' | 'noEndpoint';

export const ZONE_LINK_MESSAGES = {
  linked: "{{kind}} '{{name}}' is reached through private endpoints, and {{zones}} {{verb}} linked to every VNet that uses it ({{vnets}}).",
  notLinked:
    "{{kind}} '{{name}}' is reached through private endpoints, but {{problems}}: from there its names resolve to public addresses, which its firewall refuses, so jobs and compute creation fail; link the zone to each VNet.",
  zoneMissing:
    "{{kind}} '{{name}}' is reached through private endpoints, but {{problems}}: nothing resolves its names to the endpoints; create the zone, add the endpoints' DNS zone groups and link it to each VNet.",
  noRecords:
    "{{kind}} '{{name}}' is reached through private endpoints, but {{problems}}: its names resolve to nothing there, so jobs and compute creation fail; give each private endpoint a DNS zone group for the zone, so Azure writes its A records.",
  customDns: "{{kind}} '{{name}}' is reached through private endpoints from VNets with custom DNS servers ({{problems}}); whether those servers resolve {{zones}} to the endpoints is not in the inventory.",
  undetermined: "Whether {{kind}} '{{name}}' resolves to its private endpoints cannot be judged: {{problems}}.",
  noEndpoint: "{{kind}} '{{name}}' has no approved private endpoint; no private DNS zone is needed for it.",
} as const;

/** The subject of a dns.* rule: a resource and the VNets whose computes must reach it privately. */
export interface PrivateDnsTarget {
  readonly resourceId: string;
  readonly name: string;
  readonly connections: readonly PrivateEndpointConnection[];
  /** VNets of compute subnets (clusters, instances, serverless) of the workspaces using it. */
  readonly computeVnetIds: readonly string[];
}

/** VNets of the clusters, instances and serverless compute of a workspace. */
export function computeVnetIdsOf(estate: Estate, workspaceId: string): string[] {
  const ids: string[] = [];
  for (const use of estate.computeSubnetsOf(workspaceId)) if (use.role === 'cluster' || use.role === 'instance') ids.push(vnetOfSubnet(use.subnetId));
  const serverless = estate.workspace(workspaceId)?.serverlessCompute?.subnetId;
  if (serverless !== undefined) ids.push(vnetOfSubnet(serverless));
  return ids;
}

/** Subjects: the resources given (a workspace, or an associated resource), each with its workspaces' compute VNets. */
export function privateDnsSubjects(estate: Estate, resources: readonly { readonly id: string; readonly name: string; readonly privateEndpointConnections: readonly PrivateEndpointConnection[] }[]): RuleSubject<PrivateDnsTarget>[] {
  return resources.map((resource) => {
    const self = estate.workspace(resource.id);
    const workspaces = self !== undefined ? [self] : estate.workspacesUsing(resource.id);
    return {
      resourceId: resource.id,
      workspaceIds: workspaces.map((workspace) => workspace.id),
      target: {
        resourceId: resource.id,
        name: resource.name,
        connections: resource.privateEndpointConnections,
        computeVnetIds: workspaces.flatMap((workspace) => computeVnetIdsOf(estate, workspace.id)),
      },
    };
  });
}

/** The distinct associated resources the workspaces name that are in the inventory and have a private endpoint connection. */
export function associatedWithEndpoints<T extends FirewalledResource>(estate: Estate, field: 'storageAccountId' | 'keyVaultId' | 'containerRegistryId', find: (id: string) => T | undefined): T[] {
  const seen = new Set<string>();
  const result: T[] = [];
  for (const workspace of estate.workspaces) {
    const id = workspace[field];
    if (id === undefined || seen.has(idKey(id))) continue;
    seen.add(idKey(id));
    const resource = find(id);
    if (resource !== undefined && resource.privateEndpointConnections.length > 0) result.push(resource);
  }
  return result;
}

function vnetOfSubnet(subnetId: string): string {
  return parentId(subnetId) ?? subnetId;
}

type VnetZoneState =
  | { readonly state: 'linked'; readonly linkId: string }
  | { readonly state: 'empty'; readonly linkId: string; readonly zoneId: string }
  | { readonly state: 'not-linked'; readonly zoneIds: readonly string[] }
  | { readonly state: 'zone-missing'; readonly otherLinks: number }
  | { readonly state: 'custom-dns'; readonly dnsServers: readonly string[] }
  | { readonly state: 'unknown'; readonly reason: string };

function judgeVnetZone(estate: Estate, vnetId: string, zone: string): VnetZoneState {
  const vnet = estate.virtualNetwork(vnetId);
  if (vnet === undefined) return { state: 'unknown', reason: `VNet '${nameOf(vnetId)}' is not in the inventory` };
  if (vnet.dnsServers.length > 0) return { state: 'custom-dns', dnsServers: vnet.dnsServers };
  const links = estate.privateDnsLinksOf(vnet.id);
  const link = links.find((candidate) => candidate.zoneName === zone);
  if (link !== undefined) {
    // The zone's record sets count its SOA: one set means no endpoint registered an A record.
    const count = estate.privateDnsZone(link.zoneId)?.recordSetCount;
    return count !== undefined && count <= 1 ? { state: 'empty', linkId: link.id, zoneId: link.zoneId } : { state: 'linked', linkId: link.id };
  }
  const zones = estate.privateDnsZonesNamed(zone);
  if (zones.length > 0) return { state: 'not-linked', zoneIds: zones.map((candidate) => candidate.id) };
  // A zone absent from the inventory may live in a subscription outside the audit. It is missing,
  // not merely out of sight, only where this VNet's other private zones are in sight.
  const otherLinks = links.filter((candidate) => candidate.zoneName.startsWith('privatelink.') && estate.privateDnsZonesNamed(candidate.zoneName).length > 0).length;
  if (otherLinks > 0) return { state: 'zone-missing', otherLinks };
  if (estate.privateDnsZoneCount === 0) return { state: 'unknown', reason: 'no private DNS zone is in the inventory (a snapshot taken before they were read, or zones in a subscription outside the audit)' };
  return { state: 'unknown', reason: `no private DNS zone '${zone}' is in the inventory, and VNet '${vnet.name}' links no other private zone there: it may be in a subscription outside the audit` };
}

/**
 * `kind` names the subject in messages ("Workspace", "Storage account"…); `fallbackGroups` are the
 * sub-resources to assume for an endpoint that names none (a workspace has only `amlworkspace`).
 */
export function privateDnsCheck(estate: Estate, target: PrivateDnsTarget, kind: string, fallbackGroups: readonly string[] = []): CheckOutcome<ZoneLinkMessageId> {
  const name = target.name;
  const approved = target.connections.filter((connection) => connection.status?.toLowerCase() === 'approved' && connection.privateEndpointId !== undefined);
  if (approved.length === 0) return { status: 'not-applicable', messageId: 'noEndpoint', data: { kind, name }, evidence: { privateEndpointIds: [] } };
  const endpoints: PrivateEndpoint[] = [];
  const problems: string[] = [];
  for (const connection of approved) {
    const endpoint = findEndpoint(estate, target.resourceId, connection.privateEndpointId ?? '');
    if (endpoint === undefined) problems.push(`private endpoint '${nameOf(connection.privateEndpointId ?? '')}' is not in the inventory`);
    else endpoints.push(endpoint);
  }
  const zones = [...new Set(endpoints.flatMap((endpoint) => (endpoint.groupIds.length > 0 ? endpoint.groupIds : fallbackGroups).flatMap((group) => ZONES_BY_GROUP.get(group) ?? [])))].sort();
  const vnetIds = uniqueIds([...endpoints.map((endpoint) => vnetOfSubnet(endpoint.subnetId ?? '')).filter((id) => id !== ''), ...target.computeVnetIds]);
  const checks: { [key: string]: JsonValue }[] = [];
  const notLinked: string[] = [];
  const missing: string[] = [];
  const custom: string[] = [];
  const empty: string[] = [];
  for (const vnetId of vnetIds) {
    for (const zone of zones) {
      const verdict = judgeVnetZone(estate, vnetId, zone);
      const vnet = nameOf(vnetId);
      switch (verdict.state) {
        case 'linked':
          checks.push({ vnetId, zone, state: 'linked', linkId: verdict.linkId });
          break;
        case 'empty':
          checks.push({ vnetId, zone, state: 'no-records', linkId: verdict.linkId, zoneId: verdict.zoneId });
          if (!empty.some((entry) => entry.startsWith(`zone '${zone}'`))) empty.push(`zone '${zone}' linked to VNet '${vnet}' holds no record set but its SOA`);
          break;
        case 'not-linked':
          checks.push({ vnetId, zone, state: 'not-linked', zoneIds: [...verdict.zoneIds] });
          notLinked.push(`zone '${zone}' is not linked to VNet '${vnet}'`);
          break;
        case 'zone-missing':
          checks.push({ vnetId, zone, state: 'zone-missing', otherPrivateZonesLinked: verdict.otherLinks });
          missing.push(`no private DNS zone '${zone}' exists for VNet '${vnet}' (it links ${verdict.otherLinks} other private zone${verdict.otherLinks === 1 ? '' : 's'} in the inventory)`);
          break;
        case 'custom-dns':
          checks.push({ vnetId, zone, state: 'custom-dns', dnsServers: [...verdict.dnsServers] });
          if (!custom.some((entry) => entry.startsWith(`VNet '${vnet}'`))) custom.push(`VNet '${vnet}' uses ${verdict.dnsServers.join(', ')}`);
          break;
        default:
          checks.push({ vnetId, zone, state: 'unknown', reason: verdict.reason });
          if (!problems.includes(verdict.reason)) problems.push(verdict.reason);
      }
    }
  }
  const evidence = { privateEndpointIds: endpoints.map((endpoint) => endpoint.id), zones, vnetIds, checks };
  const zoneText = zones.map((zone) => `'${zone}'`).join(' and ');
  if (notLinked.length > 0 || missing.length > 0) {
    return { status: 'fail', messageId: missing.length > 0 && notLinked.length === 0 ? 'zoneMissing' : 'notLinked', data: { kind, name, problems: [...notLinked, ...missing, ...empty].join('; ') }, evidence };
  }
  if (empty.length > 0) return { status: 'fail', messageId: 'noRecords', data: { kind, name, problems: empty.join('; ') }, evidence };
  if (problems.length > 0) return { status: 'unknown', messageId: 'undetermined', data: { kind, name, problems: problems.join('; ') }, evidence };
  if (zones.length === 0) return { status: 'unknown', messageId: 'undetermined', data: { kind, name, problems: 'its private endpoints name no sub-resource this auditor knows the zone of' }, evidence };
  if (custom.length > 0) return { status: 'unknown', messageId: 'customDns', data: { kind, name, problems: custom.join('; '), zones: zoneText }, evidence };
  return { status: 'pass', messageId: 'linked', data: { kind, name, zones: zoneText, verb: zones.length === 1 ? 'is' : 'are', vnets: vnetIds.map(nameOf).join(', ') }, evidence };
}

/** An approved endpoint of the resource by ID (the estate indexes approved endpoints per resource). */
function findEndpoint(estate: Estate, resourceId: string, endpointId: string): PrivateEndpoint | undefined {
  return estate.approvedPrivateEndpointsOf(resourceId).find((endpoint) => endpoint.key === idKey(endpointId));
}

function uniqueIds(ids: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const id of ids) if (!seen.has(idKey(id))) seen.set(idKey(id), id);
  return [...seen.values()];
}
