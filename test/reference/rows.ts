/**
 * The reference estates' call convention over the one set of row factories (test/support/arm.ts):
 * resources as Azure Resource Graph returns them, so the estates read like real exports. Only the
 * reference tenant and the reference spellings of rules, subnets and routes are written here.
 */
import type { ResourceRow, ServiceTagEntry } from '../../src/inventory/types';
import * as arm from '../support/arm';

export const TENANT = '72f988bf-0000-4000-8000-0000000000aa';

export interface Place {
  readonly subscription: string;
  readonly resourceGroup: string;
  readonly location: string;
}

export function armId(at: Place, provider: string, type: string, name: string): string {
  return arm.resourceId(provider, type, name, at);
}

/** Any resource type, with the reference tenant; Resource Graph lowercases resource group names. */
export function graphRow(id: string, type: string, at: Place, fields: { properties: unknown } & Record<string, unknown>): ResourceRow {
  return arm.resourceRow(id, type, { ...at, resourceGroup: at.resourceGroup.toLowerCase() }, { tenantId: TENANT, ...fields });
}

/** Private DNS zones (location global) and, for each, a link to every VNet named: the rows Resource Graph lists for a template's zones. */
export function privateDnsZones(at: Place, zones: readonly string[], links: readonly { readonly name: string; readonly vnetId: string }[]): ResourceRow[] {
  return zones.flatMap((zone) => {
    const zoneRow = arm.privateDnsZone({ ...at, resourceGroup: at.resourceGroup.toLowerCase(), name: zone });
    return [zoneRow, ...links.map((link) => arm.privateDnsZoneLink(zoneRow, link))];
  });
}

export function systemIdentity(principalId: string): Record<string, unknown> {
  return { type: 'SystemAssigned', principalId, tenantId: TENANT };
}

export interface RuleSpec {
  readonly name: string;
  readonly priority: number;
  readonly direction: 'Inbound' | 'Outbound';
  readonly access: 'Allow' | 'Deny';
  readonly protocol: string;
  readonly source?: string;
  readonly sources?: readonly string[];
  readonly destination?: string;
  readonly destinations?: readonly string[];
  readonly ports?: string;
  readonly portRanges?: readonly string[];
}

export function networkSecurityGroup(at: Place, name: string, rules: readonly RuleSpec[]): ResourceRow {
  return reference(
    arm.nsg({
      ...at,
      name,
      rules: rules.map((rule) => ({
        name: rule.name,
        priority: rule.priority,
        direction: rule.direction,
        access: rule.access,
        protocol: rule.protocol,
        ...(rule.sources !== undefined || rule.source !== undefined ? { source: rule.sources ?? rule.source } : {}),
        ...(rule.destinations !== undefined || rule.destination !== undefined ? { destination: rule.destinations ?? rule.destination } : {}),
        ...(rule.portRanges !== undefined || rule.ports !== undefined ? { destinationPorts: rule.portRanges ?? rule.ports } : {}),
      })),
    }),
  );
}

export interface SubnetSpec {
  readonly name: string;
  readonly prefix: string;
  readonly nsgId?: string;
  readonly routeTableId?: string;
  readonly serviceEndpoints?: readonly string[];
  readonly ipConfigurations?: number;
}

export function virtualNetwork(at: Place, name: string, addressPrefixes: readonly string[], subnets: readonly SubnetSpec[]): ResourceRow {
  return reference(
    arm.vnet({
      ...at,
      name,
      addressPrefixes,
      subnets: subnets.map(({ prefix, ipConfigurations, ...subnet }) => ({ ...subnet, addressPrefix: prefix, ...(ipConfigurations !== undefined ? { ipConfigurationCount: ipConfigurations } : {}) })),
    }),
  );
}

export function routeTable(at: Place, name: string, routes: readonly { name: string; prefix: string; nextHop: string; nextHopIp?: string }[]): ResourceRow {
  return reference(
    arm.routeTable({
      ...at,
      name,
      routes: routes.map((route) => ({ name: route.name, addressPrefix: route.prefix, nextHopType: route.nextHop, ...(route.nextHopIp !== undefined ? { nextHopIpAddress: route.nextHopIp } : {}) })),
    }),
  );
}

/** A private endpoint, and the connection its target resource lists (auto-approved: same owner). */
export function privateEndpoint(at: Place, name: string, subnetId: string, targetId: string, groupId: string): { endpoint: ResourceRow; connection: Record<string, unknown> } {
  const endpoint = reference(arm.privateEndpoint({ ...at, name, subnetId, targetId, groupId }));
  const connection = {
    id: `${targetId}/privateEndpointConnections/${name}.0f6b2c1e`,
    name: `${name}.0f6b2c1e`,
    properties: { provisioningState: 'Succeeded', privateEndpoint: { id: endpoint.id }, groupIds: [groupId], privateLinkServiceConnectionState: { status: 'Approved', description: 'Auto-Approved', actionsRequired: 'None' } },
  };
  return { endpoint, connection };
}

/** The reference tenant, and the resource group lowercased as Resource Graph writes it. */
function reference(row: ResourceRow): ResourceRow {
  return { ...row, tenantId: TENANT, resourceGroup: String(row.resourceGroup).toLowerCase() };
}

/** Service tags with documentation address ranges (RFC 5737), regional entries marked by region. */
export function referenceServiceTags(regions: readonly { key: string; name: string }[]): ServiceTagEntry[] {
  const tags: ServiceTagEntry[] = [];
  const services = ['BatchNodeManagement', 'AzureMachineLearning', 'Storage', 'AzureContainerRegistry', 'MicrosoftContainerRegistry'];
  services.forEach((service, serviceIndex) => {
    const regional = regions.map((region, regionIndex) => ({ region, prefix: `198.51.${100 + serviceIndex}.${regionIndex * 32}/27` }));
    tags.push({ name: service, id: service, properties: { region: '', systemService: service, addressPrefixes: regional.map((entry) => entry.prefix) } });
    for (const entry of regional) tags.push({ name: `${service}.${entry.region.name}`, id: `${service}.${entry.region.name}`, properties: { region: entry.region.key, systemService: service, addressPrefixes: [entry.prefix] } });
  });
  tags.push({ name: 'AzureFrontDoor.Frontend', id: 'AzureFrontDoor.Frontend', properties: { region: '', systemService: 'AzureFrontDoor', addressPrefixes: ['203.0.113.0/27'] } });
  tags.push({ name: 'AzureResourceManager', id: 'AzureResourceManager', properties: { region: '', systemService: 'AzureResourceManager', addressPrefixes: ['203.0.113.32/27'] } });
  tags.push({ name: 'AzureActiveDirectory', id: 'AzureActiveDirectory', properties: { region: '', systemService: 'AzureActiveDirectory', addressPrefixes: ['203.0.113.64/27'] } });
  return tags;
}
