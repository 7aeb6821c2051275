/**
 * A fully compliant Azure ML estate in one VNet, as the seed documents describe it. Rule tests
 * start from it and change one thing, so each failing case differs from a passing one by exactly
 * the mistake under test.
 */
import type { ResourceRow, ServiceTagEntry } from '../../src/inventory/types';
import {
  aksCluster,
  aksCompute,
  amlCluster,
  computeInstance,
  containerRegistry,
  keyVault,
  nsg,
  nsgId,
  privateEndpoint,
  resourceId,
  roleAssignment,
  serviceTag,
  storageAccount,
  vnet,
  workspace,
} from './arm';
import type { NsgRuleSpec, SubnetSpec } from './arm';

export const ids = {
  workspace: resourceId('Microsoft.MachineLearningServices', 'workspaces', 'ws-ml'),
  vnet: resourceId('Microsoft.Network', 'virtualNetworks', 'vnet-ml'),
  trainingSubnet: `${resourceId('Microsoft.Network', 'virtualNetworks', 'vnet-ml')}/subnets/training`,
  aksSubnet: `${resourceId('Microsoft.Network', 'virtualNetworks', 'vnet-ml')}/subnets/aks`,
  endpointSubnet: `${resourceId('Microsoft.Network', 'virtualNetworks', 'vnet-ml')}/subnets/endpoints`,
  trainingNsg: nsgId('nsg-training'),
  aksNsg: nsgId('nsg-aks'),
  storage: resourceId('Microsoft.Storage', 'storageAccounts', 'stmlws'),
  keyVault: resourceId('Microsoft.KeyVault', 'vaults', 'kv-ml-ws'),
  registry: resourceId('Microsoft.ContainerRegistry', 'registries', 'acrmlws'),
  registryEndpoint: resourceId('Microsoft.Network', 'privateEndpoints', 'pe-acr'),
  aksCluster: resourceId('Microsoft.ContainerService', 'managedClusters', 'aks-ml'),
  cluster: `${resourceId('Microsoft.MachineLearningServices', 'workspaces', 'ws-ml')}/computes/cpu-cluster`,
  instance: `${resourceId('Microsoft.MachineLearningServices', 'workspaces', 'ws-ml')}/computes/ci-alice`,
  aksCompute: `${resourceId('Microsoft.MachineLearningServices', 'workspaces', 'ws-ml')}/computes/aks-inference`,
  aksPrincipal: '5c1f0a3b-2222-4d00-8b00-0000000000a1',
} as const;

/** Inbound rules the seed requires on a training subnet (001, "Required ports"). */
export const trainingInboundRules: readonly NsgRuleSpec[] = [
  { name: 'AllowBatchNodeManagement', priority: 100, direction: 'Inbound', access: 'Allow', source: 'BatchNodeManagement', destinationPorts: '29876-29877' },
  { name: 'AllowAzureMachineLearning', priority: 110, direction: 'Inbound', access: 'Allow', source: 'AzureMachineLearning', destinationPorts: '44224' },
];

/** Outbound rules of a restricted subnet that still allows everything the seed lists. */
export const restrictedOutboundRules: readonly NsgRuleSpec[] = [
  { name: 'AllowStorage', priority: 100, direction: 'Outbound', access: 'Allow', destination: 'Storage.EastUS', destinationPorts: ['443', '445'] },
  { name: 'AllowContainerRegistry', priority: 110, direction: 'Outbound', access: 'Allow', destination: 'AzureContainerRegistry.EastUS', destinationPorts: '443' },
  { name: 'AllowAzureMachineLearning', priority: 120, direction: 'Outbound', access: 'Allow', destination: 'AzureMachineLearning', destinationPorts: '443' },
  { name: 'AllowResourceManager', priority: 130, direction: 'Outbound', access: 'Allow', destination: 'AzureResourceManager', destinationPorts: '443' },
  { name: 'AllowActiveDirectory', priority: 140, direction: 'Outbound', access: 'Allow', destination: 'AzureActiveDirectory', destinationPorts: '443' },
  { name: 'AllowMcr', priority: 150, direction: 'Outbound', access: 'Allow', destination: 'MicrosoftContainerRegistry', destinationPorts: '443' },
  { name: 'AllowFrontDoor', priority: 160, direction: 'Outbound', access: 'Allow', destination: 'AzureFrontDoor.Frontend', destinationPorts: '443' },
  { name: 'DenyInternet', priority: 4000, direction: 'Outbound', access: 'Deny', protocol: '*', destination: 'Internet' },
];

/** Small but well-formed service-tag data for East US (documentation address ranges). */
export const serviceTags: readonly ServiceTagEntry[] = [
  serviceTag('BatchNodeManagement', ['198.51.100.0/26', '203.0.113.0/26']),
  serviceTag('BatchNodeManagement.EastUS', ['198.51.100.0/27'], 'eastus'),
  serviceTag('BatchNodeManagement.WestEurope', ['203.0.113.0/27'], 'westeurope'),
  serviceTag('AzureMachineLearning', ['198.51.100.64/26', '203.0.113.64/26']),
  serviceTag('AzureMachineLearning.EastUS', ['198.51.100.64/27'], 'eastus'),
  serviceTag('Storage', ['192.0.2.0/25', '203.0.113.128/26']),
  serviceTag('Storage.EastUS', ['192.0.2.0/26'], 'eastus'),
  serviceTag('AzureContainerRegistry', ['192.0.2.128/27']),
  serviceTag('AzureContainerRegistry.EastUS', ['192.0.2.128/28'], 'eastus'),
  serviceTag('MicrosoftContainerRegistry', ['192.0.2.160/28']),
  serviceTag('AzureFrontDoor.Frontend', ['192.0.2.176/28']),
  serviceTag('AzureResourceManager', ['192.0.2.192/28']),
  serviceTag('AzureActiveDirectory', ['192.0.2.208/28']),
];

export interface ScenarioOptions {
  readonly trainingNsgRules?: readonly NsgRuleSpec[];
  readonly aksNsgRules?: readonly NsgRuleSpec[];
  /** Subnets added to vnet-ml after the scenario's own. */
  readonly extraSubnets?: readonly SubnetSpec[];
}

/** Rows of the compliant estate: workspace, cluster, instance, AKS, secured storage/KV/ACR, NSGs. */
export function compliantRows(options: ScenarioOptions = {}): ResourceRow[] {
  const ws = workspace({ name: 'ws-ml', storageAccountId: ids.storage, keyVaultId: ids.keyVault, containerRegistryId: ids.registry, imageBuildCompute: 'cpu-cluster' });
  return [
    ws,
    vnet({
      name: 'vnet-ml',
      addressPrefixes: ['10.0.0.0/16'],
      subnets: [
        { name: 'training', addressPrefix: '10.0.1.0/24', nsgId: ids.trainingNsg, serviceEndpoints: ['Microsoft.Storage', 'Microsoft.KeyVault'], ipConfigurationCount: 3 },
        { name: 'aks', addressPrefix: '10.0.4.0/22', nsgId: ids.aksNsg, serviceEndpoints: ['Microsoft.Storage'], ipConfigurationCount: 3 },
        { name: 'endpoints', addressPrefix: '10.0.2.0/24', ipConfigurationCount: 1 },
        ...(options.extraSubnets ?? []),
      ],
    }),
    nsg({ name: 'nsg-training', rules: options.trainingNsgRules ?? trainingInboundRules }),
    nsg({
      name: 'nsg-aks',
      rules: options.aksNsgRules ?? [{ name: 'AllowScoring', priority: 100, direction: 'Inbound', access: 'Allow', source: 'Internet', destinationPorts: ['80', '443'] }],
    }),
    storageAccount({ name: 'stmlws', defaultAction: 'Deny', bypass: 'AzureServices', subnetIds: [ids.trainingSubnet, ids.aksSubnet] }),
    keyVault({ name: 'kv-ml-ws', defaultAction: 'Deny', bypass: 'AzureServices', subnetIds: [ids.trainingSubnet] }),
    containerRegistry({ name: 'acrmlws', sku: 'Premium', defaultAction: 'Deny', privateEndpointIds: [ids.registryEndpoint] }),
    privateEndpoint({ name: 'pe-acr', subnetId: ids.endpointSubnet, targetId: ids.registry, groupId: 'registry' }),
    amlCluster(ws, { name: 'cpu-cluster', subnetId: ids.trainingSubnet, maxNodeCount: 4, currentNodeCount: 1 }),
    computeInstance(ws, { name: 'ci-alice', subnetId: ids.trainingSubnet }),
    aksCluster({ name: 'aks-ml', subnetIds: [ids.aksSubnet], serviceCidr: '10.2.0.0/16', dnsServiceIP: '10.2.0.10', dockerBridgeCidr: '172.17.0.1/16', privateCluster: false, principalId: ids.aksPrincipal }),
    aksCompute(ws, { name: 'aks-inference', clusterId: ids.aksCluster, loadBalancerType: 'InternalLoadBalancer' }),
    roleAssignment({ name: 'f1e2d3c4-0000-4000-8000-00000000c001', principalId: ids.aksPrincipal, role: 'NetworkContributor', scope: `/subscriptions/${ids.vnet.split('/')[2]}/resourceGroups/rg-ml` }),
  ];
}

/** Replaces the row with the same ID (case-insensitive), or appends it. */
export function withRow(rows: readonly ResourceRow[], replacement: ResourceRow): ResourceRow[] {
  const key = replacement.id.toLowerCase();
  const index = rows.findIndex((row) => row.id.toLowerCase() === key);
  return index === -1 ? [...rows, replacement] : rows.map((row, position) => (position === index ? replacement : row));
}

export function withoutRow(rows: readonly ResourceRow[], id: string): ResourceRow[] {
  const key = id.toLowerCase();
  return rows.filter((row) => row.id.toLowerCase() !== key);
}
