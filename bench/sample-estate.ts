import type { ResourceRow, ServiceTagEntry } from '../src/inventory/types';
import type { Placement } from './arm-rows';
import {
  aksCluster,
  aksCompute,
  amlCluster,
  armId,
  attachedCompute,
  azureFirewall,
  computeInstance,
  containerGroup,
  containerRegistry,
  databricksWorkspace,
  hdInsightCluster,
  keyVault,
  networkInterface,
  networkSecurityGroup,
  privateDnsZone,
  privateDnsZoneLinks,
  privateEndpoint,
  roleAssignment,
  routeTable,
  serviceTag,
  storageAccount,
  virtualMachine,
  virtualNetwork,
  workspace,
} from './arm-rows';
import type { SecurityRuleSpec } from './arm-rows';

/**
 * The bundled sample estate (samples/sample-estate.json, described in samples/README.md): two
 * subscriptions, six workspaces. `ws-compliant` does everything the seed documents ask and
 * `ws-private` everything today's guidance asks; the others make the classic mistakes, and
 * today's, at least one for every rule of docs/rules.md.
 * test/bench/sample-estate.test.ts keeps the JSON file equal to this function's output.
 */

export const SAMPLE_CAPTURED_AT = '2026-11-24T09:30:00.000Z';
export const PROD = '3f2b8c1d-7e4a-4b9c-a1d2-5e6f7a8b9c0d';
export const DEV = '9c4e1a7b-2d3f-4e5a-8b6c-0d1e2f3a4b5c';
/** A name nobody should trust: the dashboard and table tests look for it to be escaped. */
export const HOSTILE_NAME = '<img src=x onerror=alert(1)>';

const stDevName = 'stmldev01';

const prod = (resourceGroup: string, location = 'eastus'): Placement => ({ subscription: PROD, resourceGroup, location });
const dev = (resourceGroup: string, location = 'eastus'): Placement => ({ subscription: DEV, resourceGroup, location });

/** 001, "Required ports": inbound from the Batch service and Azure ML. */
const REQUIRED_INBOUND: readonly SecurityRuleSpec[] = [
  { name: 'AllowBatchNodeManagement', priority: 100, direction: 'Inbound', access: 'Allow', source: 'BatchNodeManagement', destination: '*', destinationPorts: '29876-29877' },
  { name: 'AllowAzureMachineLearning', priority: 110, direction: 'Inbound', access: 'Allow', source: 'AzureMachineLearning', destination: '*', destinationPorts: '44224' },
];

/** 001, "Limit outbound connectivity": everything the compute needs, then deny the Internet. */
const RESTRICTED_OUTBOUND: readonly SecurityRuleSpec[] = [
  { name: 'AllowStorageEastUS', priority: 100, direction: 'Outbound', access: 'Allow', source: 'VirtualNetwork', destination: 'Storage.EastUS', destinationPorts: ['443', '445'] },
  { name: 'AllowAcrEastUS', priority: 110, direction: 'Outbound', access: 'Allow', source: 'VirtualNetwork', destination: 'AzureContainerRegistry.EastUS', destinationPorts: '443' },
  { name: 'AllowAzureML', priority: 120, direction: 'Outbound', access: 'Allow', source: 'VirtualNetwork', destination: 'AzureMachineLearning', destinationPorts: '443' },
  { name: 'AllowArm', priority: 130, direction: 'Outbound', access: 'Allow', source: 'VirtualNetwork', destination: 'AzureResourceManager', destinationPorts: '443' },
  { name: 'AllowAad', priority: 140, direction: 'Outbound', access: 'Allow', source: 'VirtualNetwork', destination: 'AzureActiveDirectory', destinationPorts: '443' },
  { name: 'AllowMcr', priority: 150, direction: 'Outbound', access: 'Allow', source: 'VirtualNetwork', destination: 'MicrosoftContainerRegistry', destinationPorts: '443' },
  { name: 'AllowFrontDoor', priority: 160, direction: 'Outbound', access: 'Allow', source: 'VirtualNetwork', destination: 'AzureFrontDoor.Frontend', destinationPorts: '443' },
  { name: 'DenyInternetOutbound', priority: 4000, direction: 'Outbound', access: 'Deny', protocol: '*', source: '*', destination: 'Internet' },
];


/** Today's outbound service tags and ports of clusters and instances (how-to-secure-training-vnet), on top of the 2020 ones. */
const TODAYS_OUTBOUND: readonly SecurityRuleSpec[] = [
  { name: 'AllowAmlPorts', priority: 200, direction: 'Outbound', access: 'Allow', protocol: 'Tcp', source: 'VirtualNetwork', destination: 'AzureMachineLearning', destinationPorts: ['443', '8787', '18881'] },
  { name: 'AllowAmlUdp', priority: 210, direction: 'Outbound', access: 'Allow', protocol: 'Udp', source: 'VirtualNetwork', destination: 'AzureMachineLearning', destinationPorts: '5831' },
  { name: 'AllowBatchEastUS', priority: 220, direction: 'Outbound', access: 'Allow', protocol: '*', source: 'VirtualNetwork', destination: 'BatchNodeManagement.EastUS', destinationPorts: '443' },
  { name: 'AllowFrontDoorFirstParty', priority: 230, direction: 'Outbound', access: 'Allow', protocol: 'Tcp', source: 'VirtualNetwork', destination: 'AzureFrontDoor.FirstParty', destinationPorts: '443' },
];

/** The private DNS zones of a workspace's private endpoints and of its associated resources'. */
const PRIVATE_ZONES = [
  'privatelink.api.azureml.ms',
  'privatelink.notebooks.azure.net',
  'privatelink.blob.core.windows.net',
  'privatelink.file.core.windows.net',
  'privatelink.vaultcore.azure.net',
  'privatelink.azurecr.io',
] as const;

export function sampleServiceTags(): ServiceTagEntry[] {
  // Documentation address ranges (RFC 5737) only: well-formed, never real Azure prefixes.
  return [
    serviceTag('BatchNodeManagement', ['198.51.100.0/26', '203.0.113.0/26']),
    serviceTag('BatchNodeManagement.EastUS', ['198.51.100.0/27'], 'eastus'),
    serviceTag('BatchNodeManagement.WestUS2', ['203.0.113.0/27'], 'westus2'),
    serviceTag('AzureMachineLearning', ['198.51.100.64/26', '203.0.113.64/26']),
    serviceTag('AzureMachineLearning.EastUS', ['198.51.100.64/27'], 'eastus'),
    serviceTag('AzureMachineLearning.WestUS2', ['203.0.113.64/27'], 'westus2'),
    serviceTag('Storage', ['192.0.2.0/25', '203.0.113.128/26']),
    serviceTag('Storage.EastUS', ['192.0.2.0/26'], 'eastus'),
    serviceTag('Storage.WestUS2', ['203.0.113.128/27'], 'westus2'),
    serviceTag('AzureContainerRegistry', ['192.0.2.128/27', '203.0.113.192/28']),
    serviceTag('AzureContainerRegistry.EastUS', ['192.0.2.128/28'], 'eastus'),
    serviceTag('AzureContainerRegistry.WestUS2', ['203.0.113.192/28'], 'westus2'),
    serviceTag('MicrosoftContainerRegistry', ['192.0.2.160/28']),
    serviceTag('MicrosoftContainerRegistry.EastUS', ['192.0.2.160/29'], 'eastus'),
    serviceTag('AzureFrontDoor.Frontend', ['192.0.2.176/28']),
    serviceTag('AzureFrontDoor.FirstParty', ['192.0.2.224/28']),
    serviceTag('AzureResourceManager', ['192.0.2.192/28']),
    serviceTag('AzureActiveDirectory', ['192.0.2.208/28']),
  ];
}

/** ws-compliant: every requirement met (PROD, rg-ml-prod, East US). */
function compliantWorkspace(): ResourceRow[] {
  const at = prod('rg-ml-prod');
  const vnetId = armId(at, 'Microsoft.Network', 'virtualNetworks', 'vnet-ml-prod');
  const training = `${vnetId}/subnets/snet-training`;
  const aks = `${vnetId}/subnets/snet-aks`;
  const endpoints = `${vnetId}/subnets/snet-endpoints`;
  const nsgTraining = armId(at, 'Microsoft.Network', 'networkSecurityGroups', 'nsg-ml-prod-training');
  const nsgAks = armId(at, 'Microsoft.Network', 'networkSecurityGroups', 'nsg-ml-prod-aks');
  const storage = armId(at, 'Microsoft.Storage', 'storageAccounts', 'stmlprod01');
  const vault = armId(at, 'Microsoft.KeyVault', 'vaults', 'kv-ml-prod-01');
  const registry = armId(at, 'Microsoft.ContainerRegistry', 'registries', 'crmlprod01');
  const registryEndpoint = armId(at, 'Microsoft.Network', 'privateEndpoints', 'pe-crmlprod01');
  const cluster = armId(at, 'Microsoft.ContainerService', 'managedClusters', 'aks-ml-prod');
  const aksPrincipal = 'e5b7c9d1-3f4a-4b6c-8d9e-0a1b2c3d4e5f';
  // The registry's private endpoint resolves in the VNet through its own zone.
  const registryZone = privateDnsZone(at, 'privatelink.azurecr.io');
  const ws = workspace(at, 'ws-compliant', { storageAccountId: storage, keyVaultId: vault, containerRegistryId: registry, imageBuildCompute: 'cpu-cluster', principalId: '11a2b3c4-d5e6-4f70-8a9b-0c1d2e3f4a5b' }, { env: 'prod', costCenter: 'ml-platform' });
  return [
    ws,
    virtualNetwork(at, 'vnet-ml-prod', ['10.10.0.0/16'], [
      { name: 'snet-training', prefix: '10.10.1.0/24', nsgId: nsgTraining, serviceEndpoints: ['Microsoft.Storage', 'Microsoft.KeyVault'], ipConfigurations: 6 },
      { name: 'snet-aks', prefix: '10.10.4.0/22', nsgId: nsgAks, serviceEndpoints: ['Microsoft.Storage'], ipConfigurations: 12 },
      { name: 'snet-endpoints', prefix: '10.10.2.0/24', ipConfigurations: 1 },
    ]),
    networkSecurityGroup(at, 'nsg-ml-prod-training', [...REQUIRED_INBOUND, ...RESTRICTED_OUTBOUND, ...TODAYS_OUTBOUND]),
    networkSecurityGroup(at, 'nsg-ml-prod-aks', [
      { name: 'AllowScoringFromCorp', priority: 100, direction: 'Inbound', access: 'Allow', source: '10.0.0.0/8', destination: '*', destinationPorts: ['80', '443'] },
    ]),
    storageAccount(at, 'stmlprod01', { defaultAction: 'Deny', bypass: 'AzureServices', subnetIds: [training, aks] }),
    keyVault(at, 'kv-ml-prod-01', { defaultAction: 'Deny', bypass: 'AzureServices', subnetIds: [training] }),
    containerRegistry(at, 'crmlprod01', { sku: 'Premium', defaultAction: 'Deny', privateEndpointIds: [registryEndpoint] }),
    privateEndpoint(at, 'pe-crmlprod01', { subnetId: endpoints, targetId: registry, groupId: 'registry' }),
    registryZone,
    ...privateDnsZoneLinks(registryZone, [vnetId]),
    amlCluster(ws, 'cpu-cluster', { subnetId: training, maxNodeCount: 8, currentNodeCount: 2 }),
    computeInstance(ws, 'ci-data-scientist-1', { subnetId: training }),
    aksCluster(at, 'aks-ml-prod', { subnetId: aks, serviceCidr: '10.2.0.0/16', dnsServiceIP: '10.2.0.10', dockerBridgeCidr: '172.17.0.1/16', privateCluster: false, principalId: aksPrincipal }),
    aksCompute(ws, 'aks-scoring', { clusterId: cluster, loadBalancerType: 'InternalLoadBalancer' }),
    roleAssignment('2b7e6f10-4c3d-4e8a-9b1f-7a6c5d4e3f21', { principalId: aksPrincipal, role: 'NetworkContributor', scope: `/subscriptions/${PROD}/resourceGroups/rg-ml-prod` }),
  ];
}

/**
 * ws-private (PROD, rg-ml-private): built the way today's guidance describes, and compliant under
 * `--profile current`: no public IPs, a NAT gateway on a subnet without default outbound access,
 * the workspace and every associated resource behind private endpoints with their private DNS
 * zones linked, today's outbound ports, serverless compute in the same subnet.
 */
function privateWorkspace(): ResourceRow[] {
  const at = prod('rg-ml-private');
  const vnetId = armId(at, 'Microsoft.Network', 'virtualNetworks', 'vnet-ml-private');
  const training = `${vnetId}/subnets/snet-training`;
  const endpoints = `${vnetId}/subnets/snet-endpoints`;
  const nsgTraining = armId(at, 'Microsoft.Network', 'networkSecurityGroups', 'nsg-ml-private-training');
  const nat = armId(at, 'Microsoft.Network', 'natGateways', 'nat-ml-private');
  const storage = armId(at, 'Microsoft.Storage', 'storageAccounts', 'stmlprivate01');
  const vault = armId(at, 'Microsoft.KeyVault', 'vaults', 'kv-ml-private-01');
  const registry = armId(at, 'Microsoft.ContainerRegistry', 'registries', 'crmlprivate01');
  const endpoint = (name: string): string => armId(at, 'Microsoft.Network', 'privateEndpoints', name);
  const ws = workspace(at, 'ws-private', {
    storageAccountId: storage,
    keyVaultId: vault,
    containerRegistryId: registry,
    imageBuildCompute: 'cpu-cluster',
    privateEndpointIds: [endpoint('pe-ws-private')],
    principalId: '55e6f7a8-b9c0-4d1e-8f2a-3b4c5d6e7f80',
    serverlessCompute: { subnetId: training, noPublicIp: true },
  });
  const zones = PRIVATE_ZONES.map((zone) => privateDnsZone(at, zone));
  return [
    ws,
    virtualNetwork(at, 'vnet-ml-private', ['10.50.0.0/16'], [
      { name: 'snet-training', prefix: '10.50.1.0/24', nsgId: nsgTraining, natGatewayId: nat, defaultOutboundAccess: false, ipConfigurations: 3 },
      { name: 'snet-endpoints', prefix: '10.50.2.0/24', defaultOutboundAccess: false, ipConfigurations: 6 },
    ]),
    networkSecurityGroup(at, 'nsg-ml-private-training', [...RESTRICTED_OUTBOUND, ...TODAYS_OUTBOUND]),
    storageAccount(at, 'stmlprivate01', { defaultAction: 'Deny', bypass: 'AzureServices', publicNetworkAccess: 'Disabled', privateEndpointIds: [endpoint('pe-stmlprivate01-blob'), endpoint('pe-stmlprivate01-file')] }),
    keyVault(at, 'kv-ml-private-01', { defaultAction: 'Deny', bypass: 'AzureServices', publicNetworkAccess: 'Disabled', privateEndpointIds: [endpoint('pe-kv-ml-private-01')] }),
    containerRegistry(at, 'crmlprivate01', { sku: 'Premium', defaultAction: 'Deny', publicNetworkAccess: 'Disabled', privateEndpointIds: [endpoint('pe-crmlprivate01')] }),
    privateEndpoint(at, 'pe-ws-private', { subnetId: endpoints, targetId: ws.id, groupId: 'amlworkspace' }),
    privateEndpoint(at, 'pe-stmlprivate01-blob', { subnetId: endpoints, targetId: storage, groupId: 'blob' }),
    privateEndpoint(at, 'pe-stmlprivate01-file', { subnetId: endpoints, targetId: storage, groupId: 'file' }),
    privateEndpoint(at, 'pe-kv-ml-private-01', { subnetId: endpoints, targetId: vault, groupId: 'vault' }),
    privateEndpoint(at, 'pe-crmlprivate01', { subnetId: endpoints, targetId: registry, groupId: 'registry' }),
    ...zones,
    ...zones.flatMap((zone) => privateDnsZoneLinks(zone, [vnetId])),
    amlCluster(ws, 'cpu-cluster', { subnetId: training, maxNodeCount: 8, currentNodeCount: 0, enableNodePublicIp: false }),
    computeInstance(ws, 'ci-private-1', { subnetId: training, enableNodePublicIp: false }),
  ];
}

/**
 * ws-spoke (DEV, rg-ml-spoke): built the current way, with the mistakes people hit today: private
 * DNS zones unlinked or missing, a delegated compute subnet, a delegated serverless subnet, an
 * instance in a VNet of another region, and an NSG that knows only the 2020 outbound list.
 */
function spokeWorkspace(): ResourceRow[] {
  const at = dev('rg-ml-spoke');
  const dns = dev('rg-dns');
  const west = dev('rg-ml-spoke', 'westus2');
  const vnetId = armId(at, 'Microsoft.Network', 'virtualNetworks', 'vnet-ml-spoke');
  const westVnetId = armId(west, 'Microsoft.Network', 'virtualNetworks', 'vnet-ml-spoke-westus2');
  const training = `${vnetId}/subnets/snet-training`;
  const serverless = `${vnetId}/subnets/snet-serverless`;
  const endpoints = `${vnetId}/subnets/snet-endpoints`;
  const westTraining = `${westVnetId}/subnets/snet-training`;
  const nsgTraining = armId(at, 'Microsoft.Network', 'networkSecurityGroups', 'nsg-ml-spoke-training');
  const storage = armId(at, 'Microsoft.Storage', 'storageAccounts', 'stmlspoke01');
  const vault = armId(at, 'Microsoft.KeyVault', 'vaults', 'kv-ml-spoke-01');
  const registry = armId(at, 'Microsoft.ContainerRegistry', 'registries', 'crmlspoke01');
  const endpoint = (name: string): string => armId(at, 'Microsoft.Network', 'privateEndpoints', name);
  const ws = workspace(at, 'ws-spoke', {
    storageAccountId: storage,
    keyVaultId: vault,
    containerRegistryId: registry,
    imageBuildCompute: 'cpu-cluster',
    privateEndpointIds: [endpoint('pe-ws-spoke')],
    principalId: '66f7a8b9-c0d1-4e2f-9a3b-4c5d6e7f8091',
    serverlessCompute: { subnetId: serverless, noPublicIp: true },
  });
  const zone = (name: string): ResourceRow => privateDnsZone(dns, name);
  const api = zone('privatelink.api.azureml.ms');
  const notebooks = zone('privatelink.notebooks.azure.net');
  const blob = zone('privatelink.blob.core.windows.net');
  const vaultZone = zone('privatelink.vaultcore.azure.net');
  const acr = zone('privatelink.azurecr.io');
  return [
    ws,
    virtualNetwork(at, 'vnet-ml-spoke', ['10.60.0.0/16'], [
      { name: 'snet-training', prefix: '10.60.1.0/24', nsgId: nsgTraining, delegations: ['Microsoft.Web/serverFarms'], ipConfigurations: 3 },
      { name: 'snet-serverless', prefix: '10.60.3.0/24', delegations: ['Microsoft.ContainerInstance/containerGroups'], ipConfigurations: 0 },
      { name: 'snet-endpoints', prefix: '10.60.2.0/24', ipConfigurations: 5 },
    ]),
    virtualNetwork(west, 'vnet-ml-spoke-westus2', ['10.61.0.0/16'], [{ name: 'snet-training', prefix: '10.61.1.0/24', ipConfigurations: 1 }]),
    networkSecurityGroup(at, 'nsg-ml-spoke-training', [...REQUIRED_INBOUND, ...RESTRICTED_OUTBOUND]),
    storageAccount(at, 'stmlspoke01', { defaultAction: 'Deny', bypass: 'AzureServices', publicNetworkAccess: 'Disabled', privateEndpointIds: [endpoint('pe-stmlspoke01-blob'), endpoint('pe-stmlspoke01-file')] }),
    keyVault(at, 'kv-ml-spoke-01', { defaultAction: 'Deny', bypass: 'AzureServices', publicNetworkAccess: 'Disabled', privateEndpointIds: [endpoint('pe-kv-ml-spoke-01')] }),
    containerRegistry(at, 'crmlspoke01', { sku: 'Premium', defaultAction: 'Deny', publicNetworkAccess: 'Disabled', privateEndpointIds: [endpoint('pe-crmlspoke01')] }),
    privateEndpoint(at, 'pe-ws-spoke', { subnetId: endpoints, targetId: ws.id, groupId: 'amlworkspace' }),
    privateEndpoint(at, 'pe-stmlspoke01-blob', { subnetId: endpoints, targetId: storage, groupId: 'blob' }),
    privateEndpoint(at, 'pe-stmlspoke01-file', { subnetId: endpoints, targetId: storage, groupId: 'file' }),
    privateEndpoint(at, 'pe-kv-ml-spoke-01', { subnetId: endpoints, targetId: vault, groupId: 'vault' }),
    privateEndpoint(at, 'pe-crmlspoke01', { subnetId: endpoints, targetId: registry, groupId: 'registry' }),
    // The workspace's API zone and the registry's are linked to the spoke VNet but not to the West
    // US 2 one; the notebooks and vault zones to neither. There is no file zone; blob's is linked to both.
    api,
    notebooks,
    blob,
    vaultZone,
    acr,
    ...privateDnsZoneLinks(api, [vnetId]),
    ...privateDnsZoneLinks(blob, [vnetId, westVnetId]),
    ...privateDnsZoneLinks(acr, [vnetId]),
    amlCluster(ws, 'cpu-cluster', { subnetId: training, maxNodeCount: 4, currentNodeCount: 0, enableNodePublicIp: false }),
    computeInstance(ws, 'ci-spoke-west', { subnetId: westTraining, enableNodePublicIp: false }),
  ];
}

/**
 * ws-research (PROD, rg-ml-research): open storage, a key vault that forgets the compute subnet
 * and trusted services, a Basic registry, no image build compute, and an NSG that blocks the
 * Batch ports while opening SSH to the Internet (its rule has a hostile name).
 */
function researchWorkspace(): ResourceRow[] {
  const at = prod('rg-ml-research');
  const vnetId = armId(at, 'Microsoft.Network', 'virtualNetworks', 'vnet-ml-research');
  const training = `${vnetId}/subnets/snet-training`;
  const other = `${vnetId}/subnets/snet-notebooks`;
  const nsgId = armId(at, 'Microsoft.Network', 'networkSecurityGroups', 'nsg-ml-research');
  const storage = armId(at, 'Microsoft.Storage', 'storageAccounts', 'stmlresearch01');
  const vault = armId(at, 'Microsoft.KeyVault', 'vaults', 'kv-ml-research');
  const registry = armId(at, 'Microsoft.ContainerRegistry', 'registries', 'crmlresearch');
  // Serverless compute set to run without public IPs, in a workspace with no private endpoint.
  const ws = workspace(
    at,
    'ws-research',
    { storageAccountId: storage, keyVaultId: vault, containerRegistryId: registry, principalId: '22b3c4d5-e6f7-4a81-9b0c-1d2e3f4a5b6c', serverlessCompute: { subnetId: training, noPublicIp: true } },
    { env: 'research', owner: HOSTILE_NAME },
  );
  return [
    ws,
    virtualNetwork(at, 'vnet-ml-research', ['10.20.0.0/16'], [
      { name: 'snet-training', prefix: '10.20.1.0/24', nsgId, serviceEndpoints: ['Microsoft.Storage', 'Microsoft.KeyVault'], ipConfigurations: 4 },
      { name: 'snet-notebooks', prefix: '10.20.2.0/24', serviceEndpoints: ['Microsoft.KeyVault'], ipConfigurations: 2 },
    ]),
    networkSecurityGroup(at, 'nsg-ml-research', [
      { name: HOSTILE_NAME, priority: 90, direction: 'Inbound', access: 'Allow', source: 'Internet', destination: '*', destinationPorts: '22' },
      { name: 'deny-all-in', priority: 100, direction: 'Inbound', access: 'Deny', protocol: '*', source: '*', destination: '*' },
    ]),
    storageAccount(at, 'stmlresearch01', {}, { owner: HOSTILE_NAME }),
    keyVault(at, 'kv-ml-research', { defaultAction: 'Deny', bypass: 'None', subnetIds: [other] }),
    containerRegistry(at, 'crmlresearch', { sku: 'Basic', publicNetworkAccess: 'Disabled' }),
    amlCluster(ws, 'gpu-cluster', { subnetId: training, maxNodeCount: 4, currentNodeCount: 0 }),
    computeInstance(ws, 'ci-researcher-1', { subnetId: training }),
  ];
}

/**
 * ws-dev (DEV, rg-ml-dev): forced tunneling through an Azure Firewall that lacks the Azure ML
 * hosts, a restricted outbound NSG that forgets ports and tags, a /28 subnet too small for its
 * cluster, a cluster in a VNet of another region, ACI without delegation, a Windows attached VM,
 * storage without trusted services and unreachable from the subnet, an open key vault, a
 * registry the subnet cannot reach, a missing image build cluster, and a private-link workspace
 * without the registry's shared private link.
 */
function devWorkspace(): ResourceRow[] {
  const at = dev('rg-ml-dev');
  const hub = dev('rg-network-hub');
  const west = dev('rg-ml-dev', 'westus2');
  const vnetId = armId(at, 'Microsoft.Network', 'virtualNetworks', 'vnet-ml-dev');
  const westVnetId = armId(west, 'Microsoft.Network', 'virtualNetworks', 'vnet-ml-dev-westus2');
  const hubVnetId = armId(hub, 'Microsoft.Network', 'virtualNetworks', 'vnet-hub');
  const training = `${vnetId}/subnets/snet-training`;
  const aci = `${vnetId}/subnets/snet-aci`;
  const vms = `${vnetId}/subnets/snet-vms`;
  const endpoints = `${vnetId}/subnets/snet-endpoints`;
  const westTraining = `${westVnetId}/subnets/snet-training`;
  const nsgTraining = armId(at, 'Microsoft.Network', 'networkSecurityGroups', 'nsg-ml-dev-training');
  const nsgVms = armId(at, 'Microsoft.Network', 'networkSecurityGroups', 'nsg-ml-dev-vms');
  const routes = armId(at, 'Microsoft.Network', 'routeTables', 'rt-ml-dev-forced-tunnel');
  const storage = armId(at, 'Microsoft.Storage', 'storageAccounts', stDevName);
  const vault = armId(at, 'Microsoft.KeyVault', 'vaults', 'kv-ml-dev');
  const registry = armId(at, 'Microsoft.ContainerRegistry', 'registries', 'crmldev01');
  const workspaceEndpoint = armId(at, 'Microsoft.Network', 'privateEndpoints', 'pe-ws-ml-dev');
  const vmId = armId(at, 'Microsoft.Compute', 'virtualMachines', 'vm-ml-dev-win');
  const nicId = armId(at, 'Microsoft.Network', 'networkInterfaces', 'nic-vm-ml-dev-win');
  const ws = workspace(at, 'ws-dev', {
    storageAccountId: storage,
    keyVaultId: vault,
    containerRegistryId: registry,
    imageBuildCompute: 'image-builder',
    edition: 'Basic',
    privateEndpointIds: [workspaceEndpoint],
    principalId: '33c4d5e6-f7a8-4b92-8c1d-2e3f4a5b6c7d',
  });
  return [
    ws,
    virtualNetwork(at, 'vnet-ml-dev', ['10.30.0.0/16'], [
      { name: 'snet-training', prefix: '10.30.1.0/28', nsgId: nsgTraining, routeTableId: routes, serviceEndpoints: ['Microsoft.KeyVault'], ipConfigurations: 6 },
      { name: 'snet-aci', prefix: '10.30.2.0/24', ipConfigurations: 1 },
      { name: 'snet-vms', prefix: '10.30.3.0/24', nsgId: nsgVms, ipConfigurations: 1 },
      { name: 'snet-endpoints', prefix: '10.30.4.0/24', ipConfigurations: 1 },
    ]),
    // A subnet created as Azure creates them now: no default outbound access.
    virtualNetwork(west, 'vnet-ml-dev-westus2', ['10.31.0.0/16'], [{ name: 'snet-training', prefix: '10.31.1.0/24', ipConfigurations: 0, defaultOutboundAccess: false }]),
    virtualNetwork(hub, 'vnet-hub', ['10.0.0.0/16'], [{ name: 'AzureFirewallSubnet', prefix: '10.0.255.0/26', ipConfigurations: 1 }]),
    networkSecurityGroup(at, 'nsg-ml-dev-training', [
      ...REQUIRED_INBOUND,
      { name: 'AllowStorageHttps', priority: 100, direction: 'Outbound', access: 'Allow', source: 'VirtualNetwork', destination: 'Storage.EastUS', destinationPorts: '443' },
      { name: 'AllowAcrEastUS', priority: 110, direction: 'Outbound', access: 'Allow', source: 'VirtualNetwork', destination: 'AzureContainerRegistry.EastUS', destinationPorts: '443' },
      { name: 'AllowAzureML', priority: 120, direction: 'Outbound', access: 'Allow', source: 'VirtualNetwork', destination: 'AzureMachineLearning', destinationPorts: '443' },
      { name: 'AllowArm', priority: 130, direction: 'Outbound', access: 'Allow', source: 'VirtualNetwork', destination: 'AzureResourceManager', destinationPorts: '443' },
      { name: 'AllowAad', priority: 140, direction: 'Outbound', access: 'Allow', source: 'VirtualNetwork', destination: 'AzureActiveDirectory', destinationPorts: '443' },
      { name: 'DenyInternetOutbound', priority: 4000, direction: 'Outbound', access: 'Deny', protocol: '*', source: '*', destination: 'Internet' },
    ]),
    networkSecurityGroup(at, 'nsg-ml-dev-vms', [
      { name: 'AllowSshFromCorp', priority: 100, direction: 'Inbound', access: 'Allow', source: '10.0.0.0/8', destination: '*', destinationPorts: '22' },
      { name: 'DenySshOther', priority: 200, direction: 'Inbound', access: 'Deny', source: '*', destination: '*', destinationPorts: '22' },
    ]),
    routeTable(at, 'rt-ml-dev-forced-tunnel', [{ name: 'default-to-firewall', addressPrefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIpAddress: '10.0.255.4' }]),
    azureFirewall(hub, 'afw-hub', {
      privateIp: '10.0.255.4',
      subnetId: `${hubVnetId}/subnets/AzureFirewallSubnet`,
      collections: [{ name: 'allow-azureml-partial', fqdns: ['ml.azure.com', '*.azureml.ms', '*.blob.core.windows.net'] }],
    }),
    storageAccount(at, stDevName, { defaultAction: 'Deny', bypass: 'Logging, Metrics', subnetIds: [training] }),
    keyVault(at, 'kv-ml-dev', { defaultAction: 'Allow', bypass: 'AzureServices' }),
    containerRegistry(at, 'crmldev01', { sku: 'Premium', defaultAction: 'Deny' }),
    privateEndpoint(at, 'pe-ws-ml-dev', { subnetId: endpoints, targetId: ws.id, groupId: 'amlworkspace' }),
    amlCluster(ws, 'cpu-cluster', { subnetId: training, maxNodeCount: 20, currentNodeCount: 2 }),
    computeInstance(ws, 'ci-developer-1', { subnetId: training }),
    amlCluster(ws, 'westus2-cluster', { subnetId: westTraining, maxNodeCount: 4, currentNodeCount: 0, enableNodePublicIp: false }),
    containerGroup(at, 'aci-ml-dev-scoring', [aci]),
    networkInterface(at, 'nic-vm-ml-dev-win', { subnetId: vms, privateIp: '10.30.3.4', vmId }),
    virtualMachine(at, 'vm-ml-dev-win', { nicId, osType: 'Windows', image: { publisher: 'MicrosoftWindowsServer', offer: 'WindowsServer', sku: '2022-datacenter-azure-edition' } }),
    attachedCompute(ws, 'attached-win-vm', 'VirtualMachine', vmId),
  ];
}

/**
 * ws-inference (DEV, rg-ml-inference): AKS mistakes (service CIDR over a subnet, DNS IP .1,
 * Docker bridge over a subnet, private cluster, public load balancer without scoring ports,
 * default outbound denied, an internal-LB cluster without Network Contributor, a cluster whose
 * VNet is in another region), a Databricks VNet in another region without a `default` subnet,
 * and an HDInsight cluster that Azure ML cannot reach over SSH.
 */
function inferenceWorkspace(): ResourceRow[] {
  const at = dev('rg-ml-inference');
  const west = dev('rg-ml-inference', 'westus2');
  const vnetId = armId(at, 'Microsoft.Network', 'virtualNetworks', 'vnet-ml-inference');
  const westVnetId = armId(west, 'Microsoft.Network', 'virtualNetworks', 'vnet-ml-inference-westus2');
  const dbxVnetId = armId(west, 'Microsoft.Network', 'virtualNetworks', 'vnet-databricks');
  const aksPublic = `${vnetId}/subnets/snet-aks-public`;
  const aksInternal = `${vnetId}/subnets/snet-aks-internal`;
  const hdi = `${vnetId}/subnets/snet-hdinsight`;
  const westAks = `${westVnetId}/subnets/snet-aks`;
  const nsgAks = armId(at, 'Microsoft.Network', 'networkSecurityGroups', 'nsg-ml-inference-aks');
  const nsgHdi = armId(at, 'Microsoft.Network', 'networkSecurityGroups', 'nsg-ml-inference-hdinsight');
  const storage = armId(at, 'Microsoft.Storage', 'storageAccounts', 'stmlinference01');
  const vault = armId(at, 'Microsoft.KeyVault', 'vaults', 'kv-ml-inference');
  const publicCluster = armId(at, 'Microsoft.ContainerService', 'managedClusters', 'aks-ml-public');
  const internalCluster = armId(at, 'Microsoft.ContainerService', 'managedClusters', 'aks-ml-internal');
  const westCluster = armId(at, 'Microsoft.ContainerService', 'managedClusters', 'aks-ml-east-in-west-vnet');
  const hdiId = armId(at, 'Microsoft.HDInsight', 'clusters', 'hdi-ml-spark');
  const dbxId = armId(west, 'Microsoft.Databricks', 'workspaces', 'dbw-ml-features');
  const internalPrincipal = 'f6a7b8c9-0d1e-4f2a-9b3c-4d5e6f7a8b9c';
  const ws = workspace(at, 'ws-inference', { storageAccountId: storage, keyVaultId: vault, principalId: '44d5e6f7-a8b9-4ca3-9d2e-3f4a5b6c7d8e' });
  return [
    ws,
    virtualNetwork(at, 'vnet-ml-inference', ['10.40.0.0/16'], [
      { name: 'snet-aks-public', prefix: '10.40.0.0/22', nsgId: nsgAks, serviceEndpoints: ['Microsoft.Storage'], ipConfigurations: 9 },
      { name: 'snet-aks-internal', prefix: '10.40.4.0/22', serviceEndpoints: ['Microsoft.Storage'], ipConfigurations: 9 },
      { name: 'snet-hdinsight', prefix: '10.40.8.0/24', nsgId: nsgHdi, serviceEndpoints: ['Microsoft.Storage'], ipConfigurations: 4 },
      { name: 'snet-docker', prefix: '172.17.0.0/24', ipConfigurations: 0 },
    ]),
    virtualNetwork(west, 'vnet-ml-inference-westus2', ['10.41.0.0/16'], [{ name: 'snet-aks', prefix: '10.41.0.0/22', serviceEndpoints: ['Microsoft.Storage'], ipConfigurations: 3 }]),
    virtualNetwork(west, 'vnet-databricks', ['10.42.0.0/16'], [
      { name: 'snet-dbx-public', prefix: '10.42.0.0/24', delegations: ['Microsoft.Databricks/workspaces'] },
      { name: 'snet-dbx-private', prefix: '10.42.1.0/24', delegations: ['Microsoft.Databricks/workspaces'] },
    ]),
    networkSecurityGroup(at, 'nsg-ml-inference-aks', [
      { name: 'DenyInternetInbound', priority: 100, direction: 'Inbound', access: 'Deny', protocol: '*', source: 'Internet', destination: '*' },
      { name: 'DenyVnetOutbound', priority: 200, direction: 'Outbound', access: 'Deny', protocol: '*', source: '*', destination: 'VirtualNetwork' },
    ]),
    networkSecurityGroup(at, 'nsg-ml-inference-hdinsight', [
      { name: 'DenySsh', priority: 100, direction: 'Inbound', access: 'Deny', source: '*', destination: '*', destinationPorts: '22' },
    ]),
    storageAccount(at, 'stmlinference01', { defaultAction: 'Deny', bypass: 'AzureServices', subnetIds: [aksPublic, aksInternal, hdi, westAks] }),
    keyVault(at, 'kv-ml-inference', { defaultAction: 'Deny', bypass: 'AzureServices', publicNetworkAccess: 'Disabled' }),
    aksCluster(at, 'aks-ml-public', { subnetId: aksPublic, serviceCidr: '10.40.0.0/20', dnsServiceIP: '10.40.0.1', dockerBridgeCidr: '172.17.0.1/16', privateCluster: true, principalId: 'a7b8c9d0-1e2f-4a3b-8c4d-5e6f7a8b9c0d' }),
    aksCompute(ws, 'aks-public-scoring', { clusterId: publicCluster, loadBalancerType: 'PublicIp' }),
    aksCluster(at, 'aks-ml-internal', { subnetId: aksInternal, serviceCidr: '10.100.0.0/16', dnsServiceIP: '10.100.0.10', privateCluster: false, principalId: internalPrincipal }),
    aksCompute(ws, 'aks-internal-scoring', { clusterId: internalCluster, loadBalancerType: 'InternalLoadBalancer' }),
    roleAssignment('5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a', { principalId: internalPrincipal, role: 'Reader', scope: `/subscriptions/${DEV}/resourceGroups/rg-ml-inference` }),
    aksCluster(at, 'aks-ml-east-in-west-vnet', { subnetId: westAks, serviceCidr: '10.101.0.0/16', dnsServiceIP: '10.101.0.10', privateCluster: false, principalId: 'b8c9d0e1-2f3a-4b4c-9d5e-6f7a8b9c0d1e' }),
    aksCompute(ws, 'aks-west-vnet', { clusterId: westCluster, loadBalancerType: 'PublicIp' }),
    hdInsightCluster(at, 'hdi-ml-spark', { vnetId, subnetId: hdi }),
    attachedCompute(ws, 'hdi-spark', 'HDInsight', hdiId),
    databricksWorkspace(west, 'dbw-ml-features', { vnetId: dbxVnetId, publicSubnetName: 'snet-dbx-public', privateSubnetName: 'snet-dbx-private' }),
    attachedCompute(ws, 'databricks-features', 'Databricks', dbxId),
  ];
}

/** Resources every tenant has that the audit ignores. */
function unrelatedResources(): ResourceRow[] {
  const at = prod('rg-shared');
  return [
    {
      id: armId(at, 'Microsoft.Web', 'sites', 'app-contoso-portal'),
      name: 'app-contoso-portal',
      type: 'microsoft.web/sites',
      location: 'eastus',
      subscriptionId: PROD,
      resourceGroup: 'rg-shared',
      kind: 'app,linux',
      tags: {},
      properties: { state: 'Running', httpsOnly: true, defaultHostName: 'app-contoso-portal.azurewebsites.net' },
    },
    {
      id: armId(at, 'Microsoft.OperationalInsights', 'workspaces', 'log-contoso-shared'),
      name: 'log-contoso-shared',
      type: 'microsoft.operationalinsights/workspaces',
      location: 'eastus',
      subscriptionId: PROD,
      resourceGroup: 'rg-shared',
      tags: {},
      properties: { retentionInDays: 30, sku: { name: 'PerGB2018' } },
    },
  ];
}

export interface SampleEstate {
  readonly capturedAt: string;
  readonly resources: ResourceRow[];
  readonly serviceTags: ServiceTagEntry[];
}

export function sampleEstate(): SampleEstate {
  return {
    capturedAt: SAMPLE_CAPTURED_AT,
    resources: [...compliantWorkspace(), ...researchWorkspace(), ...devWorkspace(), ...inferenceWorkspace(), ...privateWorkspace(), ...spokeWorkspace(), ...unrelatedResources()],
    serviceTags: sampleServiceTags(),
  };
}
