/**
 * Row builders for the reference estates: resources as Azure Resource Graph returns them
 * (lowercased `type`, the `subscriptionId`/`resourceGroup`/`tenantId` columns, `sku`, `kind`,
 * `identity`, `properties` with ARM's own names), so the estates read like real exports.
 */
import type { ResourceRow, ServiceTagEntry } from '../../src/inventory/types';

export const TENANT = '72f988bf-0000-4000-8000-0000000000aa';

export interface Place {
  readonly subscription: string;
  readonly resourceGroup: string;
  readonly location: string;
}

export function armId(at: Place, provider: string, type: string, name: string): string {
  return `/subscriptions/${at.subscription}/resourceGroups/${at.resourceGroup}/providers/${provider}/${type}/${name}`;
}

export function graphRow(id: string, type: string, at: Place, fields: { properties: unknown } & Record<string, unknown>): ResourceRow {
  return {
    id,
    name: id.split('/').pop(),
    type: type.toLowerCase(),
    tenantId: TENANT,
    kind: '',
    location: at.location,
    resourceGroup: at.resourceGroup.toLowerCase(),
    subscriptionId: at.subscription,
    managedBy: '',
    sku: null,
    plan: null,
    tags: {},
    identity: null,
    zones: null,
    extendedLocation: null,
    ...fields,
  };
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
  const id = armId(at, 'Microsoft.Network', 'networkSecurityGroups', name);
  return graphRow(id, 'Microsoft.Network/networkSecurityGroups', at, {
    properties: {
      provisioningState: 'Succeeded',
      securityRules: rules.map((rule) => ({
        name: rule.name,
        id: `${id}/securityRules/${rule.name}`,
        type: 'Microsoft.Network/networkSecurityGroups/securityRules',
        properties: {
          provisioningState: 'Succeeded',
          protocol: rule.protocol,
          sourcePortRange: '*',
          ...(rule.portRanges !== undefined ? { destinationPortRanges: rule.portRanges } : { destinationPortRange: rule.ports ?? '*' }),
          ...(rule.sources !== undefined ? { sourceAddressPrefixes: rule.sources } : { sourceAddressPrefix: rule.source ?? '*' }),
          ...(rule.destinations !== undefined ? { destinationAddressPrefixes: rule.destinations } : { destinationAddressPrefix: rule.destination ?? '*' }),
          access: rule.access,
          priority: rule.priority,
          direction: rule.direction,
        },
      })),
    },
  });
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
  const id = armId(at, 'Microsoft.Network', 'virtualNetworks', name);
  return graphRow(id, 'Microsoft.Network/virtualNetworks', at, {
    properties: {
      provisioningState: 'Succeeded',
      addressSpace: { addressPrefixes },
      subnets: subnets.map((subnet) => ({
        name: subnet.name,
        id: `${id}/subnets/${subnet.name}`,
        type: 'Microsoft.Network/virtualNetworks/subnets',
        properties: {
          provisioningState: 'Succeeded',
          addressPrefix: subnet.prefix,
          privateEndpointNetworkPolicies: 'Disabled',
          privateLinkServiceNetworkPolicies: 'Disabled',
          ...(subnet.nsgId !== undefined ? { networkSecurityGroup: { id: subnet.nsgId } } : {}),
          ...(subnet.routeTableId !== undefined ? { routeTable: { id: subnet.routeTableId } } : {}),
          serviceEndpoints: (subnet.serviceEndpoints ?? []).map((service) => ({ provisioningState: 'Succeeded', service, locations: [at.location] })),
          delegations: [],
          ipConfigurations: Array.from({ length: subnet.ipConfigurations ?? 0 }, (_, index) => ({ id: `${id}/subnets/${subnet.name}/ipconfig-${index}` })),
        },
      })),
    },
  });
}

export function routeTable(at: Place, name: string, routes: readonly { name: string; prefix: string; nextHop: string; nextHopIp?: string }[]): ResourceRow {
  const id = armId(at, 'Microsoft.Network', 'routeTables', name);
  return graphRow(id, 'Microsoft.Network/routeTables', at, {
    properties: {
      provisioningState: 'Succeeded',
      disableBgpRoutePropagation: false,
      routes: routes.map((route) => ({
        name: route.name,
        id: `${id}/routes/${route.name}`,
        properties: { provisioningState: 'Succeeded', addressPrefix: route.prefix, nextHopType: route.nextHop, ...(route.nextHopIp !== undefined ? { nextHopIpAddress: route.nextHopIp } : {}) },
      })),
    },
  });
}

/** A private endpoint, and the connection its target resource lists (auto-approved: same owner). */
export function privateEndpoint(at: Place, name: string, subnetId: string, targetId: string, groupId: string): { endpoint: ResourceRow; connection: Record<string, unknown> } {
  const id = armId(at, 'Microsoft.Network', 'privateEndpoints', name);
  const endpoint = graphRow(id, 'Microsoft.Network/privateEndpoints', at, {
    properties: {
      provisioningState: 'Succeeded',
      subnet: { id: subnetId },
      privateLinkServiceConnections: [
        { name, id: `${id}/privateLinkServiceConnections/${name}`, properties: { privateLinkServiceId: targetId, groupIds: [groupId], privateLinkServiceConnectionState: { status: 'Approved', description: 'Auto-Approved', actionsRequired: 'None' } } },
      ],
      manualPrivateLinkServiceConnections: [],
      networkInterfaces: [{ id: armId(at, 'Microsoft.Network', 'networkInterfaces', `${name}.nic.0`) }],
    },
  });
  const connection = {
    id: `${targetId}/privateEndpointConnections/${name}.0f6b2c1e`,
    name: `${name}.0f6b2c1e`,
    properties: { provisioningState: 'Succeeded', privateEndpoint: { id }, groupIds: [groupId], privateLinkServiceConnectionState: { status: 'Approved', description: 'Auto-Approved', actionsRequired: 'None' } },
  };
  return { endpoint, connection };
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
