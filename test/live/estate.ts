/**
 * A small realistic estate in Resource Graph shape, spread over three subscriptions, for the
 * live-inventory tests: workspaces with clusters, instances and an AKS compute, their VNets,
 * NSGs, route tables, storage, key vaults, registries, a firewall, role assignments, and a few
 * malformed rows. `scale` adds filler NSGs so paging has something to page through.
 */
import type { ServerRow } from '../support/arm-server';

export const SUB_A = '11111111-1111-1111-1111-111111111111';
export const SUB_B = '22222222-2222-2222-2222-222222222222';
export const SUB_C = '33333333-3333-3333-3333-333333333333';

/** Built-in role GUIDs: Reader does not let AKS manage an internal load balancer; Network Contributor does. */
const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
const NETWORK_CONTRIBUTOR = '4d97b98b-1d4f-4787-a291-c67834d212e7';

const rg = (sub: string, group: string): string => `/subscriptions/${sub}/resourceGroups/${group}`;

function row(id: string, type: string, location: string, properties: unknown, extra: Record<string, unknown> = {}): ServerRow {
  const sub = /^\/subscriptions\/([^/]+)/.exec(id)?.[1] ?? '';
  const group = /\/resourceGroups\/([^/]+)/i.exec(id)?.[1] ?? '';
  return {
    id,
    name: id.split('/').pop(),
    type,
    tenantId: '00000000-0000-0000-0000-00000000aaaa',
    kind: '',
    location,
    resourceGroup: group.toLowerCase(),
    subscriptionId: sub,
    managedBy: '',
    sku: null,
    plan: null,
    properties,
    tags: {},
    identity: null,
    zones: null,
    extendedLocation: null,
    ...extra,
  };
}

function workspaceSet(sub: string, name: string, location: string, options: { secureStorage: boolean; nsgAllowsBatch: boolean; aks?: boolean; aksRole?: string }): ServerRow[] {
  const base = rg(sub, `rg-${name}`);
  const vnetId = `${base}/providers/Microsoft.Network/virtualNetworks/vnet-${name}`;
  const nsgId = `${base}/providers/Microsoft.Network/networkSecurityGroups/nsg-${name}`;
  const routeId = `${base}/providers/Microsoft.Network/routeTables/rt-${name}`;
  const storageId = `${base}/providers/Microsoft.Storage/storageAccounts/st${name}`;
  const vaultId = `${base}/providers/Microsoft.KeyVault/vaults/kv-${name}`;
  const registryId = `${base}/providers/Microsoft.ContainerRegistry/registries/acr${name}`;
  const workspaceId = `${base}/providers/Microsoft.MachineLearningServices/workspaces/ws-${name}`;
  const trainingSubnet = `${vnetId}/subnets/training`;
  const aksSubnet = `${vnetId}/subnets/aks`;
  const aksId = `${base}/providers/Microsoft.ContainerService/managedClusters/aks-${name}`;
  const rows: ServerRow[] = [
    row(workspaceId, 'microsoft.machinelearningservices/workspaces', location, {
      storageAccount: storageId,
      keyVault: vaultId,
      containerRegistry: registryId,
      imageBuildCompute: 'cpu-cluster',
      privateEndpointConnections: [],
    }, { sku: { name: 'Basic', tier: 'Basic' }, identity: { type: 'SystemAssigned', principalId: `${name}-ws-principal` } }),
    row(`${workspaceId}/computes/cpu-cluster`, 'microsoft.machinelearningservices/workspaces/computes', location, {
      computeType: 'AmlCompute',
      provisioningState: 'Succeeded',
      properties: {
        vmSize: 'STANDARD_DS3_V2',
        subnet: { id: trainingSubnet },
        enableNodePublicIp: true,
        scaleSettings: { maxNodeCount: 40, minNodeCount: 0 },
        currentNodeCount: 2,
      },
    }),
    row(`${workspaceId}/computes/notebook`, 'microsoft.machinelearningservices/workspaces/computes', location, {
      computeType: 'ComputeInstance',
      properties: { vmSize: 'STANDARD_DS3_V2', subnet: { id: trainingSubnet } },
    }),
    row(vnetId, 'microsoft.network/virtualnetworks', location, {
      addressSpace: { addressPrefixes: ['10.0.0.0/16'] },
      subnets: [
        {
          id: trainingSubnet,
          name: 'training',
          properties: {
            addressPrefix: '10.0.1.0/26',
            networkSecurityGroup: { id: nsgId },
            routeTable: { id: routeId },
            serviceEndpoints: [{ service: 'Microsoft.Storage', locations: [location] }, { service: 'Microsoft.KeyVault', locations: ['*'] }],
            ipConfigurations: [{ id: `${trainingSubnet}/ipConfigurations/a` }, { id: `${trainingSubnet}/ipConfigurations/b` }],
          },
        },
        {
          id: aksSubnet,
          name: 'aks',
          properties: { addressPrefix: '10.0.8.0/22', networkSecurityGroup: { id: nsgId } },
        },
      ],
    }),
    row(nsgId, 'microsoft.network/networksecuritygroups', location, {
      securityRules: [
        {
          name: options.nsgAllowsBatch ? 'allow-batch' : 'deny-batch',
          properties: {
            priority: 100,
            direction: 'Inbound',
            access: options.nsgAllowsBatch ? 'Allow' : 'Deny',
            protocol: 'Tcp',
            sourceAddressPrefix: options.nsgAllowsBatch ? 'BatchNodeManagement' : '*',
            sourcePortRange: '*',
            destinationAddressPrefix: '*',
            destinationPortRange: '29876-29877',
          },
        },
        {
          name: 'ssh-anywhere',
          properties: {
            priority: 200, direction: 'Inbound', access: 'Allow', protocol: 'Tcp',
            sourceAddressPrefix: 'Internet', sourcePortRange: '*', destinationAddressPrefix: '*', destinationPortRange: '22',
          },
        },
        {
          name: 'deny-internet-out',
          properties: {
            priority: 4000, direction: 'Outbound', access: 'Deny', protocol: '*',
            sourceAddressPrefix: '*', sourcePortRange: '*', destinationAddressPrefix: 'Internet', destinationPortRange: '*',
          },
        },
      ],
    }),
    row(routeId, 'microsoft.network/routetables', location, {
      routes: [{ name: 'default', properties: { addressPrefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIpAddress: '10.0.0.4' } }],
    }),
    row(storageId, 'microsoft.storage/storageaccounts', location, options.secureStorage
      ? { networkAcls: { defaultAction: 'Deny', bypass: 'AzureServices', virtualNetworkRules: [{ id: trainingSubnet, action: 'Allow' }], ipRules: [] }, isHnsEnabled: false }
      : { networkAcls: { defaultAction: 'Allow', bypass: 'None', virtualNetworkRules: [], ipRules: [] } }, { kind: 'StorageV2', sku: { name: 'Standard_LRS' } }),
    row(vaultId, 'microsoft.keyvault/vaults', location, {
      networkAcls: { defaultAction: 'Deny', bypass: 'None', virtualNetworkRules: [], ipRules: [] },
    }),
    row(registryId, 'microsoft.containerregistry/registries', location, {
      networkRuleSet: { defaultAction: 'Deny', ipRules: [] },
      publicNetworkAccess: 'Enabled',
    }, { sku: { name: 'Standard', tier: 'Standard' } }),
  ];
  if (options.aks) {
    rows.push(
      row(`${workspaceId}/computes/scoring`, 'microsoft.machinelearningservices/workspaces/computes', location, {
        computeType: 'AKS',
        resourceId: aksId,
        properties: { loadBalancerType: 'InternalLoadBalancer', aksNetworkingConfiguration: { subnetId: aksSubnet, serviceCidr: '10.0.8.0/24', dnsServiceIP: '10.0.8.10', dockerBridgeCidr: '172.17.0.1/16' } },
      }),
      row(aksId, 'microsoft.containerservice/managedclusters', location, {
        agentPoolProfiles: [{ name: 'nodepool1', vnetSubnetID: aksSubnet }],
        networkProfile: { serviceCidr: '10.0.8.0/24', dnsServiceIP: '10.0.8.1', dockerBridgeCidr: '172.17.0.1/16' },
        apiServerAccessProfile: { enablePrivateCluster: true },
        servicePrincipalProfile: { clientId: 'msi' },
      }, { identity: { type: 'SystemAssigned', principalId: `aks-${name}-principal` } }),
      row(`${rg(sub, `rg-${name}`)}/providers/Microsoft.Authorization/roleAssignments/ra-${name}`, 'microsoft.authorization/roleassignments', '', {
        principalId: `aks-${name}-principal`,
        principalType: 'ServicePrincipal',
        roleDefinitionId: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${options.aksRole ?? READER}`,
        scope: rg(sub, `rg-${name}`),
      }),
    );
  }
  return rows;
}

/** Filler NSGs (one subscription each) so a query spans many pages. */
function filler(sub: string, count: number): ServerRow[] {
  return Array.from({ length: count }, (_, index) =>
    row(`${rg(sub, 'rg-filler')}/providers/Microsoft.Network/networkSecurityGroups/nsg-${String(index).padStart(3, '0')}`, 'microsoft.network/networksecuritygroups', 'eastus2', { securityRules: [] }),
  );
}

/** A private DNS zone of SUB_C linked to gamma's VNet: a zone and its link are rows of the graph's resources table. */
function privateDns(): ServerRow[] {
  const zoneId = `${rg(SUB_C, 'rg-dns')}/providers/Microsoft.Network/privateDnsZones/privatelink.api.azureml.ms`;
  return [
    row(zoneId, 'microsoft.network/privatednszones', 'global', { numberOfRecordSets: 3, numberOfVirtualNetworkLinks: 1, provisioningState: 'Succeeded' }),
    row(`${zoneId}/virtualNetworkLinks/link-gamma`, 'microsoft.network/privatednszones/virtualnetworklinks', 'global', {
      registrationEnabled: false,
      virtualNetwork: { id: `${rg(SUB_C, 'rg-gamma')}/providers/Microsoft.Network/virtualNetworks/vnet-gamma` },
      virtualNetworkLinkState: 'Completed',
      provisioningState: 'Succeeded',
    }),
  ];
}

export function buildTestEstate(scale = 0): ServerRow[] {
  return [
    ...privateDns(),
    ...workspaceSet(SUB_A, 'alpha', 'eastus2', { secureStorage: true, nsgAllowsBatch: false, aks: true }),
    ...workspaceSet(SUB_B, 'beta', 'westeurope', { secureStorage: false, nsgAllowsBatch: true }),
    ...workspaceSet(SUB_C, 'gamma', 'eastus2', { secureStorage: true, nsgAllowsBatch: true, aks: true, aksRole: NETWORK_CONTRIBUTOR }),
    ...filler(SUB_A, scale),
    ...filler(SUB_B, scale),
  ];
}

/** Rows Resource Graph should never send, which the inventory must skip with a warning. */
export function malformedRows(): ServerRow[] {
  return [
    { name: 'no-id', type: 'microsoft.network/networksecuritygroups', subscriptionId: SUB_A, location: 'eastus2' },
    { id: '', type: 'microsoft.network/networksecuritygroups', subscriptionId: SUB_A },
    { id: 42, type: 'microsoft.network/networksecuritygroups', subscriptionId: SUB_A },
  ];
}

export const SERVICE_TAGS: readonly unknown[] = [
  { name: 'BatchNodeManagement', id: 'BatchNodeManagement', properties: { changeNumber: '1', region: '', systemService: 'BatchNodeManagement', addressPrefixes: ['13.64.0.0/16', '20.36.0.0/16'] } },
  { name: 'BatchNodeManagement.EastUS2', id: 'BatchNodeManagement.EastUS2', properties: { changeNumber: '1', region: 'eastus2', systemService: 'BatchNodeManagement', addressPrefixes: ['20.36.0.0/16'] } },
  { name: 'BatchNodeManagement.WestEurope', id: 'BatchNodeManagement.WestEurope', properties: { changeNumber: '1', region: 'westeurope', systemService: 'BatchNodeManagement', addressPrefixes: ['13.64.0.0/16'] } },
  { name: 'BatchNodeManagement.JapanEast', id: 'BatchNodeManagement.JapanEast', properties: { changeNumber: '1', region: 'japaneast', systemService: 'BatchNodeManagement', addressPrefixes: ['52.0.0.0/16'] } },
  { name: 'AzureMachineLearning', id: 'AzureMachineLearning', properties: { changeNumber: '1', region: '', systemService: 'AzureMachineLearning', addressPrefixes: ['40.0.0.0/16'] } },
  { name: 'AzureMachineLearning.EastUS2', id: 'AzureMachineLearning.EastUS2', properties: { changeNumber: '1', region: 'eastus2', systemService: 'AzureMachineLearning', addressPrefixes: ['40.0.0.0/17'] } },
];
