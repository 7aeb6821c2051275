/**
 * Reference estates transcribed from public, Microsoft-authored deployments of network-isolated
 * Azure Machine Learning, as Resource Graph would return them once deployed. Names follow each
 * template's naming scheme with fixed parameters; every property the rules read is set as the
 * template sets it (or as Azure defaults it when the template is silent).
 *
 * - A: Azure Quickstart Templates, `quickstarts/microsoft.machinelearningservices/machine-learning-end-to-end-secure`
 *   (Bicep): one VNet, private endpoints for workspace, storage, key vault and registry, an NSG built
 *   for Azure ML, a cluster, an instance and a private AKS cluster attached for inference.
 * - B: Azure/terraform, `quickstart/301-machine-learning-hub-spoke-secure`: spoke VNet with training,
 *   AKS and workspace subnets, private endpoints in the workspace subnet, NSGs, user-defined routes
 *   (0.0.0.0/0 and the Azure ML and Batch tags to Internet), a hub with an Azure Firewall on a policy
 *   without rule collection groups.
 * - C: microsoft/AzureTRE, `templates/workspace_services/azureml/terraform` (exposed externally): an AML
 *   subnet whose NSG denies all but named traffic, a route table that forces traffic through the TRE
 *   firewall except the Azure ML and Batch tags, and the service's classic firewall rule collections
 *   (a TCP network rule to service tags, an application rule for ml.azure.com).
 * - C on a policy: the same rules, as a firewall policy rule collection group — the shape Resource
 *   Graph lists only in its `networkresources` table.
 */
import type { ResourceRow, ServiceTagEntry } from '../../src/inventory/types';
import type { Place } from './rows';
import { armId, graphRow, networkSecurityGroup, privateDnsZones, privateEndpoint, referenceServiceTags, routeTable, systemIdentity, TENANT, virtualNetwork } from './rows';

export interface ReferenceEstate {
  readonly name: string;
  readonly resources: readonly ResourceRow[];
  readonly serviceTags: readonly ServiceTagEntry[];
}

const SUBSCRIPTION = '5b1e7d2a-9c3f-4e8b-a6d1-2f0c9e4b7a35';

/** The private DNS zones each template creates (or, for AzureTRE, links from the core) for its private endpoints. */
const ML_ZONES = ['privatelink.api.azureml.ms', 'privatelink.notebooks.azure.net', 'privatelink.blob.core.windows.net', 'privatelink.file.core.windows.net', 'privatelink.vaultcore.azure.net', 'privatelink.azurecr.io'];
const TAGS = referenceServiceTags([
  { key: 'eastus', name: 'EastUS' },
  { key: 'westeurope', name: 'WestEurope' },
]);

function workspace(at: Place, name: string, fields: { storageId: string; keyVaultId: string; registryId: string; imageBuildCompute?: string; privateEndpointConnections?: readonly unknown[]; principalId: string }): ResourceRow {
  return graphRow(armId(at, 'Microsoft.MachineLearningServices', 'workspaces', name), 'Microsoft.MachineLearningServices/workspaces', at, {
    kind: 'Default',
    sku: { name: 'Basic', tier: 'Basic' },
    identity: systemIdentity(fields.principalId),
    properties: {
      friendlyName: name,
      storageAccount: fields.storageId,
      keyVault: fields.keyVaultId,
      containerRegistry: fields.registryId,
      applicationInsights: armId(at, 'Microsoft.Insights', 'components', `appi-${name}`),
      ...(fields.imageBuildCompute !== undefined ? { imageBuildCompute: fields.imageBuildCompute } : {}),
      publicNetworkAccess: 'Disabled',
      hbiWorkspace: false,
      privateEndpointConnections: fields.privateEndpointConnections ?? [],
      provisioningState: 'Succeeded',
    },
  });
}

function computeRow(workspaceId: string, at: Place, name: string, properties: Record<string, unknown>): ResourceRow {
  return graphRow(`${workspaceId}/computes/${name}`, 'Microsoft.MachineLearningServices/workspaces/computes', at, { properties: { computeLocation: at.location, provisioningState: 'Succeeded', ...properties } });
}

function storageAccount(at: Place, name: string, sku: string, connections: readonly unknown[], virtualNetworkRules: readonly unknown[] = []): ResourceRow {
  return graphRow(armId(at, 'Microsoft.Storage', 'storageAccounts', name), 'Microsoft.Storage/storageAccounts', at, {
    kind: 'StorageV2',
    sku: { name: sku, tier: 'Standard' },
    properties: {
      accessTier: 'Hot',
      allowBlobPublicAccess: false,
      minimumTlsVersion: 'TLS1_2',
      supportsHttpsTrafficOnly: true,
      isHnsEnabled: false,
      networkAcls: { bypass: 'AzureServices', defaultAction: 'Deny', virtualNetworkRules, ipRules: [] },
      privateEndpointConnections: connections,
      provisioningState: 'Succeeded',
    },
  });
}

function keyVault(at: Place, name: string, connections: readonly unknown[]): ResourceRow {
  return graphRow(armId(at, 'Microsoft.KeyVault', 'vaults', name), 'Microsoft.KeyVault/vaults', at, {
    properties: {
      tenantId: TENANT,
      sku: { family: 'A', name: 'standard' },
      enableRbacAuthorization: true,
      enablePurgeProtection: true,
      networkAcls: { bypass: 'AzureServices', defaultAction: 'Deny', virtualNetworkRules: [], ipRules: [] },
      privateEndpointConnections: connections,
      provisioningState: 'Succeeded',
    },
  });
}

function registry(at: Place, name: string, connections: readonly unknown[]): ResourceRow {
  return graphRow(armId(at, 'Microsoft.ContainerRegistry', 'registries', name), 'Microsoft.ContainerRegistry/registries', at, {
    sku: { name: 'Premium', tier: 'Premium' },
    properties: {
      adminUserEnabled: true,
      networkRuleSet: { defaultAction: 'Deny', ipRules: [] },
      networkRuleBypassOptions: 'AzureServices',
      publicNetworkAccess: 'Disabled',
      privateEndpointConnections: connections,
      provisioningState: 'Succeeded',
    },
  });
}

// ------------------------------------------------------------------- A: quickstart, Bicep

export function quickstartEndToEndSecure(): ReferenceEstate {
  const at: Place = { subscription: SUBSCRIPTION, resourceGroup: 'rg-mlsec', location: 'eastus' };
  const suffix = 'x7k2';
  const name = `mlsec-${suffix}`;
  const nsgId = armId(at, 'Microsoft.Network', 'networkSecurityGroups', `nsg-${name}`);
  const vnetId = armId(at, 'Microsoft.Network', 'virtualNetworks', `vnet-${name}`);
  const training = `${vnetId}/subnets/snet-training`;
  const scoring = `${vnetId}/subnets/snet-scoring`;
  const storageId = armId(at, 'Microsoft.Storage', 'storageAccounts', `stmlsec${suffix}`);
  const keyVaultId = armId(at, 'Microsoft.KeyVault', 'vaults', `kv-${name}`);
  const registryId = armId(at, 'Microsoft.ContainerRegistry', 'registries', `crmlsec${suffix}`);
  const workspaceId = armId(at, 'Microsoft.MachineLearningServices', 'workspaces', `mlw-${name}`);
  const aksId = armId(at, 'Microsoft.ContainerService', 'managedClusters', `aks-${name}`);
  const blob = privateEndpoint(at, `ple-${name}-st-blob`, training, storageId, 'blob');
  const file = privateEndpoint(at, `ple-${name}-st-file`, training, storageId, 'file');
  const vault = privateEndpoint(at, `ple-${name}-kv`, training, keyVaultId, 'vault');
  const acr = privateEndpoint(at, `ple-${name}-cr`, training, registryId, 'registry');
  const mlw = privateEndpoint(at, `ple-${name}-mlw`, training, workspaceId, 'amlworkspace');
  // modules/nsg.bicep, rule for rule.
  const rules = networkSecurityGroup(at, `nsg-${name}`, [
    { name: 'BatchNodeManagement', priority: 120, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: 'BatchNodeManagement', ports: '29876-29877' },
    { name: 'AzureMachineLearning', priority: 130, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: 'AzureMachineLearning', ports: '44224' },
    { name: 'AzureActiveDirectory', priority: 140, direction: 'Outbound', access: 'Allow', protocol: 'Tcp', destination: 'AzureActiveDirectory' },
    { name: 'AzureMachineLearningOutbound', priority: 150, direction: 'Outbound', access: 'Allow', protocol: 'Tcp', destination: 'AzureMachineLearning', ports: '443' },
    { name: 'AzureResourceManager', priority: 160, direction: 'Outbound', access: 'Allow', protocol: 'Tcp', destination: 'AzureResourceManager', ports: '443' },
    { name: 'AzureStorageAccount', priority: 170, direction: 'Outbound', access: 'Allow', protocol: 'Tcp', destination: 'Storage.eastus', ports: '443' },
    { name: 'AzureFrontDoor', priority: 180, direction: 'Outbound', access: 'Allow', protocol: 'Tcp', destination: 'AzureFrontDoor.FrontEnd', ports: '443' },
    { name: 'AzureContainerRegistry', priority: 190, direction: 'Outbound', access: 'Allow', protocol: 'Tcp', destination: 'AzureContainerRegistry.eastus', ports: '443' },
    { name: 'MicrosoftContainerRegistry', priority: 200, direction: 'Outbound', access: 'Allow', protocol: 'Tcp', source: 'VirtualNetwork', destination: 'MicrosoftContainerRegistry', ports: '443' },
  ]);
  const resources: ResourceRow[] = [
    rules,
    // modules/vnet.bicep: both subnets carry the NSG; only the scoring subnet has service endpoints.
    virtualNetwork(at, `vnet-${name}`, ['192.168.0.0/16'], [
      { name: 'snet-training', prefix: '192.168.0.0/24', nsgId, ipConfigurations: 7 },
      { name: 'snet-scoring', prefix: '192.168.1.0/24', nsgId, serviceEndpoints: ['Microsoft.KeyVault', 'Microsoft.ContainerRegistry', 'Microsoft.Storage'], ipConfigurations: 3 },
      { name: 'AzureBastionSubnet', prefix: '192.168.250.0/27', ipConfigurations: 1 },
    ]),
    storageAccount(at, `stmlsec${suffix}`, 'Standard_LRS', [blob.connection, file.connection]),
    keyVault(at, `kv-${name}`, [vault.connection]),
    registry(at, `crmlsec${suffix}`, [acr.connection]),
    blob.endpoint,
    file.endpoint,
    vault.endpoint,
    acr.endpoint,
    mlw.endpoint,
    workspace(at, `mlw-${name}`, { storageId, keyVaultId, registryId, imageBuildCompute: 'cluster001', privateEndpointConnections: [mlw.connection], principalId: '0c5e2b71-0000-4000-8000-00000000a001' }),
    // modules/machinelearningcompute.bicep (amlComputePublicIp defaults to true).
    computeRow(workspaceId, at, 'cluster001', {
      computeType: 'AmlCompute',
      properties: { vmSize: 'Standard_DS3_v2', vmPriority: 'Dedicated', enableNodePublicIp: true, osType: 'Linux', remoteLoginPortPublicAccess: 'Disabled', scaleSettings: { minNodeCount: 0, maxNodeCount: 5, nodeIdleTimeBeforeScaleDown: 'PT120S' }, subnet: { id: training }, currentNodeCount: 0 },
    }),
    computeRow(workspaceId, at, 'mlsec-ci001', { computeType: 'ComputeInstance', properties: { vmSize: 'Standard_DS3_v2', subnet: { id: training }, sshSettings: { sshPublicAccess: 'Disabled' }, applicationSharingPolicy: 'Personal' } }),
    // modules/privateaks.bicep: the compute names the cluster and its subnet; no load balancer type, so a public one.
    computeRow(workspaceId, at, `aks-${name}`, { computeType: 'AKS', resourceId: aksId, properties: { aksNetworkingConfiguration: { subnetId: scoring } } }),
    graphRow(aksId, 'Microsoft.ContainerService/managedClusters', at, {
      sku: { name: 'Base', tier: 'Free' },
      identity: systemIdentity('0c5e2b71-0000-4000-8000-00000000a002'),
      properties: {
        kubernetesVersion: '1.22.4',
        dnsPrefix: `aks-${name}-dns`,
        agentPoolProfiles: [{ name: 'agentpool', count: 3, vmSize: 'Standard_DS3_v2', osDiskSizeGB: 128, vnetSubnetID: scoring, maxPods: 110, osType: 'Linux', mode: 'System', type: 'VirtualMachineScaleSets' }],
        enableRBAC: true,
        networkProfile: { networkPlugin: 'kubenet', serviceCidr: '10.0.0.0/16', dnsServiceIP: '10.0.0.10', dockerBridgeCidr: '172.17.0.1/16', loadBalancerSku: 'standard' },
        apiServerAccessProfile: { enablePrivateCluster: true },
        provisioningState: 'Succeeded',
      },
    }),
    // modules/dsvmjumpbox.bicep and bastion.bicep: a jump box (not attached to the workspace) and Bastion.
    graphRow(armId(at, 'Microsoft.Network', 'networkInterfaces', `nic-vm-${name}`), 'Microsoft.Network/networkInterfaces', at, {
      properties: { ipConfigurations: [{ name: 'ipconfig1', properties: { privateIPAddress: '192.168.0.10', subnet: { id: training } } }], networkSecurityGroup: { id: nsgId }, virtualMachine: { id: armId(at, 'Microsoft.Compute', 'virtualMachines', `vm-${name}`) } },
    }),
    graphRow(armId(at, 'Microsoft.Compute', 'virtualMachines', `vm-${name}`), 'Microsoft.Compute/virtualMachines', at, {
      properties: {
        hardwareProfile: { vmSize: 'Standard_DS3_v2' },
        storageProfile: { imageReference: { publisher: 'microsoft-dsvm', offer: 'dsvm-win-2019', sku: 'server-2019', version: 'latest' }, osDisk: { osType: 'Windows' } },
        networkProfile: { networkInterfaces: [{ id: armId(at, 'Microsoft.Network', 'networkInterfaces', `nic-vm-${name}`) }] },
      },
    }),
    graphRow(armId(at, 'Microsoft.Network', 'bastionHosts', `bas-${name}`), 'Microsoft.Network/bastionHosts', at, { properties: { ipConfigurations: [{ name: 'IpConf', properties: { subnet: { id: `${vnetId}/subnets/AzureBastionSubnet` } } }] } }),
    // modules/storage, keyvault, containerregistry and machinelearningnetworking.bicep: each creates its zones and links them to the VNet.
    ...privateDnsZones(at, ML_ZONES, [{ name: 'link-vnet', vnetId }]),
  ];
  return { name: 'machine-learning-end-to-end-secure', resources, serviceTags: TAGS };
}

// ------------------------------------------------------------------- B: Terraform 301 hub and spoke

export function terraformHubSpokeSecure(): ReferenceEstate {
  const spoke: Place = { subscription: SUBSCRIPTION, resourceGroup: 'rg-mlhub-dev', location: 'eastus' };
  const hub: Place = { ...spoke, resourceGroup: 'rg-hub-mlhub-dev' };
  const vnetId = armId(spoke, 'Microsoft.Network', 'virtualNetworks', 'vnet-mlhub-dev');
  const training = `${vnetId}/subnets/snet-training`;
  const workspaceSubnet = `${vnetId}/subnets/snet-workspace`;
  const nsgTraining = armId(spoke, 'Microsoft.Network', 'networkSecurityGroups', 'nsg-training');
  const nsgAks = armId(spoke, 'Microsoft.Network', 'networkSecurityGroups', 'nsg-aks');
  const rtTraining = armId(spoke, 'Microsoft.Network', 'routeTables', 'rt-training');
  const rtAks = armId(spoke, 'Microsoft.Network', 'routeTables', 'rt-aks');
  const storageId = armId(spoke, 'Microsoft.Storage', 'storageAccounts', 'stmlhubdev');
  const keyVaultId = armId(spoke, 'Microsoft.KeyVault', 'vaults', 'kv-mlhub-dev');
  const registryId = armId(spoke, 'Microsoft.ContainerRegistry', 'registries', 'crmlhubdev');
  const workspaceId = armId(spoke, 'Microsoft.MachineLearningServices', 'workspaces', 'mlw-mlhub-dev');
  const policyId = armId(hub, 'Microsoft.Network', 'firewallPolicies', 'afwp-base-01');
  const kv = privateEndpoint(spoke, 'ple-mlhub-dev-kv', workspaceSubnet, keyVaultId, 'vault');
  const blob = privateEndpoint(spoke, 'ple-mlhub-dev-st-blob', workspaceSubnet, storageId, 'blob');
  const file = privateEndpoint(spoke, 'ple-mlhub-dev-st-file', workspaceSubnet, storageId, 'file');
  const cr = privateEndpoint(spoke, 'ple-mlhub-dev-cr', workspaceSubnet, registryId, 'registry');
  const mlw = privateEndpoint(spoke, 'ple-mlhub-dev-mlw', workspaceSubnet, workspaceId, 'amlworkspace');
  const resources: ResourceRow[] = [
    virtualNetwork(spoke, 'vnet-mlhub-dev', ['10.0.0.0/16'], [
      { name: 'snet-training', prefix: '10.0.1.0/24', nsgId: nsgTraining, routeTableId: rtTraining, ipConfigurations: 0 },
      { name: 'snet-aks', prefix: '10.0.2.0/23', nsgId: nsgAks, routeTableId: rtAks, ipConfigurations: 0 },
      { name: 'snet-workspace', prefix: '10.0.0.0/24', ipConfigurations: 5 },
    ]),
    networkSecurityGroup(spoke, 'nsg-training', [
      { name: 'BatchNodeManagement', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: 'BatchNodeManagement', ports: '29876-29877' },
      { name: 'AzureMachineLearning', priority: 110, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: 'AzureMachineLearning', ports: '44224' },
    ]),
    networkSecurityGroup(spoke, 'nsg-aks', []),
    routeTable(spoke, 'rt-training', [
      { name: 'Internet', prefix: '0.0.0.0/0', nextHop: 'Internet' },
      { name: 'AzureMLRoute', prefix: 'AzureMachineLearning', nextHop: 'Internet' },
      { name: 'BatchRoute', prefix: 'BatchNodeManagement', nextHop: 'Internet' },
    ]),
    routeTable(spoke, 'rt-aks', [{ name: 'Internet', prefix: '0.0.0.0/0', nextHop: 'Internet' }]),
    keyVault(spoke, 'kv-mlhub-dev', [kv.connection]),
    storageAccount(spoke, 'stmlhubdev', 'Standard_GRS', [blob.connection, file.connection]),
    registry(spoke, 'crmlhubdev', [cr.connection]),
    kv.endpoint,
    blob.endpoint,
    file.endpoint,
    cr.endpoint,
    mlw.endpoint,
    workspace(spoke, 'mlw-mlhub-dev', { storageId, keyVaultId, registryId, imageBuildCompute: 'image-builder', privateEndpointConnections: [mlw.connection], principalId: '0c5e2b71-0000-4000-8000-00000000b001' }),
    computeRow(workspaceId, spoke, 'cpu-cluster', { computeType: 'AmlCompute', properties: { vmSize: 'STANDARD_DS2_V2', vmPriority: 'Dedicated', enableNodePublicIp: true, scaleSettings: { minNodeCount: 0, maxNodeCount: 3 }, subnet: { id: training }, currentNodeCount: 0 } }),
    computeRow(workspaceId, spoke, 'image-builder', { computeType: 'AmlCompute', properties: { vmSize: 'Standard_DS2_v2', vmPriority: 'LowPriority', enableNodePublicIp: true, scaleSettings: { minNodeCount: 0, maxNodeCount: 3 }, subnet: { id: training }, currentNodeCount: 0 } }),
    // The hub: firewall on a base policy that has no rule collection groups; the spoke routes do not use it.
    virtualNetwork(hub, 'vnet-hub-mlhub-dev', ['10.1.0.0/16'], [
      { name: 'snet-jumphost', prefix: '10.1.2.0/24' },
      { name: 'AzureBastionSubnet', prefix: '10.1.3.0/24' },
      { name: 'AzureFirewallSubnet', prefix: '10.1.4.0/24', ipConfigurations: 1 },
    ]),
    graphRow(policyId, 'Microsoft.Network/firewallPolicies', hub, { properties: { sku: { tier: 'Standard' }, threatIntelMode: 'Alert', dnsSettings: { enableProxy: true }, ruleCollectionGroups: [], firewalls: [{ id: armId(hub, 'Microsoft.Network', 'azureFirewalls', 'afw-mlhub-dev') }] } }),
    graphRow(armId(hub, 'Microsoft.Network', 'azureFirewalls', 'afw-mlhub-dev'), 'Microsoft.Network/azureFirewalls', hub, {
      properties: {
        sku: { name: 'AZFW_VNet', tier: 'Standard' },
        firewallPolicy: { id: policyId },
        ipConfigurations: [{ name: 'configuration', properties: { privateIPAddress: '10.1.4.4', subnet: { id: armId(hub, 'Microsoft.Network', 'virtualNetworks', 'vnet-hub-mlhub-dev/subnets/AzureFirewallSubnet') } } }],
        networkRuleCollections: [],
        applicationRuleCollections: [],
        natRuleCollections: [],
      },
    }),
    // network-hub.tf: the private DNS zones, each linked to the hub VNet only (the spoke, where the
    // endpoints and computes are, has no link and no custom DNS servers).
    ...privateDnsZones(hub, ML_ZONES, [{ name: 'hublink', vnetId: armId(hub, 'Microsoft.Network', 'virtualNetworks', 'vnet-hub-mlhub-dev') }]),
  ];
  return { name: '301-machine-learning-hub-spoke-secure', resources, serviceTags: TAGS };
}

// ------------------------------------------------------------------- C: AzureTRE Azure ML workspace service

interface TreOptions {
  /** Where the service's firewall rules sit: classic collections on the firewall, or a rule collection group of its policy. */
  readonly rules: 'classic' | 'policy';
}

export function azureTreAzureMl(options: TreOptions = { rules: 'classic' }): ReferenceEstate {
  const core: Place = { subscription: SUBSCRIPTION, resourceGroup: 'rg-mytre', location: 'westeurope' };
  const ws: Place = { ...core, resourceGroup: 'rg-mytre-ws-a1b2' };
  const firewallId = armId(core, 'Microsoft.Network', 'azureFirewalls', 'fw-mytre');
  const policyId = armId(core, 'Microsoft.Network', 'firewallPolicies', 'fw-policy-mytre');
  const vnetId = armId(ws, 'Microsoft.Network', 'virtualNetworks', 'vnet-mytre-ws-a1b2');
  const amlSubnet = `${vnetId}/subnets/AMLSubnetc3d4`;
  const nsgId = armId(ws, 'Microsoft.Network', 'networkSecurityGroups', 'nsg-aml-c3d4');
  const rtId = armId(ws, 'Microsoft.Network', 'routeTables', 'rt-aml-mytre-c3d4');
  const storageId = armId(ws, 'Microsoft.Storage', 'storageAccounts', 'stgsvcc3d4');
  const keyVaultId = armId(ws, 'Microsoft.KeyVault', 'vaults', 'kv-mytre-ws-a1b2');
  const registryId = armId(ws, 'Microsoft.ContainerRegistry', 'registries', 'acrsvcc3d4');
  const workspaceId = armId(ws, 'Microsoft.MachineLearningServices', 'workspaces', 'ml-mytre-ws-a1b2-svc-c3d4');
  const servicesSubnet = `${vnetId}/subnets/ServicesSubnet`;
  const blob = privateEndpoint(ws, 'pe-stgsvcc3d4-blob', servicesSubnet, storageId, 'blob');
  const file = privateEndpoint(ws, 'pe-stgsvcc3d4-file', servicesSubnet, storageId, 'file');
  const kv = privateEndpoint(ws, 'pe-kv-mytre-ws-a1b2', servicesSubnet, keyVaultId, 'vault');
  const cr = privateEndpoint(ws, 'pe-acrsvcc3d4', servicesSubnet, registryId, 'registry');
  const mlw = privateEndpoint(ws, 'pe-ml-svc-c3d4', servicesSubnet, workspaceId, 'amlworkspace');
  const workspaceSpace = ['10.1.8.0/22'];
  // firewall.tf: the service's network and application rule collections (priorities from get_firewall_priorities.sh).
  const networkRule = { name: 'allowStorage', sourceAddresses: workspaceSpace, destinationPorts: ['*'], destinationAddresses: ['AzureActiveDirectory', 'AzureResourceManager', 'AzureMachineLearning', 'Storage.WestEurope', 'MicrosoftContainerRegistry'] };
  const applicationRule = { name: 'allowMLrelated', sourceAddresses: workspaceSpace, targetFqdns: ['aadcdn.msftauth.net', 'ml.azure.com'], protocols: [{ protocolType: 'Https', port: 443 }, { protocolType: 'Http', port: 80 }] };
  const firewallProperties =
    options.rules === 'classic'
      ? {
          networkRuleCollections: [{ name: 'nrc-mytre-ws-a1b2-svc-c3d4', properties: { priority: 201, action: { type: 'Allow' }, rules: [{ ...networkRule, protocols: ['TCP'] }] } }],
          applicationRuleCollections: [{ name: 'arc-mytre-ws-a1b2-svc-c3d4', properties: { priority: 201, action: { type: 'Allow' }, rules: [applicationRule] } }],
          natRuleCollections: [],
        }
      : { firewallPolicy: { id: policyId }, networkRuleCollections: [], applicationRuleCollections: [], natRuleCollections: [] };
  const resources: ResourceRow[] = [
    virtualNetwork(ws, 'vnet-mytre-ws-a1b2', workspaceSpace, [
      { name: 'ServicesSubnet', prefix: '10.1.8.0/24', ipConfigurations: 5 },
      { name: 'AMLSubnetc3d4', prefix: '10.1.10.0/24', nsgId, routeTableId: rtId, serviceEndpoints: ['Microsoft.Storage'], ipConfigurations: 0 },
    ]),
    // network.tf: every rule the service creates (is_exposed_externally = true).
    networkSecurityGroup(ws, 'nsg-aml-c3d4', [
      { name: 'inbound-within-workspace-vnet', priority: 100, direction: 'Inbound', access: 'Allow', protocol: '*', sources: workspaceSpace, destinations: workspaceSpace },
      { name: 'c3d4-batch-inbound-29876', priority: 101, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: 'BatchNodeManagement', destination: 'VirtualNetwork', portRanges: ['29876', '29877'] },
      { name: 'c3d4-aml-inbound', priority: 102, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: 'AzureMachineLearning', destination: 'VirtualNetwork', portRanges: ['44224'] },
      { name: 'c3d4-allow-Outbound_Storage_445', priority: 103, direction: 'Outbound', access: 'Allow', protocol: 'Tcp', source: 'VirtualNetwork', destination: 'Storage', ports: '445' },
      { name: 'to-shared-services', priority: 104, direction: 'Outbound', access: 'Allow', protocol: '*', destinations: ['10.1.0.0/24'] },
      { name: 'to-internet', priority: 105, direction: 'Outbound', access: 'Allow', protocol: 'Tcp', destination: 'INTERNET', ports: '443' },
      { name: 'outbound-within-workspace-subnet', priority: 100, direction: 'Outbound', access: 'Allow', protocol: '*', sources: workspaceSpace, destinations: workspaceSpace },
      { name: 'deny-outbound-override', priority: 4096, direction: 'Outbound', access: 'Deny', protocol: '*' },
      { name: 'deny-inbound-override', priority: 4096, direction: 'Inbound', access: 'Deny', protocol: '*' },
    ]),
    // Everything to the TRE firewall, but the Azure ML and Batch tags straight to the Internet.
    routeTable(ws, 'rt-aml-mytre-c3d4', [
      { name: 'rt-firewall-mytre-c3d4', prefix: '0.0.0.0/0', nextHop: 'VirtualAppliance', nextHopIp: '10.1.4.4' },
      { name: 'rt-aml-mytre-c3d4', prefix: 'AzureMachineLearning', nextHop: 'Internet' },
      { name: 'rt-batch-mytre-c3d4', prefix: 'BatchNodeManagement', nextHop: 'Internet' },
    ]),
    storageAccount(ws, 'stgsvcc3d4', 'Standard_LRS', [blob.connection, file.connection], [{ id: amlSubnet, action: 'Allow', state: 'Succeeded' }]),
    keyVault(ws, 'kv-mytre-ws-a1b2', [kv.connection]),
    registry(ws, 'acrsvcc3d4', [cr.connection]),
    blob.endpoint,
    file.endpoint,
    kv.endpoint,
    cr.endpoint,
    mlw.endpoint,
    workspace(ws, 'ml-mytre-ws-a1b2-svc-c3d4', { storageId, keyVaultId, registryId, imageBuildCompute: 'build-cluster', privateEndpointConnections: [mlw.connection], principalId: '0c5e2b71-0000-4000-8000-00000000c001' }),
    computeRow(workspaceId, ws, 'build-cluster', { computeType: 'AmlCompute', properties: { vmSize: 'Standard_DS2_v2', enableNodePublicIp: true, scaleSettings: { minNodeCount: 0, maxNodeCount: 1 }, subnet: { id: amlSubnet }, currentNodeCount: 0 } }),
    virtualNetwork(core, 'vnet-mytre', ['10.1.0.0/22'], [
      { name: 'SharedSubnet', prefix: '10.1.0.0/24' },
      { name: 'AzureFirewallSubnet', prefix: '10.1.4.0/26', ipConfigurations: 1 },
    ]),
    graphRow(firewallId, 'Microsoft.Network/azureFirewalls', core, {
      properties: {
        sku: { name: 'AZFW_VNet', tier: 'Standard' },
        threatIntelMode: 'Alert',
        ipConfigurations: [{ name: 'fw-ip-configuration', properties: { privateIPAddress: '10.1.4.4', subnet: { id: armId(core, 'Microsoft.Network', 'virtualNetworks', 'vnet-mytre/subnets/AzureFirewallSubnet') } } }],
        ...firewallProperties,
      },
    }),
  ];
  // templates/workspaces/base/terraform/network/zone_links.tf: the core's zones linked to the workspace VNet.
  resources.push(...privateDnsZones(core, ML_ZONES, [{ name: 'link-ws-a1b2', vnetId }]));
  if (options.rules === 'policy') {
    const groupId = `${policyId}/ruleCollectionGroups/rcg-mytre-ws-a1b2-svc-c3d4`;
    resources.push(
      graphRow(policyId, 'Microsoft.Network/firewallPolicies', core, { properties: { sku: { tier: 'Standard' }, threatIntelMode: 'Alert', ruleCollectionGroups: [{ id: groupId }], firewalls: [{ id: firewallId }] } }),
      // Resource Graph lists this row only in `networkresources`.
      graphRow(groupId, 'Microsoft.Network/firewallPolicies/ruleCollectionGroups', core, {
        location: undefined,
        properties: {
          priority: 500,
          ruleCollections: [
            { ruleCollectionType: 'FirewallPolicyFilterRuleCollection', name: 'nrc-svc-c3d4', priority: 201, action: { type: 'Allow' }, rules: [{ ruleType: 'NetworkRule', ...networkRule, ipProtocols: ['TCP'], destinationIpGroups: [], destinationFqdns: [], sourceIpGroups: [] }] },
            { ruleCollectionType: 'FirewallPolicyFilterRuleCollection', name: 'arc-svc-c3d4', priority: 202, action: { type: 'Allow' }, rules: [{ ruleType: 'ApplicationRule', ...applicationRule, sourceIpGroups: [], fqdnTags: [], webCategories: [], targetUrls: [], terminateTLS: false }] },
          ],
        },
      }),
    );
  }
  return { name: options.rules === 'classic' ? 'azuretre-azureml' : 'azuretre-azureml-on-policy', resources, serviceTags: TAGS };
}
