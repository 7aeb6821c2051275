/**
 * The one set of factories of Resource Graph rows, as `az graph query` returns them (lowercased
 * `type`, ARM's own property names, the read-only fields Azure adds): used by the tests, the bench
 * generator (bench/generate.ts) and the sample estate's builder (bench/sample-estate.ts). Each
 * returns a plain row; `estateOf` builds the real estate graph from them. Placement defaults to
 * SUBSCRIPTION, RESOURCE_GROUP and LOCATION.
 */
import { buildEstate } from '../../src/estate';
import type { Estate } from '../../src/estate';
import type { ResourceRow, ServiceTagEntry } from '../../src/inventory/types';

export const SUBSCRIPTION = '6f1c2b9e-3a4d-4c5e-9f70-1a2b3c4d5e6f';
export const OTHER_SUBSCRIPTION = 'a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d';
export const RESOURCE_GROUP = 'rg-ml';
export const LOCATION = 'eastus';
export const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

export const ROLE = {
  Owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  Contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  NetworkContributor: '4d97b98b-1d4f-4787-a291-c67834d212e7',
  Reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
} as const;

export interface Placement {
  readonly subscription?: string;
  readonly resourceGroup?: string;
  readonly location?: string;
  readonly tags?: Readonly<Record<string, string>>;
}

export function resourceId(provider: string, type: string, name: string, placement: Placement = {}): string {
  return `/subscriptions/${placement.subscription ?? SUBSCRIPTION}/resourceGroups/${placement.resourceGroup ?? RESOURCE_GROUP}/providers/${provider}/${type}/${name}`;
}

/** A row with Resource Graph's columns; `fields` (properties, sku, kind, identity…) override them. */
export function resourceRow(id: string, type: string, placement: Placement, fields: Record<string, unknown>): ResourceRow {
  return {
    id,
    name: id.split('/').pop() ?? id,
    type: type.toLowerCase(),
    tenantId: TENANT,
    kind: '',
    location: placement.location ?? LOCATION,
    resourceGroup: placement.resourceGroup ?? RESOURCE_GROUP,
    subscriptionId: placement.subscription ?? SUBSCRIPTION,
    managedBy: '',
    sku: null,
    plan: null,
    tags: { ...placement.tags },
    identity: null,
    zones: null,
    extendedLocation: null,
    ...fields,
  };
}

function row(id: string, type: string, name: string, placement: Placement, fields: Record<string, unknown>): ResourceRow {
  return resourceRow(id, type, placement, { name, ...fields });
}

// ---------- network ----------

export interface SubnetSpec {
  readonly name: string;
  readonly addressPrefix?: string;
  readonly addressPrefixes?: readonly string[];
  readonly nsgId?: string;
  readonly routeTableId?: string;
  readonly serviceEndpoints?: readonly string[];
  readonly delegations?: readonly string[];
  /** Number of ipConfigurations (allocated addresses). */
  readonly ipConfigurationCount?: number;
  readonly natGatewayId?: string;
  /** Written only when given (Azure writes it on subnets created since the private-subnet option). */
  readonly defaultOutboundAccess?: boolean;
}

/** `dnsServers`: custom DNS servers (dhcpOptions), written only when given; none means Azure-provided DNS. */
export function vnet(spec: { name: string; addressPrefixes?: readonly string[]; subnets: readonly SubnetSpec[]; dnsServers?: readonly string[] } & Placement): ResourceRow {
  const id = resourceId('Microsoft.Network', 'virtualNetworks', spec.name, spec);
  return row(id, 'Microsoft.Network/virtualNetworks', spec.name, spec, {
    properties: {
      provisioningState: 'Succeeded',
      resourceGuid: guidFrom(id),
      addressSpace: { addressPrefixes: spec.addressPrefixes ?? ['10.0.0.0/16'] },
      ...(spec.dnsServers !== undefined ? { dhcpOptions: { dnsServers: spec.dnsServers } } : {}),
      enableDdosProtection: false,
      subnets: spec.subnets.map((subnet) => ({
        id: `${id}/subnets/${subnet.name}`,
        name: subnet.name,
        type: 'Microsoft.Network/virtualNetworks/subnets',
        properties: {
          ...(subnet.addressPrefix !== undefined ? { addressPrefix: subnet.addressPrefix } : {}),
          ...(subnet.addressPrefixes !== undefined ? { addressPrefixes: subnet.addressPrefixes } : {}),
          ...(subnet.nsgId !== undefined ? { networkSecurityGroup: { id: subnet.nsgId } } : {}),
          ...(subnet.routeTableId !== undefined ? { routeTable: { id: subnet.routeTableId } } : {}),
          ...(subnet.natGatewayId !== undefined ? { natGateway: { id: subnet.natGatewayId } } : {}),
          ...(subnet.defaultOutboundAccess !== undefined ? { defaultOutboundAccess: subnet.defaultOutboundAccess } : {}),
          serviceEndpoints: (subnet.serviceEndpoints ?? []).map((service) => ({ service, locations: ['*'], provisioningState: 'Succeeded' })),
          delegations: (subnet.delegations ?? []).map((serviceName, index) => ({
            name: `delegation-${index}`,
            id: `${id}/subnets/${subnet.name}/delegations/delegation-${index}`,
            properties: { serviceName, actions: ['Microsoft.Network/virtualNetworks/subnets/action'] },
          })),
          ipConfigurations: Array.from({ length: subnet.ipConfigurationCount ?? 0 }, (_, index) => ({
            id: `/subscriptions/${spec.subscription ?? SUBSCRIPTION}/resourceGroups/${spec.resourceGroup ?? RESOURCE_GROUP}/providers/Microsoft.Network/networkInterfaces/nic-${subnet.name}-${index}/ipConfigurations/ipconfig1`,
          })),
          privateEndpointNetworkPolicies: 'Disabled',
          privateLinkServiceNetworkPolicies: 'Enabled',
          provisioningState: 'Succeeded',
        },
      })),
    },
  });
}

export function subnetIdOf(vnetRow: ResourceRow, subnetName: string): string {
  return `${vnetRow.id}/subnets/${subnetName}`;
}

export interface NsgRuleSpec {
  readonly name: string;
  readonly priority: number;
  readonly direction: 'Inbound' | 'Outbound';
  readonly access: 'Allow' | 'Deny';
  readonly protocol?: string;
  /** A single value or a list (written to the plural field). */
  readonly source?: string | readonly string[];
  readonly sourcePorts?: string | readonly string[];
  readonly destination?: string | readonly string[];
  readonly destinationPorts?: string | readonly string[];
  readonly sourceAsgIds?: readonly string[];
  readonly destinationAsgIds?: readonly string[];
}

export function nsgRule(nsgIdValue: string, spec: NsgRuleSpec): Record<string, unknown> {
  const single = (value: string | readonly string[] | undefined, fallback: string): Record<string, unknown> => ({ value: value ?? fallback });
  const field = (singular: string, plural: string, value: string | readonly string[] | undefined, fallback: string): Record<string, unknown> => {
    const resolved = single(value, fallback).value as string | readonly string[];
    return typeof resolved === 'string' ? { [singular]: resolved, [plural]: [] } : { [plural]: resolved };
  };
  return {
    id: `${nsgIdValue}/securityRules/${spec.name}`,
    name: spec.name,
    etag: 'W/"00000000-0000-0000-0000-000000000000"',
    type: 'Microsoft.Network/networkSecurityGroups/securityRules',
    properties: {
      priority: spec.priority,
      direction: spec.direction,
      access: spec.access,
      protocol: spec.protocol ?? 'Tcp',
      ...field('sourceAddressPrefix', 'sourceAddressPrefixes', spec.sourceAsgIds ? undefined : spec.source, '*'),
      ...field('sourcePortRange', 'sourcePortRanges', spec.sourcePorts, '*'),
      ...field('destinationAddressPrefix', 'destinationAddressPrefixes', spec.destinationAsgIds ? undefined : spec.destination, '*'),
      ...field('destinationPortRange', 'destinationPortRanges', spec.destinationPorts, '*'),
      ...(spec.sourceAsgIds ? { sourceApplicationSecurityGroups: spec.sourceAsgIds.map((id) => ({ id })) } : {}),
      ...(spec.destinationAsgIds ? { destinationApplicationSecurityGroups: spec.destinationAsgIds.map((id) => ({ id })) } : {}),
      provisioningState: 'Succeeded',
    },
  };
}

export function nsgId(name: string, placement: Placement = {}): string {
  return resourceId('Microsoft.Network', 'networkSecurityGroups', name, placement);
}

/** An NSG; Resource Graph rows carry defaultSecurityRules unless `withDefaultRules` is false. */
export function nsg(spec: { name: string; rules: readonly NsgRuleSpec[]; withDefaultRules?: boolean } & Placement): ResourceRow {
  const id = nsgId(spec.name, spec);
  const defaults: NsgRuleSpec[] = [
    { name: 'AllowVnetInBound', priority: 65000, direction: 'Inbound', access: 'Allow', protocol: '*', source: 'VirtualNetwork', destination: 'VirtualNetwork' },
    { name: 'AllowAzureLoadBalancerInBound', priority: 65001, direction: 'Inbound', access: 'Allow', protocol: '*', source: 'AzureLoadBalancer', destination: '*' },
    { name: 'DenyAllInBound', priority: 65500, direction: 'Inbound', access: 'Deny', protocol: '*' },
    { name: 'AllowVnetOutBound', priority: 65000, direction: 'Outbound', access: 'Allow', protocol: '*', source: 'VirtualNetwork', destination: 'VirtualNetwork' },
    { name: 'AllowInternetOutBound', priority: 65001, direction: 'Outbound', access: 'Allow', protocol: '*', source: '*', destination: 'Internet' },
    { name: 'DenyAllOutBound', priority: 65500, direction: 'Outbound', access: 'Deny', protocol: '*' },
  ];
  return row(id, 'Microsoft.Network/networkSecurityGroups', spec.name, spec, {
    properties: {
      provisioningState: 'Succeeded',
      resourceGuid: guidFrom(id),
      securityRules: spec.rules.map((rule) => nsgRule(id, rule)),
      ...(spec.withDefaultRules === false ? {} : { defaultSecurityRules: defaults.map((rule) => nsgRule(id, rule)) }),
    },
  });
}

export interface RouteSpec {
  readonly name: string;
  readonly addressPrefix: string;
  readonly nextHopType: string;
  readonly nextHopIpAddress?: string;
}

export function routeTableId(name: string, placement: Placement = {}): string {
  return resourceId('Microsoft.Network', 'routeTables', name, placement);
}

export function routeTable(spec: { name: string; routes: readonly RouteSpec[] } & Placement): ResourceRow {
  const id = routeTableId(spec.name, spec);
  return row(id, 'Microsoft.Network/routeTables', spec.name, spec, {
    properties: {
      provisioningState: 'Succeeded',
      disableBgpRoutePropagation: false,
      routes: spec.routes.map((route) => ({
        id: `${id}/routes/${route.name}`,
        name: route.name,
        type: 'Microsoft.Network/routeTables/routes',
        properties: {
          addressPrefix: route.addressPrefix,
          nextHopType: route.nextHopType,
          ...(route.nextHopIpAddress !== undefined ? { nextHopIpAddress: route.nextHopIpAddress } : {}),
          provisioningState: 'Succeeded',
        },
      })),
    },
  });
}

export function networkInterface(spec: { name: string; subnetId: string; nsgId?: string; vmId?: string; privateIp?: string } & Placement): ResourceRow {
  const id = resourceId('Microsoft.Network', 'networkInterfaces', spec.name, spec);
  return row(id, 'Microsoft.Network/networkInterfaces', spec.name, spec, {
    properties: {
      provisioningState: 'Succeeded',
      ipConfigurations: [
        {
          id: `${id}/ipConfigurations/ipconfig1`,
          name: 'ipconfig1',
          properties: { privateIPAddress: spec.privateIp ?? '10.0.9.4', privateIPAllocationMethod: 'Dynamic', privateIPAddressVersion: 'IPv4', subnet: { id: spec.subnetId }, primary: true },
        },
      ],
      ...(spec.nsgId !== undefined ? { networkSecurityGroup: { id: spec.nsgId } } : {}),
      ...(spec.vmId !== undefined ? { virtualMachine: { id: spec.vmId } } : {}),
      enableAcceleratedNetworking: false,
    },
  });
}

export function privateEndpoint(spec: { name: string; subnetId: string; targetId: string; groupId: string } & Placement): ResourceRow {
  const id = resourceId('Microsoft.Network', 'privateEndpoints', spec.name, spec);
  return row(id, 'Microsoft.Network/privateEndpoints', spec.name, spec, {
    properties: {
      provisioningState: 'Succeeded',
      subnet: { id: spec.subnetId },
      privateLinkServiceConnections: [
        {
          id: `${id}/privateLinkServiceConnections/${spec.name}`,
          name: spec.name,
          properties: { privateLinkServiceId: spec.targetId, groupIds: [spec.groupId], privateLinkServiceConnectionState: { status: 'Approved', description: 'Auto-Approved' } },
        },
      ],
      manualPrivateLinkServiceConnections: [],
      networkInterfaces: [{ id: resourceId('Microsoft.Network', 'networkInterfaces', `${spec.name}.nic.${guidFrom(id).slice(0, 8)}`, spec) }],
    },
  });
}

/** A private DNS zone as Resource Graph returns it (location 'global'). */
/** `recordSets`: properties.numberOfRecordSets (1: the SOA alone); 2 unless given. */
export function privateDnsZone(spec: { name: string; recordSets?: number } & Placement): ResourceRow {
  const id = resourceId('Microsoft.Network', 'privateDnsZones', spec.name, spec);
  const { recordSets: _recordSets, ...placement } = spec;
  return row(id, 'Microsoft.Network/privateDnsZones', spec.name, { ...placement, location: 'global' }, {
    properties: {
      provisioningState: 'Succeeded',
      maxNumberOfRecordSets: 25000,
      numberOfRecordSets: spec.recordSets ?? 2,
      maxNumberOfVirtualNetworkLinks: 1000,
      numberOfVirtualNetworkLinks: 1,
      maxNumberOfVirtualNetworkLinksWithRegistration: 100,
      numberOfVirtualNetworkLinksWithRegistration: 0,
      internalId: `SuperDomain.${guidFrom(id)}`,
    },
  });
}

/** A zone's link to a VNet (privateDnsZones/virtualNetworkLinks). */
export function privateDnsZoneLink(zoneRow: ResourceRow, spec: { name: string; vnetId: string }): ResourceRow {
  const id = `${zoneRow.id}/virtualNetworkLinks/${spec.name}`;
  return resourceRow(id, 'Microsoft.Network/privateDnsZones/virtualNetworkLinks', { subscription: String(zoneRow.subscriptionId), resourceGroup: String(zoneRow.resourceGroup), location: 'global' }, {
    name: spec.name,
    properties: { provisioningState: 'Succeeded', registrationEnabled: false, resolutionPolicy: 'Default', virtualNetwork: { id: spec.vnetId }, virtualNetworkLinkState: 'Completed' },
  });
}

/** The privateEndpointConnections entry a served resource carries for an endpoint. */
export function endpointConnection(endpointId: string, status = 'Approved'): Record<string, unknown> {
  return {
    id: `${endpointId}-connection`,
    properties: { privateEndpoint: { id: endpointId }, privateLinkServiceConnectionState: { status, description: status === 'Approved' ? 'Auto-Approved' : '', actionRequired: 'None' } },
  };
}

// ---------- associated resources ----------

export interface FirewallSpec {
  readonly name: string;
  /** Omit to leave the firewall section out entirely (Azure's default: Allow). */
  readonly defaultAction?: 'Allow' | 'Deny';
  readonly bypass?: string;
  readonly subnetIds?: readonly string[];
  readonly ipRules?: readonly string[];
  readonly publicNetworkAccess?: 'Enabled' | 'Disabled';
  readonly privateEndpointIds?: readonly string[];
}

export function storageAccount(spec: FirewallSpec & Placement & { kind?: string; isHnsEnabled?: boolean }): ResourceRow {
  const id = resourceId('Microsoft.Storage', 'storageAccounts', spec.name, spec);
  return row(id, 'Microsoft.Storage/storageAccounts', spec.name, spec, {
    kind: spec.kind ?? 'StorageV2',
    sku: { name: 'Standard_LRS', tier: 'Standard' },
    properties: {
      ...(spec.defaultAction !== undefined
        ? {
            networkAcls: {
              defaultAction: spec.defaultAction,
              bypass: spec.bypass ?? 'AzureServices',
              virtualNetworkRules: (spec.subnetIds ?? []).map((subnetId) => ({ id: subnetId, action: 'Allow', state: 'Succeeded' })),
              ipRules: (spec.ipRules ?? []).map((value) => ({ value, action: 'Allow' })),
            },
          }
        : {}),
      ...(spec.publicNetworkAccess !== undefined ? { publicNetworkAccess: spec.publicNetworkAccess } : {}),
      ...(spec.isHnsEnabled !== undefined ? { isHnsEnabled: spec.isHnsEnabled } : {}),
      privateEndpointConnections: (spec.privateEndpointIds ?? []).map((endpointId) => endpointConnection(endpointId)),
      supportsHttpsTrafficOnly: true,
      minimumTlsVersion: 'TLS1_2',
      allowBlobPublicAccess: false,
      primaryEndpoints: { blob: `https://${spec.name}.blob.core.windows.net/`, file: `https://${spec.name}.file.core.windows.net/` },
      provisioningState: 'Succeeded',
    },
  });
}

export function keyVault(spec: FirewallSpec & Placement): ResourceRow {
  const id = resourceId('Microsoft.KeyVault', 'vaults', spec.name, spec);
  return row(id, 'Microsoft.KeyVault/vaults', spec.name, spec, {
    properties: {
      tenantId: TENANT,
      sku: { family: 'A', name: 'standard' },
      vaultUri: `https://${spec.name}.vault.azure.net/`,
      enableSoftDelete: true,
      enableRbacAuthorization: true,
      ...(spec.defaultAction !== undefined
        ? {
            networkAcls: {
              defaultAction: spec.defaultAction,
              bypass: spec.bypass ?? 'AzureServices',
              virtualNetworkRules: (spec.subnetIds ?? []).map((subnetId) => ({ id: subnetId, ignoreMissingVnetServiceEndpoint: false })),
              ipRules: (spec.ipRules ?? []).map((value) => ({ value })),
            },
          }
        : {}),
      ...(spec.publicNetworkAccess !== undefined ? { publicNetworkAccess: spec.publicNetworkAccess } : {}),
      privateEndpointConnections: (spec.privateEndpointIds ?? []).map((endpointId) => endpointConnection(endpointId)),
      provisioningState: 'Succeeded',
    },
  });
}

export function containerRegistry(spec: FirewallSpec & Placement & { sku?: 'Basic' | 'Standard' | 'Premium' }): ResourceRow {
  const id = resourceId('Microsoft.ContainerRegistry', 'registries', spec.name, spec);
  return row(id, 'Microsoft.ContainerRegistry/registries', spec.name, spec, {
    sku: { name: spec.sku ?? 'Premium', tier: spec.sku ?? 'Premium' },
    properties: {
      loginServer: `${spec.name}.azurecr.io`,
      adminUserEnabled: false,
      ...(spec.defaultAction !== undefined
        ? {
            networkRuleSet: {
              defaultAction: spec.defaultAction,
              virtualNetworkRules: (spec.subnetIds ?? []).map((subnetId) => ({ id: subnetId, action: 'Allow' })),
              ipRules: (spec.ipRules ?? []).map((value) => ({ value, action: 'Allow' })),
            },
          }
        : {}),
      networkRuleBypassOptions: spec.bypass ?? 'AzureServices',
      ...(spec.publicNetworkAccess !== undefined ? { publicNetworkAccess: spec.publicNetworkAccess } : {}),
      privateEndpointConnections: (spec.privateEndpointIds ?? []).map((endpointId) => endpointConnection(endpointId)),
      provisioningState: 'Succeeded',
    },
  });
}

// ---------- Azure ML ----------

export function workspace(
  spec: {
    name: string;
    storageAccountId?: string;
    keyVaultId?: string;
    containerRegistryId?: string;
    imageBuildCompute?: string;
    edition?: 'Basic' | 'Enterprise';
    privateEndpointIds?: readonly string[];
    sharedPrivateLinkResources?: readonly { name: string; privateLinkResourceId: string; groupId: string; status?: string }[];
    /** The workspace's system-assigned identity (role assignments name it). */
    principalId?: string;
    /** serverlessComputeSettings, written only when given. */
    serverlessCompute?: { subnetId?: string; noPublicIp?: boolean };
  } & Placement,
): ResourceRow {
  const id = resourceId('Microsoft.MachineLearningServices', 'workspaces', spec.name, spec);
  return row(id, 'Microsoft.MachineLearningServices/workspaces', spec.name, spec, {
    kind: 'Default',
    sku: { name: spec.edition ?? 'Enterprise', tier: spec.edition ?? 'Enterprise' },
    identity: { type: 'SystemAssigned', principalId: spec.principalId ?? '0b6a4c2e-1111-4f00-9a00-00000000aa01', tenantId: TENANT },
    properties: {
      friendlyName: spec.name,
      ...(spec.storageAccountId !== undefined ? { storageAccount: spec.storageAccountId } : {}),
      ...(spec.keyVaultId !== undefined ? { keyVault: spec.keyVaultId } : {}),
      ...(spec.containerRegistryId !== undefined ? { containerRegistry: spec.containerRegistryId } : {}),
      ...(spec.imageBuildCompute !== undefined ? { imageBuildCompute: spec.imageBuildCompute } : {}),
      applicationInsights: resourceId('Microsoft.Insights', 'components', `${spec.name}-insights`, spec),
      discoveryUrl: `https://${spec.location ?? LOCATION}.api.azureml.ms/discovery`,
      hbiWorkspace: false,
      publicNetworkAccess: (spec.privateEndpointIds ?? []).length > 0 ? 'Disabled' : 'Enabled',
      privateEndpointConnections: (spec.privateEndpointIds ?? []).map((endpointId) => endpointConnection(endpointId)),
      sharedPrivateLinkResources: (spec.sharedPrivateLinkResources ?? []).map((resource) => ({
        name: resource.name,
        properties: { privateLinkResourceId: resource.privateLinkResourceId, groupId: resource.groupId, status: resource.status ?? 'Approved', requestMessage: 'Workspace registry' },
      })),
      ...(spec.serverlessCompute !== undefined
        ? {
            serverlessComputeSettings: {
              ...(spec.serverlessCompute.subnetId !== undefined ? { serverlessComputeCustomSubnet: spec.serverlessCompute.subnetId } : {}),
              ...(spec.serverlessCompute.noPublicIp !== undefined ? { serverlessComputeNoPublicIP: spec.serverlessCompute.noPublicIp } : {}),
            },
          }
        : {}),
      provisioningState: 'Succeeded',
    },
  });
}

function computeRow(workspaceRow: ResourceRow, name: string, properties: Record<string, unknown>): ResourceRow {
  const id = `${workspaceRow.id}/computes/${name}`;
  return {
    id,
    name,
    type: 'microsoft.machinelearningservices/workspaces/computes',
    location: workspaceRow.location,
    subscriptionId: workspaceRow.subscriptionId,
    resourceGroup: workspaceRow.resourceGroup,
    tags: {},
    properties: { provisioningState: 'Succeeded', createdOn: '2026-09-14T08:21:44.512Z', ...properties },
  };
}

export function amlCluster(
  workspaceRow: ResourceRow,
  spec: { name: string; subnetId?: string; maxNodeCount?: number; currentNodeCount?: number; enableNodePublicIp?: boolean },
): ResourceRow {
  return computeRow(workspaceRow, spec.name, {
    computeType: 'AmlCompute',
    computeLocation: workspaceRow.location,
    properties: {
      osType: 'Linux',
      vmSize: 'STANDARD_DS3_V2',
      vmPriority: 'Dedicated',
      scaleSettings: { maxNodeCount: spec.maxNodeCount ?? 4, minNodeCount: 0, nodeIdleTimeBeforeScaleDown: 'PT120S' },
      currentNodeCount: spec.currentNodeCount ?? 0,
      targetNodeCount: spec.currentNodeCount ?? 0,
      ...(spec.subnetId !== undefined ? { subnet: { id: spec.subnetId } } : {}),
      ...(spec.enableNodePublicIp !== undefined ? { enableNodePublicIp: spec.enableNodePublicIp } : {}),
      remoteLoginPortPublicAccess: 'Disabled',
    },
  });
}

export function computeInstance(workspaceRow: ResourceRow, spec: { name: string; subnetId?: string; enableNodePublicIp?: boolean }): ResourceRow {
  return computeRow(workspaceRow, spec.name, {
    computeType: 'ComputeInstance',
    computeLocation: workspaceRow.location,
    properties: {
      vmSize: 'STANDARD_DS3_V2',
      ...(spec.subnetId !== undefined ? { subnet: { id: spec.subnetId } } : {}),
      ...(spec.enableNodePublicIp !== undefined ? { enableNodePublicIp: spec.enableNodePublicIp } : {}),
      applicationSharingPolicy: 'Personal',
      sshSettings: { sshPublicAccess: 'Disabled' },
      state: 'Running',
    },
  });
}

export function aksCompute(
  workspaceRow: ResourceRow,
  spec: {
    name: string;
    clusterId: string;
    loadBalancerType?: 'PublicIp' | 'InternalLoadBalancer';
    networking?: { subnetId?: string; serviceCidr?: string; dnsServiceIP?: string; dockerBridgeCidr?: string };
  },
): ResourceRow {
  return computeRow(workspaceRow, spec.name, {
    computeType: 'AKS',
    resourceId: spec.clusterId,
    computeLocation: workspaceRow.location,
    isAttachedCompute: true,
    properties: {
      agentCount: 3,
      agentVmSize: 'Standard_D3_v2',
      clusterPurpose: 'FastProd',
      loadBalancerType: spec.loadBalancerType ?? 'PublicIp',
      ...(spec.networking !== undefined ? { aksNetworkingConfiguration: spec.networking } : {}),
    },
  });
}

export function attachedCompute(workspaceRow: ResourceRow, spec: { name: string; computeType: 'VirtualMachine' | 'HDInsight' | 'Databricks'; resourceId: string }): ResourceRow {
  return computeRow(workspaceRow, spec.name, { computeType: spec.computeType, resourceId: spec.resourceId, computeLocation: workspaceRow.location, isAttachedCompute: true, properties: {} });
}

// ---------- attached and other resources ----------

export function aksCluster(
  spec: {
    name: string;
    subnetIds?: readonly string[];
    serviceCidr?: string;
    dnsServiceIP?: string;
    dockerBridgeCidr?: string;
    privateCluster?: boolean;
    /** 'system' (default): SystemAssigned with principalId; 'user': user-assigned; 'sp': service principal. */
    identity?: 'system' | 'user' | 'sp';
    principalId?: string;
    dnsPrefix?: string;
  } & Placement,
): ResourceRow {
  const id = resourceId('Microsoft.ContainerService', 'managedClusters', spec.name, spec);
  const principalId = spec.principalId ?? '5c1f0a3b-2222-4d00-8b00-0000000000a1';
  const identity =
    spec.identity === 'sp'
      ? {}
      : spec.identity === 'user'
        ? {
            identity: {
              type: 'UserAssigned',
              userAssignedIdentities: {
                [resourceId('Microsoft.ManagedIdentity', 'userAssignedIdentities', `${spec.name}-id`, spec)]: { principalId, clientId: '9d9d9d9d-0000-4000-8000-000000000001' },
              },
            },
          }
        : { identity: { type: 'SystemAssigned', principalId, tenantId: TENANT } };
  return row(id, 'Microsoft.ContainerService/managedClusters', spec.name, spec, {
    sku: { name: 'Base', tier: 'Standard' },
    ...identity,
    properties: {
      kubernetesVersion: '1.29.4',
      dnsPrefix: spec.dnsPrefix ?? `${spec.name}-dns`,
      agentPoolProfiles: (spec.subnetIds ?? []).map((subnetId, index) => ({ name: `nodepool${index + 1}`, count: 3, vmSize: 'Standard_D3_v2', osType: 'Linux', mode: 'System', vnetSubnetID: subnetId, maxPods: 30 })),
      servicePrincipalProfile: { clientId: spec.identity === 'sp' ? '3e3e3e3e-0000-4000-8000-0000000000b2' : 'msi' },
      networkProfile: {
        networkPlugin: 'azure',
        ...(spec.serviceCidr !== undefined ? { serviceCidr: spec.serviceCidr } : {}),
        ...(spec.dnsServiceIP !== undefined ? { dnsServiceIP: spec.dnsServiceIP } : {}),
        ...(spec.dockerBridgeCidr !== undefined ? { dockerBridgeCidr: spec.dockerBridgeCidr } : {}),
        outboundType: 'loadBalancer',
        loadBalancerSku: 'standard',
      },
      ...(spec.privateCluster !== undefined ? { apiServerAccessProfile: { enablePrivateCluster: spec.privateCluster } } : {}),
      provisioningState: 'Succeeded',
    },
  });
}

export function virtualMachine(
  spec: { name: string; nicIds: readonly string[]; image?: { publisher: string; offer: string; sku: string }; osType?: 'Linux' | 'Windows' } & Placement,
): ResourceRow {
  const id = resourceId('Microsoft.Compute', 'virtualMachines', spec.name, spec);
  const image = spec.image ?? { publisher: 'Canonical', offer: '0001-com-ubuntu-server-jammy', sku: '22_04-lts-gen2' };
  return row(id, 'Microsoft.Compute/virtualMachines', spec.name, spec, {
    properties: {
      vmId: guidFrom(id),
      hardwareProfile: { vmSize: 'Standard_DS3_v2' },
      storageProfile: { imageReference: { ...image, version: 'latest' }, osDisk: { osType: spec.osType ?? 'Linux', createOption: 'FromImage', name: `${spec.name}-osdisk` } },
      networkProfile: { networkInterfaces: spec.nicIds.map((nicId, index) => ({ id: nicId, properties: { primary: index === 0 } })) },
      provisioningState: 'Succeeded',
    },
  });
}

export function hdInsightCluster(spec: { name: string; vnetId: string; subnetId: string } & Placement): ResourceRow {
  const id = resourceId('Microsoft.HDInsight', 'clusters', spec.name, spec);
  return row(id, 'Microsoft.HDInsight/clusters', spec.name, spec, {
    properties: {
      clusterVersion: '5.1',
      osType: 'Linux',
      clusterDefinition: { kind: 'SPARK' },
      computeProfile: {
        roles: ['headnode', 'workernode'].map((name) => ({ name, targetInstanceCount: 2, virtualNetworkProfile: { id: spec.vnetId, subnet: spec.subnetId } })),
      },
      provisioningState: 'Succeeded',
    },
  });
}

export function databricksWorkspace(spec: { name: string; vnetId?: string; publicSubnetName?: string; privateSubnetName?: string; noPublicIp?: boolean } & Placement): ResourceRow {
  const id = resourceId('Microsoft.Databricks', 'workspaces', spec.name, spec);
  return row(id, 'Microsoft.Databricks/workspaces', spec.name, spec, {
    sku: { name: 'premium' },
    properties: {
      managedResourceGroupId: `/subscriptions/${spec.subscription ?? SUBSCRIPTION}/resourceGroups/databricks-rg-${spec.name}`,
      parameters: {
        ...(spec.vnetId !== undefined ? { customVirtualNetworkId: { type: 'String', value: spec.vnetId } } : {}),
        ...(spec.publicSubnetName !== undefined ? { customPublicSubnetName: { type: 'String', value: spec.publicSubnetName } } : {}),
        ...(spec.privateSubnetName !== undefined ? { customPrivateSubnetName: { type: 'String', value: spec.privateSubnetName } } : {}),
        ...(spec.noPublicIp !== undefined ? { enableNoPublicIp: { type: 'Bool', value: spec.noPublicIp } } : {}),
      },
      provisioningState: 'Succeeded',
    },
  });
}

export function roleAssignment(spec: { name: string; principalId: string; role: keyof typeof ROLE; scope: string; principalType?: string }): ResourceRow {
  const id = `${spec.scope}/providers/Microsoft.Authorization/roleAssignments/${spec.name}`;
  const subscription = /\/subscriptions\/([^/]+)/i.exec(spec.scope)?.[1] ?? SUBSCRIPTION;
  return {
    id,
    name: spec.name,
    type: 'microsoft.authorization/roleassignments',
    subscriptionId: subscription,
    properties: {
      principalId: spec.principalId,
      principalType: spec.principalType ?? 'ServicePrincipal',
      roleDefinitionId: `/subscriptions/${subscription}/providers/Microsoft.Authorization/roleDefinitions/${ROLE[spec.role]}`,
      scope: spec.scope,
      createdOn: '2026-09-14T08:30:00.000Z',
    },
  };
}

export function containerGroup(spec: { name: string; subnetIds: readonly string[] } & Placement): ResourceRow {
  const id = resourceId('Microsoft.ContainerInstance', 'containerGroups', spec.name, spec);
  return row(id, 'Microsoft.ContainerInstance/containerGroups', spec.name, spec, {
    properties: {
      osType: 'Linux',
      sku: 'Standard',
      restartPolicy: 'OnFailure',
      subnetIds: spec.subnetIds.map((subnetId) => ({ id: subnetId })),
      ipAddress: { type: 'Private', ip: '10.0.20.4', ports: [{ port: 5001, protocol: 'TCP' }] },
      containers: [{ name: 'scoring', properties: { image: 'mcr.microsoft.com/azureml/minimal-ubuntu22.04-py39-cpu-inference:latest', resources: { requests: { cpu: 1, memoryInGB: 1.5 } } } }],
      provisioningState: 'Succeeded',
    },
  });
}

/** One firewall rule: application rules (target FQDNs, Https:443) unless `kind: 'network'`. */
export interface FirewallRuleSpec {
  readonly name: string;
  readonly targetFqdns?: readonly string[];
  readonly fqdnTags?: readonly string[];
  readonly protocols?: readonly string[];
  readonly sourceAddresses?: readonly string[];
  readonly sourceIpGroups?: readonly string[];
  readonly destinationFqdns?: readonly string[];
  readonly destinationAddresses?: readonly string[];
  readonly destinationPorts?: readonly string[];
}

export interface RuleCollectionSpec {
  readonly name: string;
  readonly kind?: 'application' | 'network';
  readonly action?: 'Allow' | 'Deny';
  readonly priority?: number;
  readonly rules: readonly FirewallRuleSpec[];
}

/** Kept for the application-rule tests written before network rules were judged. */
export type ApplicationRuleCollectionSpec = RuleCollectionSpec;

function applicationProtocols(rule: FirewallRuleSpec): { protocolType: string; port: number }[] {
  return (rule.protocols ?? ['Https:443']).map((text) => {
    const [protocolType = '', port = '443'] = text.split(':');
    return { protocolType, port: Number(port) };
  });
}

function classicRule(kind: 'application' | 'network', rule: FirewallRuleSpec): Record<string, unknown> {
  const sources = { sourceAddresses: rule.sourceAddresses ?? ['10.0.0.0/16'], ...(rule.sourceIpGroups ? { sourceIpGroups: rule.sourceIpGroups } : {}) };
  if (kind === 'network') {
    return {
      name: rule.name,
      ...sources,
      protocols: rule.protocols ?? ['Any'],
      destinationAddresses: rule.destinationAddresses ?? [],
      destinationFqdns: rule.destinationFqdns ?? [],
      destinationPorts: rule.destinationPorts ?? ['*'],
    };
  }
  return { name: rule.name, ...sources, protocols: applicationProtocols(rule), targetFqdns: rule.targetFqdns ?? [], fqdnTags: rule.fqdnTags ?? [] };
}

function policyRule(kind: 'application' | 'network', rule: FirewallRuleSpec): Record<string, unknown> {
  const classicShape = classicRule(kind, rule);
  if (kind === 'network') {
    const { protocols, ...rest } = classicShape;
    return { ruleType: 'NetworkRule', ...rest, ipProtocols: protocols, destinationIpGroups: [] };
  }
  return { ruleType: 'ApplicationRule', ...classicShape };
}

export function azureFirewall(
  spec: {
    name: string;
    privateIp: string;
    /** Default: AzureFirewallSubnet of a VNet 'vnet-hub' in the firewall's resource group. */
    subnetId?: string;
    applicationRuleCollections?: readonly RuleCollectionSpec[];
    networkRuleCollections?: readonly RuleCollectionSpec[];
    policyId?: string;
  } & Placement,
): ResourceRow {
  const id = resourceId('Microsoft.Network', 'azureFirewalls', spec.name, spec);
  const collections = (list: readonly RuleCollectionSpec[] | undefined, kind: 'application' | 'network'): Record<string, unknown>[] =>
    (list ?? []).map((collection, index) => ({
      name: collection.name,
      id: `${id}/${kind}RuleCollections/${collection.name}`,
      properties: { priority: collection.priority ?? 100 + index, action: { type: collection.action ?? 'Allow' }, rules: collection.rules.map((rule) => classicRule(kind, rule)) },
    }));
  const subnetId = spec.subnetId ?? `${resourceId('Microsoft.Network', 'virtualNetworks', 'vnet-hub', spec)}/subnets/AzureFirewallSubnet`;
  return row(id, 'Microsoft.Network/azureFirewalls', spec.name, spec, {
    properties: {
      sku: { name: 'AZFW_VNet', tier: 'Standard' },
      threatIntelMode: 'Alert',
      ipConfigurations: [{ name: 'ipconfig', id: `${id}/azureFirewallIpConfigurations/ipconfig`, properties: { privateIPAddress: spec.privateIp, subnet: { id: subnetId } } }],
      applicationRuleCollections: collections(spec.applicationRuleCollections, 'application'),
      networkRuleCollections: collections(spec.networkRuleCollections, 'network'),
      natRuleCollections: [],
      ...(spec.policyId !== undefined ? { firewallPolicy: { id: spec.policyId } } : {}),
      provisioningState: 'Succeeded',
    },
  });
}

/** A firewall policy naming its rule collection groups by ID, as ARM and Resource Graph write it. */
export function firewallPolicy(spec: { name: string; basePolicyId?: string; groups?: readonly string[] } & Placement): ResourceRow {
  const id = resourceId('Microsoft.Network', 'firewallPolicies', spec.name, spec);
  return row(id, 'Microsoft.Network/firewallPolicies', spec.name, spec, {
    properties: {
      ...(spec.basePolicyId !== undefined ? { basePolicy: { id: spec.basePolicyId } } : {}),
      threatIntelMode: 'Alert',
      ruleCollectionGroups: (spec.groups ?? []).map((group) => ({ id: `${id}/ruleCollectionGroups/${group}` })),
    },
  });
}

export function ruleCollectionGroup(policyRow: ResourceRow, spec: { name: string; priority?: number; collections: readonly RuleCollectionSpec[] }): ResourceRow {
  return {
    id: `${policyRow.id}/ruleCollectionGroups/${spec.name}`,
    name: spec.name,
    type: 'microsoft.network/firewallpolicies/rulecollectiongroups',
    subscriptionId: policyRow.subscriptionId,
    resourceGroup: policyRow.resourceGroup,
    properties: {
      priority: spec.priority ?? 200,
      ruleCollections: spec.collections.map((collection, index) => ({
        ruleCollectionType: 'FirewallPolicyFilterRuleCollection',
        name: collection.name,
        priority: collection.priority ?? 1000 + index,
        action: { type: collection.action ?? 'Allow' },
        rules: collection.rules.map((rule) => policyRule(collection.kind ?? 'application', rule)),
      })),
    },
  };
}

export function ipGroup(spec: { name: string; ipAddresses: readonly string[] } & Placement): ResourceRow {
  const id = resourceId('Microsoft.Network', 'ipGroups', spec.name, spec);
  return row(id, 'Microsoft.Network/ipGroups', spec.name, spec, { properties: { ipAddresses: spec.ipAddresses, firewalls: [], firewallPolicies: [] } });
}

// ---------- service tags and estates ----------

export function serviceTag(name: string, addressPrefixes: readonly string[], region = ''): ServiceTagEntry {
  const systemService = name.split('.')[0] ?? name;
  return { name, id: name, properties: { region, systemService, addressPrefixes } };
}

/** A GUID-looking string derived from text (FNV-1a), so generated IDs are stable. */
export function guidFrom(text: string): string {
  let hex = '';
  for (let round = 0; hex.length < 32; round++) {
    let hash = 0x811c9dc5 ^ round;
    for (let i = 0; i < text.length; i++) {
      hash ^= text.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193);
    }
    hex += (hash >>> 0).toString(16).padStart(8, '0');
  }
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function estateOf(resources: readonly ResourceRow[], serviceTags?: readonly ServiceTagEntry[]): Estate {
  return buildEstate({ resources, ...(serviceTags !== undefined ? { serviceTags } : {}), warnings: [], gaps: [] });
}
