import type { ResourceRow, ServiceTagEntry } from '../src/inventory/types';

/**
 * Builders of Resource Graph rows as `az graph query` returns them (lowercased `type`, ARM's
 * own property names). The bundled sample estate (samples/build.ts) and the bench generator
 * (bench/generate.ts) both use them, so both stay in the shape the estate reads.
 */

export interface Placement {
  readonly subscription: string;
  readonly resourceGroup: string;
  readonly location: string;
}

export const ROLE_DEFINITION = {
  Owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  Contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  NetworkContributor: '4d97b98b-1d4f-4787-a291-c67834d212e7',
  Reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
} as const;

export const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

export function armId(at: Placement, provider: string, type: string, name: string): string {
  return `/subscriptions/${at.subscription}/resourceGroups/${at.resourceGroup}/providers/${provider}/${type}/${name}`;
}

function row(id: string, type: string, name: string, at: Placement, fields: Record<string, unknown>, tags: Record<string, string> = {}): ResourceRow {
  return { id, name, type: type.toLowerCase(), tenantId: TENANT, kind: '', location: at.location, resourceGroup: at.resourceGroup, subscriptionId: at.subscription, sku: null, identity: null, tags, ...fields };
}

// ---------- network ----------

export interface SubnetSpec {
  readonly name: string;
  readonly prefix: string;
  readonly nsgId?: string;
  readonly routeTableId?: string;
  readonly serviceEndpoints?: readonly string[];
  readonly delegations?: readonly string[];
  /** Allocated addresses (ipConfigurations). */
  readonly ipConfigurations?: number;
}

export function virtualNetwork(at: Placement, name: string, addressPrefixes: readonly string[], subnets: readonly SubnetSpec[], tags?: Record<string, string>): ResourceRow {
  const id = armId(at, 'Microsoft.Network', 'virtualNetworks', name);
  return row(
    id,
    'Microsoft.Network/virtualNetworks',
    name,
    at,
    {
      properties: {
        provisioningState: 'Succeeded',
        resourceGuid: guidFrom(id),
        addressSpace: { addressPrefixes },
        enableDdosProtection: false,
        subnets: subnets.map((subnet) => ({
          id: `${id}/subnets/${subnet.name}`,
          name: subnet.name,
          type: 'Microsoft.Network/virtualNetworks/subnets',
          properties: {
            addressPrefix: subnet.prefix,
            ...(subnet.nsgId !== undefined ? { networkSecurityGroup: { id: subnet.nsgId } } : {}),
            ...(subnet.routeTableId !== undefined ? { routeTable: { id: subnet.routeTableId } } : {}),
            serviceEndpoints: (subnet.serviceEndpoints ?? []).map((service) => ({ service, locations: [at.location], provisioningState: 'Succeeded' })),
            delegations: (subnet.delegations ?? []).map((serviceName, index) => ({
              name: `delegation-${index}`,
              id: `${id}/subnets/${subnet.name}/delegations/delegation-${index}`,
              properties: { serviceName, actions: ['Microsoft.Network/virtualNetworks/subnets/action'] },
            })),
            ipConfigurations: Array.from({ length: subnet.ipConfigurations ?? 0 }, (_, index) => ({
              id: `/subscriptions/${at.subscription}/resourceGroups/${at.resourceGroup}/providers/Microsoft.Network/networkInterfaces/nic-${subnet.name}-${index}/ipConfigurations/ipconfig1`,
            })),
            privateEndpointNetworkPolicies: 'Disabled',
            privateLinkServiceNetworkPolicies: 'Enabled',
            provisioningState: 'Succeeded',
          },
        })),
      },
    },
    tags,
  );
}

export interface SecurityRuleSpec {
  readonly name: string;
  readonly priority: number;
  readonly direction: 'Inbound' | 'Outbound';
  readonly access: 'Allow' | 'Deny';
  readonly protocol?: string;
  readonly source?: string | readonly string[];
  readonly destination?: string | readonly string[];
  readonly destinationPorts?: string | readonly string[];
}

function securityRule(nsgIdValue: string, spec: SecurityRuleSpec): Record<string, unknown> {
  const address = (singular: string, plural: string, value: string | readonly string[] | undefined) =>
    typeof value === 'string' || value === undefined ? { [singular]: value ?? '*', [plural]: [] } : { [plural]: value };
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
      sourcePortRange: '*',
      sourcePortRanges: [],
      ...address('sourceAddressPrefix', 'sourceAddressPrefixes', spec.source),
      ...address('destinationAddressPrefix', 'destinationAddressPrefixes', spec.destination),
      ...address('destinationPortRange', 'destinationPortRanges', spec.destinationPorts),
      provisioningState: 'Succeeded',
    },
  };
}

const DEFAULT_SECURITY_RULES: readonly SecurityRuleSpec[] = [
  { name: 'AllowVnetInBound', priority: 65000, direction: 'Inbound', access: 'Allow', protocol: '*', source: 'VirtualNetwork', destination: 'VirtualNetwork' },
  { name: 'AllowAzureLoadBalancerInBound', priority: 65001, direction: 'Inbound', access: 'Allow', protocol: '*', source: 'AzureLoadBalancer' },
  { name: 'DenyAllInBound', priority: 65500, direction: 'Inbound', access: 'Deny', protocol: '*' },
  { name: 'AllowVnetOutBound', priority: 65000, direction: 'Outbound', access: 'Allow', protocol: '*', source: 'VirtualNetwork', destination: 'VirtualNetwork' },
  { name: 'AllowInternetOutBound', priority: 65001, direction: 'Outbound', access: 'Allow', protocol: '*', destination: 'Internet' },
  { name: 'DenyAllOutBound', priority: 65500, direction: 'Outbound', access: 'Deny', protocol: '*' },
];

export function networkSecurityGroup(at: Placement, name: string, rules: readonly SecurityRuleSpec[]): ResourceRow {
  const id = armId(at, 'Microsoft.Network', 'networkSecurityGroups', name);
  return row(id, 'Microsoft.Network/networkSecurityGroups', name, at, {
    properties: {
      provisioningState: 'Succeeded',
      resourceGuid: guidFrom(id),
      securityRules: rules.map((rule) => securityRule(id, rule)),
      defaultSecurityRules: DEFAULT_SECURITY_RULES.map((rule) => securityRule(id, rule)),
    },
  });
}

export interface RouteSpec {
  readonly name: string;
  readonly addressPrefix: string;
  readonly nextHopType: 'Internet' | 'VirtualAppliance' | 'VirtualNetworkGateway' | 'VnetLocal' | 'None';
  readonly nextHopIpAddress?: string;
}

export function routeTable(at: Placement, name: string, routes: readonly RouteSpec[]): ResourceRow {
  const id = armId(at, 'Microsoft.Network', 'routeTables', name);
  return row(id, 'Microsoft.Network/routeTables', name, at, {
    properties: {
      provisioningState: 'Succeeded',
      disableBgpRoutePropagation: false,
      routes: routes.map((route) => ({
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

export function networkInterface(at: Placement, name: string, spec: { subnetId: string; privateIp: string; nsgId?: string; vmId?: string }): ResourceRow {
  const id = armId(at, 'Microsoft.Network', 'networkInterfaces', name);
  return row(id, 'Microsoft.Network/networkInterfaces', name, at, {
    properties: {
      provisioningState: 'Succeeded',
      ipConfigurations: [
        {
          id: `${id}/ipConfigurations/ipconfig1`,
          name: 'ipconfig1',
          properties: { privateIPAddress: spec.privateIp, privateIPAllocationMethod: 'Dynamic', privateIPAddressVersion: 'IPv4', subnet: { id: spec.subnetId }, primary: true },
        },
      ],
      ...(spec.nsgId !== undefined ? { networkSecurityGroup: { id: spec.nsgId } } : {}),
      ...(spec.vmId !== undefined ? { virtualMachine: { id: spec.vmId } } : {}),
      enableAcceleratedNetworking: false,
    },
  });
}

export function privateEndpoint(at: Placement, name: string, spec: { subnetId: string; targetId: string; groupId: string }): ResourceRow {
  const id = armId(at, 'Microsoft.Network', 'privateEndpoints', name);
  return row(id, 'Microsoft.Network/privateEndpoints', name, at, {
    properties: {
      provisioningState: 'Succeeded',
      subnet: { id: spec.subnetId },
      privateLinkServiceConnections: [
        {
          id: `${id}/privateLinkServiceConnections/${name}`,
          name,
          properties: { privateLinkServiceId: spec.targetId, groupIds: [spec.groupId], privateLinkServiceConnectionState: { status: 'Approved', description: 'Auto-Approved' } },
        },
      ],
      manualPrivateLinkServiceConnections: [],
      networkInterfaces: [{ id: armId(at, 'Microsoft.Network', 'networkInterfaces', `${name}.nic.${guidFrom(id).slice(0, 8)}`) }],
    },
  });
}

function endpointConnections(ids: readonly string[] | undefined): Record<string, unknown>[] {
  return (ids ?? []).map((endpointId) => ({
    id: `${endpointId}-connection`,
    properties: { privateEndpoint: { id: endpointId }, privateLinkServiceConnectionState: { status: 'Approved', description: 'Auto-Approved', actionRequired: 'None' } },
  }));
}

// ---------- associated resources ----------

export interface FirewallSpec {
  /** Leave out for no network rules at all (Azure's default: Allow). */
  readonly defaultAction?: 'Allow' | 'Deny';
  readonly bypass?: string;
  readonly subnetIds?: readonly string[];
  readonly ipRules?: readonly string[];
  readonly publicNetworkAccess?: 'Enabled' | 'Disabled';
  readonly privateEndpointIds?: readonly string[];
}

export function storageAccount(at: Placement, name: string, spec: FirewallSpec & { isHnsEnabled?: boolean }, tags?: Record<string, string>): ResourceRow {
  const id = armId(at, 'Microsoft.Storage', 'storageAccounts', name);
  return row(
    id,
    'Microsoft.Storage/storageAccounts',
    name,
    at,
    {
      kind: 'StorageV2',
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
        privateEndpointConnections: endpointConnections(spec.privateEndpointIds),
        supportsHttpsTrafficOnly: true,
        minimumTlsVersion: 'TLS1_2',
        allowBlobPublicAccess: false,
        primaryEndpoints: { blob: `https://${name}.blob.core.windows.net/`, file: `https://${name}.file.core.windows.net/` },
        provisioningState: 'Succeeded',
      },
    },
    tags,
  );
}

export function keyVault(at: Placement, name: string, spec: FirewallSpec): ResourceRow {
  const id = armId(at, 'Microsoft.KeyVault', 'vaults', name);
  return row(id, 'Microsoft.KeyVault/vaults', name, at, {
    properties: {
      tenantId: TENANT,
      sku: { family: 'A', name: 'standard' },
      vaultUri: `https://${name}.vault.azure.net/`,
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
      privateEndpointConnections: endpointConnections(spec.privateEndpointIds),
      provisioningState: 'Succeeded',
    },
  });
}

export function containerRegistry(at: Placement, name: string, spec: FirewallSpec & { sku: 'Basic' | 'Standard' | 'Premium' }): ResourceRow {
  const id = armId(at, 'Microsoft.ContainerRegistry', 'registries', name);
  return row(id, 'Microsoft.ContainerRegistry/registries', name, at, {
    sku: { name: spec.sku, tier: spec.sku },
    properties: {
      loginServer: `${name}.azurecr.io`,
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
      privateEndpointConnections: endpointConnections(spec.privateEndpointIds),
      provisioningState: 'Succeeded',
    },
  });
}

// ---------- Azure Machine Learning ----------

export interface WorkspaceSpec {
  readonly storageAccountId: string;
  readonly keyVaultId: string;
  readonly containerRegistryId?: string;
  readonly imageBuildCompute?: string;
  readonly edition?: 'Basic' | 'Enterprise';
  readonly privateEndpointIds?: readonly string[];
  readonly sharedPrivateLinkResources?: readonly { name: string; privateLinkResourceId: string; groupId: string }[];
  readonly principalId: string;
}

export function workspace(at: Placement, name: string, spec: WorkspaceSpec, tags?: Record<string, string>): ResourceRow {
  const id = armId(at, 'Microsoft.MachineLearningServices', 'workspaces', name);
  return row(
    id,
    'Microsoft.MachineLearningServices/workspaces',
    name,
    at,
    {
      kind: 'Default',
      sku: { name: spec.edition ?? 'Enterprise', tier: spec.edition ?? 'Enterprise' },
      identity: { type: 'SystemAssigned', principalId: spec.principalId, tenantId: TENANT },
      properties: {
        friendlyName: name,
        storageAccount: spec.storageAccountId,
        keyVault: spec.keyVaultId,
        ...(spec.containerRegistryId !== undefined ? { containerRegistry: spec.containerRegistryId } : {}),
        ...(spec.imageBuildCompute !== undefined ? { imageBuildCompute: spec.imageBuildCompute } : {}),
        applicationInsights: armId(at, 'Microsoft.Insights', 'components', `${name}-insights`),
        discoveryUrl: `https://${at.location}.api.azureml.ms/discovery`,
        hbiWorkspace: false,
        publicNetworkAccess: (spec.privateEndpointIds ?? []).length > 0 ? 'Disabled' : 'Enabled',
        privateEndpointConnections: endpointConnections(spec.privateEndpointIds),
        sharedPrivateLinkResources: (spec.sharedPrivateLinkResources ?? []).map((resource) => ({
          name: resource.name,
          properties: { privateLinkResourceId: resource.privateLinkResourceId, groupId: resource.groupId, status: 'Approved', requestMessage: 'Workspace registry' },
        })),
        provisioningState: 'Succeeded',
      },
    },
    tags,
  );
}

function compute(workspaceRow: ResourceRow, name: string, properties: Record<string, unknown>): ResourceRow {
  return {
    id: `${workspaceRow.id}/computes/${name}`,
    name,
    type: 'microsoft.machinelearningservices/workspaces/computes',
    location: workspaceRow.location,
    subscriptionId: workspaceRow.subscriptionId,
    resourceGroup: workspaceRow.resourceGroup,
    tags: {},
    properties: { provisioningState: 'Succeeded', createdOn: '2026-09-14T08:21:44.512Z', ...properties },
  };
}

export function amlCluster(workspaceRow: ResourceRow, name: string, spec: { subnetId?: string; maxNodeCount: number; currentNodeCount: number; enableNodePublicIp?: boolean }): ResourceRow {
  return compute(workspaceRow, name, {
    computeType: 'AmlCompute',
    computeLocation: workspaceRow.location,
    properties: {
      osType: 'Linux',
      vmSize: 'STANDARD_DS3_V2',
      vmPriority: 'Dedicated',
      scaleSettings: { maxNodeCount: spec.maxNodeCount, minNodeCount: 0, nodeIdleTimeBeforeScaleDown: 'PT120S' },
      currentNodeCount: spec.currentNodeCount,
      targetNodeCount: spec.currentNodeCount,
      ...(spec.subnetId !== undefined ? { subnet: { id: spec.subnetId } } : {}),
      ...(spec.enableNodePublicIp !== undefined ? { enableNodePublicIp: spec.enableNodePublicIp } : {}),
      remoteLoginPortPublicAccess: 'Disabled',
    },
  });
}

export function computeInstance(workspaceRow: ResourceRow, name: string, spec: { subnetId?: string; enableNodePublicIp?: boolean }): ResourceRow {
  return compute(workspaceRow, name, {
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

export function aksCompute(workspaceRow: ResourceRow, name: string, spec: { clusterId: string; loadBalancerType: 'PublicIp' | 'InternalLoadBalancer' }): ResourceRow {
  return compute(workspaceRow, name, {
    computeType: 'AKS',
    resourceId: spec.clusterId,
    computeLocation: workspaceRow.location,
    isAttachedCompute: true,
    properties: { agentCount: 3, agentVmSize: 'Standard_D3_v2', clusterPurpose: 'FastProd', loadBalancerType: spec.loadBalancerType },
  });
}

export function attachedCompute(workspaceRow: ResourceRow, name: string, computeType: 'VirtualMachine' | 'HDInsight' | 'Databricks', resourceId: string): ResourceRow {
  return compute(workspaceRow, name, { computeType, resourceId, computeLocation: workspaceRow.location, isAttachedCompute: true, properties: {} });
}

// ---------- attached and other resources ----------

export function aksCluster(
  at: Placement,
  name: string,
  spec: { subnetId: string; serviceCidr: string; dnsServiceIP: string; dockerBridgeCidr?: string; privateCluster: boolean; principalId: string },
): ResourceRow {
  const id = armId(at, 'Microsoft.ContainerService', 'managedClusters', name);
  return row(id, 'Microsoft.ContainerService/managedClusters', name, at, {
    sku: { name: 'Base', tier: 'Standard' },
    identity: { type: 'SystemAssigned', principalId: spec.principalId, tenantId: TENANT },
    properties: {
      kubernetesVersion: '1.29.4',
      dnsPrefix: `${name}-dns`,
      agentPoolProfiles: [{ name: 'nodepool1', count: 3, vmSize: 'Standard_D3_v2', osType: 'Linux', mode: 'System', vnetSubnetID: spec.subnetId, maxPods: 30 }],
      servicePrincipalProfile: { clientId: 'msi' },
      networkProfile: {
        networkPlugin: 'azure',
        serviceCidr: spec.serviceCidr,
        dnsServiceIP: spec.dnsServiceIP,
        ...(spec.dockerBridgeCidr !== undefined ? { dockerBridgeCidr: spec.dockerBridgeCidr } : {}),
        outboundType: 'loadBalancer',
        loadBalancerSku: 'standard',
      },
      apiServerAccessProfile: { enablePrivateCluster: spec.privateCluster },
      provisioningState: 'Succeeded',
    },
  });
}

export function virtualMachine(at: Placement, name: string, spec: { nicId: string; image: { publisher: string; offer: string; sku: string }; osType: 'Linux' | 'Windows' }): ResourceRow {
  const id = armId(at, 'Microsoft.Compute', 'virtualMachines', name);
  return row(id, 'Microsoft.Compute/virtualMachines', name, at, {
    properties: {
      vmId: guidFrom(id),
      hardwareProfile: { vmSize: 'Standard_DS3_v2' },
      storageProfile: { imageReference: { ...spec.image, version: 'latest' }, osDisk: { osType: spec.osType, createOption: 'FromImage', name: `${name}-osdisk` } },
      networkProfile: { networkInterfaces: [{ id: spec.nicId, properties: { primary: true } }] },
      provisioningState: 'Succeeded',
    },
  });
}

export function hdInsightCluster(at: Placement, name: string, spec: { vnetId: string; subnetId: string }): ResourceRow {
  const id = armId(at, 'Microsoft.HDInsight', 'clusters', name);
  return row(id, 'Microsoft.HDInsight/clusters', name, at, {
    properties: {
      clusterVersion: '5.1',
      osType: 'Linux',
      clusterDefinition: { kind: 'SPARK' },
      computeProfile: {
        roles: ['headnode', 'workernode'].map((role) => ({ name: role, targetInstanceCount: 2, virtualNetworkProfile: { id: spec.vnetId, subnet: spec.subnetId } })),
      },
      provisioningState: 'Succeeded',
    },
  });
}

export function databricksWorkspace(at: Placement, name: string, spec: { vnetId: string; publicSubnetName: string; privateSubnetName: string }): ResourceRow {
  const id = armId(at, 'Microsoft.Databricks', 'workspaces', name);
  return row(id, 'Microsoft.Databricks/workspaces', name, at, {
    sku: { name: 'premium' },
    properties: {
      managedResourceGroupId: `/subscriptions/${at.subscription}/resourceGroups/databricks-rg-${name}`,
      parameters: {
        customVirtualNetworkId: { type: 'String', value: spec.vnetId },
        customPublicSubnetName: { type: 'String', value: spec.publicSubnetName },
        customPrivateSubnetName: { type: 'String', value: spec.privateSubnetName },
        enableNoPublicIp: { type: 'Bool', value: true },
      },
      provisioningState: 'Succeeded',
    },
  });
}

export function roleAssignment(name: string, spec: { principalId: string; role: keyof typeof ROLE_DEFINITION; scope: string }): ResourceRow {
  const subscription = /\/subscriptions\/([^/]+)/i.exec(spec.scope)?.[1] ?? '';
  return {
    id: `${spec.scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    name,
    type: 'microsoft.authorization/roleassignments',
    subscriptionId: subscription,
    properties: {
      principalId: spec.principalId,
      principalType: 'ServicePrincipal',
      roleDefinitionId: `/subscriptions/${subscription}/providers/Microsoft.Authorization/roleDefinitions/${ROLE_DEFINITION[spec.role]}`,
      scope: spec.scope,
      createdOn: '2026-09-14T08:30:00.000Z',
    },
  };
}

export function containerGroup(at: Placement, name: string, subnetIds: readonly string[]): ResourceRow {
  const id = armId(at, 'Microsoft.ContainerInstance', 'containerGroups', name);
  return row(id, 'Microsoft.ContainerInstance/containerGroups', name, at, {
    properties: {
      osType: 'Linux',
      sku: 'Standard',
      restartPolicy: 'OnFailure',
      subnetIds: subnetIds.map((subnetId) => ({ id: subnetId })),
      ipAddress: { type: 'Private', ports: [{ port: 5001, protocol: 'TCP' }] },
      containers: [{ name: 'scoring', properties: { image: 'mcr.microsoft.com/azureml/minimal-ubuntu22.04-py39-cpu-inference:latest', resources: { requests: { cpu: 1, memoryInGB: 1.5 } } } }],
      provisioningState: 'Succeeded',
    },
  });
}

export function azureFirewall(at: Placement, name: string, spec: { privateIp: string; subnetId: string; collections: readonly { name: string; fqdns: readonly string[] }[] }): ResourceRow {
  const id = armId(at, 'Microsoft.Network', 'azureFirewalls', name);
  return row(id, 'Microsoft.Network/azureFirewalls', name, at, {
    properties: {
      sku: { name: 'AZFW_VNet', tier: 'Standard' },
      threatIntelMode: 'Alert',
      ipConfigurations: [{ name: 'ipconfig', id: `${id}/azureFirewallIpConfigurations/ipconfig`, properties: { privateIPAddress: spec.privateIp, subnet: { id: spec.subnetId } } }],
      applicationRuleCollections: spec.collections.map((collection, index) => ({
        name: collection.name,
        id: `${id}/applicationRuleCollections/${collection.name}`,
        properties: {
          priority: 100 + index * 10,
          action: { type: 'Allow' },
          rules: [{ name: `${collection.name}-rule`, sourceAddresses: ['10.0.0.0/8'], protocols: [{ protocolType: 'Https', port: 443 }], targetFqdns: collection.fqdns }],
        },
      })),
      networkRuleCollections: [],
      natRuleCollections: [],
      provisioningState: 'Succeeded',
    },
  });
}

export function serviceTag(name: string, addressPrefixes: readonly string[], region = ''): ServiceTagEntry {
  const systemService = name.split('.')[0] ?? name;
  return { name, id: name, properties: { region, systemService: systemService === 'AzureFrontDoor' ? 'AzureFrontDoor' : systemService, addressPrefixes } };
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
