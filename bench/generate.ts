import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { ResourceRow, ServiceTagEntry } from '../src/inventory/types';
import type { Placement, SecurityRuleSpec, SubnetSpec } from './arm-rows';
import {
  aksCluster,
  aksCompute,
  amlCluster,
  armId,
  computeInstance,
  containerRegistry,
  guidFrom,
  keyVault,
  networkInterface,
  networkSecurityGroup,
  privateEndpoint,
  roleAssignment,
  routeTable,
  storageAccount,
  virtualMachine,
  virtualNetwork,
  workspace,
} from './arm-rows';
import { sampleServiceTags } from './sample-estate';

/**
 * A large, realistic estate for the bench: workspaces with their networks, NSGs of 20–50 rules,
 * route tables, storage/key vault/registry, private endpoints, NICs, VMs, AKS and role
 * assignments, plus the larger share of unrelated resources every real tenant has. Some ML
 * units carry the classic mistakes so every rule does real work. Deterministic from the seed.
 */

export interface GenerateOptions {
  /** Exact number of rows to produce. */
  readonly resources: number;
  readonly seed: number;
}

export interface GeneratedEstate {
  readonly resources: ResourceRow[];
  readonly serviceTags: ServiceTagEntry[];
}

/** Share of rows that belong to Azure ML units; the rest is what tenants also run. */
const ML_SHARE = 0.4;
const REGIONS = ['eastus', 'eastus2', 'westus2', 'westeurope', 'northeurope'] as const;
const REGION_TAG: Readonly<Record<(typeof REGIONS)[number], string>> = { eastus: 'EastUS', eastus2: 'EastUS2', westus2: 'WestUS2', westeurope: 'WestEurope', northeurope: 'NorthEurope' };

/** mulberry32: small, fast, good enough for test data, and the same everywhere. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Dice {
  constructor(private readonly next: () => number) {}
  chance(probability: number): boolean {
    return this.next() < probability;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
}

export function generateEstate(options: GenerateOptions): GeneratedEstate {
  return { resources: [...generateRows(options)], serviceTags: generatedServiceTags() };
}

/** The same rows as generateEstate, one at a time: a million-row estate is written without holding it. */
export function* generateRows(options: GenerateOptions): Generator<ResourceRow> {
  const total = Math.max(0, Math.floor(options.resources));
  const dice = new Dice(seededRandom(options.seed));
  const subscriptions = Array.from({ length: Math.max(2, Math.ceil(total / 5000)) }, (_, index) => guidFrom(`subscription-${options.seed}-${index}`));
  let count = 0;
  const mlBudget = Math.floor(total * ML_SHARE);
  for (let unit = 0; ; unit++) {
    const rows = mlUnit(unit, dice, subscriptions);
    if (count + rows.length > mlBudget) break;
    for (const row of rows) yield row;
    count += rows.length;
  }
  for (let index = 0; count < total; index++) {
    for (const row of unrelatedGroup(index, dice, subscriptions)) {
      if (count >= total) break;
      yield row;
      count++;
    }
  }
}

/** Writes a generated snapshot (shape 1) to `path` row by row; resolves with its size in bytes. */
export async function writeGeneratedSnapshot(path: string, options: GenerateOptions): Promise<number> {
  const out = createWriteStream(path);
  let bytes = 0;
  const write = async (text: string): Promise<void> => {
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  };
  await write('{"capturedAt":"2026-11-24T00:00:00.000Z","resources":[');
  let first = true;
  let pending: string[] = [];
  for (const row of generateRows(options)) {
    pending.push((first ? '' : ',') + JSON.stringify(row));
    first = false;
    if (pending.length === 1000) {
      await write(pending.join(''));
      pending = [];
    }
  }
  await write(`${pending.join('')}],"serviceTags":${JSON.stringify(generatedServiceTags())}}`);
  out.end();
  await once(out, 'finish');
  return bytes;
}

/** The sample's tags plus the regional entries of every generated region. */
function generatedServiceTags(): ServiceTagEntry[] {
  const tags = sampleServiceTags();
  const known = new Set(tags.map((tag) => tag.name.toLowerCase()));
  REGIONS.forEach((region, regionIndex) => {
    for (const [serviceIndex, service] of ['BatchNodeManagement', 'AzureMachineLearning', 'Storage', 'AzureContainerRegistry', 'MicrosoftContainerRegistry'].entries()) {
      const name = `${service}.${REGION_TAG[region]}`;
      if (known.has(name.toLowerCase())) continue;
      // 100.64.0.0/10 (shared address space) carved per region and service: well-formed, never real.
      tags.push({ name, id: name, properties: { region, systemService: service, addressPrefixes: [`100.${64 + regionIndex}.${serviceIndex * 16}.0/24`] } });
    }
  });
  return tags;
}

function nsgRules(dice: Dice, region: string, count: number, mistakes: boolean): SecurityRuleSpec[] {
  const tag = REGION_TAG[region as (typeof REGIONS)[number]] ?? 'EastUS';
  const rules: SecurityRuleSpec[] = [
    { name: 'AllowBatchNodeManagement', priority: 100, direction: 'Inbound', access: mistakes && dice.chance(0.3) ? 'Deny' : 'Allow', source: 'BatchNodeManagement', destinationPorts: '29876-29877' },
    { name: 'AllowAzureMachineLearning', priority: 110, direction: 'Inbound', access: 'Allow', source: 'AzureMachineLearning', destinationPorts: '44224' },
    { name: 'AllowStorageOut', priority: 100, direction: 'Outbound', access: 'Allow', destination: `Storage.${tag}`, destinationPorts: ['443', '445'] },
    { name: 'AllowAcrOut', priority: 110, direction: 'Outbound', access: 'Allow', destination: `AzureContainerRegistry.${tag}`, destinationPorts: '443' },
    { name: 'AllowAzureMLOut', priority: 120, direction: 'Outbound', access: 'Allow', destination: 'AzureMachineLearning', destinationPorts: '443' },
  ];
  if (mistakes && dice.chance(0.3)) rules.push({ name: 'AllowSshAnywhere', priority: 90, direction: 'Inbound', access: 'Allow', source: 'Internet', destinationPorts: '22' });
  const sources = ['10.0.0.0/8', '172.16.0.0/12', '192.168.10.0/24', 'VirtualNetwork', 'AzureLoadBalancer', 'Internet', '*', 'AzureMonitor', 'GatewayManager'];
  const ports = ['443', '80', '8080', '1433', '3389', '5671-5672', '8443', '9000-9100', '*', '6379'];
  let priority = 200;
  while (rules.length < count) {
    priority += dice.int(1, 40);
    const direction = dice.chance(0.6) ? 'Inbound' : 'Outbound';
    const peer = dice.pick(sources);
    rules.push({
      name: `rule-${direction === 'Inbound' ? 'in' : 'out'}-${priority}`,
      priority,
      direction,
      access: dice.chance(0.75) ? 'Allow' : 'Deny',
      protocol: dice.pick(['Tcp', 'Tcp', 'Udp', '*']),
      ...(direction === 'Inbound' ? { source: peer } : { destination: peer }),
      destinationPorts: dice.chance(0.2) ? [dice.pick(ports), dice.pick(ports)] : dice.pick(ports),
    });
  }
  if (dice.chance(0.4)) rules.push({ name: 'DenyInternetOutbound', priority: 4000, direction: 'Outbound', access: 'Deny', protocol: '*', destination: 'Internet' });
  return rules;
}

/** One workspace with its network and associated resources (~20–30 rows). */
function mlUnit(unit: number, dice: Dice, subscriptions: readonly string[]): ResourceRow[] {
  const region = dice.pick(REGIONS);
  const at: Placement = { subscription: subscriptions[unit % subscriptions.length] as string, resourceGroup: `rg-ml-${unit}`, location: region };
  const mistakes = dice.chance(0.35);
  const octet2 = unit % 250;
  const octet1 = 10 + Math.floor(unit / 250) % 100;
  const base = `${octet1}.${octet2}`;
  const vnetName = `vnet-ml-${unit}`;
  const vnetId = armId(at, 'Microsoft.Network', 'virtualNetworks', vnetName);
  const subnet = (name: string) => `${vnetId}/subnets/${name}`;
  const nsgTraining = armId(at, 'Microsoft.Network', 'networkSecurityGroups', `nsg-ml-${unit}-training`);
  const nsgAks = armId(at, 'Microsoft.Network', 'networkSecurityGroups', `nsg-ml-${unit}-aks`);
  const routes = armId(at, 'Microsoft.Network', 'routeTables', `rt-ml-${unit}`);
  const storage = armId(at, 'Microsoft.Storage', 'storageAccounts', `stml${unit}`);
  const vault = armId(at, 'Microsoft.KeyVault', 'vaults', `kv-ml-${unit}`);
  const registry = armId(at, 'Microsoft.ContainerRegistry', 'registries', `crml${unit}`);
  const registryEndpoint = armId(at, 'Microsoft.Network', 'privateEndpoints', `pe-crml${unit}`);
  const storageEndpoint = armId(at, 'Microsoft.Network', 'privateEndpoints', `pe-stml${unit}`);
  const withAks = dice.chance(0.4);
  const withVm = dice.chance(0.3);
  const forcedTunnel = dice.chance(0.25);
  const subnets: SubnetSpec[] = [
    { name: 'snet-training', prefix: `${base}.0.0/${mistakes && dice.chance(0.3) ? 28 : 22}`, nsgId: nsgTraining, ...(forcedTunnel ? { routeTableId: routes } : {}), serviceEndpoints: ['Microsoft.Storage', 'Microsoft.KeyVault'], ipConfigurations: dice.int(2, 40) },
    { name: 'snet-endpoints', prefix: `${base}.4.0/24`, ipConfigurations: 2 },
    { name: 'snet-aks', prefix: `${base}.8.0/22`, nsgId: nsgAks, serviceEndpoints: ['Microsoft.Storage'], ipConfigurations: withAks ? dice.int(3, 30) : 0 },
    { name: 'snet-vms', prefix: `${base}.12.0/24`, nsgId: nsgTraining, ipConfigurations: withVm ? 1 : 0 },
  ];
  const ws = workspace(
    at,
    `mlw-${unit}`,
    {
      storageAccountId: storage,
      keyVaultId: vault,
      containerRegistryId: registry,
      ...(mistakes && dice.chance(0.5) ? {} : { imageBuildCompute: 'cpu-cluster' }),
      principalId: guidFrom(`ws-principal-${unit}`),
    },
    { team: `team-${unit % 37}`, env: dice.pick(['dev', 'test', 'prod']) },
  );
  const rows: ResourceRow[] = [
    ws,
    virtualNetwork(at, vnetName, [`${base}.0.0/16`], subnets),
    networkSecurityGroup(at, `nsg-ml-${unit}-training`, nsgRules(dice, region, dice.int(20, 50), mistakes)),
    networkSecurityGroup(at, `nsg-ml-${unit}-aks`, nsgRules(dice, region, dice.int(20, 50), false)),
    storageAccount(at, `stml${unit}`, mistakes && dice.chance(0.4) ? {} : { defaultAction: 'Deny', bypass: 'AzureServices', subnetIds: [subnet('snet-training'), subnet('snet-aks')], privateEndpointIds: [storageEndpoint] }),
    keyVault(at, `kv-ml-${unit}`, { defaultAction: mistakes && dice.chance(0.4) ? 'Allow' : 'Deny', bypass: 'AzureServices', subnetIds: [subnet('snet-training')] }),
    containerRegistry(at, `crml${unit}`, { sku: mistakes && dice.chance(0.3) ? 'Basic' : 'Premium', defaultAction: 'Deny', privateEndpointIds: [registryEndpoint] }),
    privateEndpoint(at, `pe-crml${unit}`, { subnetId: subnet('snet-endpoints'), targetId: registry, groupId: 'registry' }),
    privateEndpoint(at, `pe-stml${unit}`, { subnetId: subnet('snet-endpoints'), targetId: storage, groupId: 'blob' }),
    amlCluster(ws, 'cpu-cluster', { subnetId: subnet('snet-training'), maxNodeCount: dice.int(2, 40), currentNodeCount: dice.int(0, 2) }),
    amlCluster(ws, 'gpu-cluster', { subnetId: subnet('snet-training'), maxNodeCount: dice.int(1, 8), currentNodeCount: 0, ...(dice.chance(0.2) ? { enableNodePublicIp: false } : {}) }),
  ];
  for (let instance = 0; instance < dice.int(1, 4); instance++) rows.push(computeInstance(ws, `ci-user-${unit}-${instance}`, { subnetId: subnet('snet-training') }));
  if (forcedTunnel) {
    rows.push(
      routeTable(at, `rt-ml-${unit}`, [
        { name: 'default-to-nva', addressPrefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIpAddress: '10.255.0.4' },
        ...(mistakes ? [] : [{ name: 'batch', addressPrefix: 'BatchNodeManagement', nextHopType: 'Internet' as const }, { name: 'aml', addressPrefix: 'AzureMachineLearning', nextHopType: 'Internet' as const }]),
      ]),
    );
  }
  if (withAks) {
    const principal = guidFrom(`aks-principal-${unit}`);
    const clusterId = armId(at, 'Microsoft.ContainerService', 'managedClusters', `aks-ml-${unit}`);
    const overlap = mistakes && dice.chance(0.4);
    rows.push(
      aksCluster(at, `aks-ml-${unit}`, {
        subnetId: subnet('snet-aks'),
        serviceCidr: overlap ? `${base}.8.0/24` : '10.254.0.0/16',
        dnsServiceIP: overlap ? `${base}.8.1` : '10.254.0.10',
        dockerBridgeCidr: '172.17.0.1/16',
        privateCluster: mistakes && dice.chance(0.2),
        principalId: principal,
      }),
      aksCompute(ws, `aks-${unit}`, { clusterId, loadBalancerType: dice.chance(0.5) ? 'InternalLoadBalancer' : 'PublicIp' }),
      roleAssignment(guidFrom(`ra-aks-${unit}`), { principalId: principal, role: mistakes ? 'Reader' : 'NetworkContributor', scope: `/subscriptions/${at.subscription}/resourceGroups/${at.resourceGroup}` }),
    );
  }
  if (withVm) {
    const vmId = armId(at, 'Microsoft.Compute', 'virtualMachines', `vm-ml-${unit}`);
    const nicId = armId(at, 'Microsoft.Network', 'networkInterfaces', `nic-vm-ml-${unit}`);
    const windows = mistakes && dice.chance(0.5);
    rows.push(
      networkInterface(at, `nic-vm-ml-${unit}`, { subnetId: subnet('snet-vms'), privateIp: `${base}.12.4`, vmId }),
      virtualMachine(at, `vm-ml-${unit}`, {
        nicId,
        osType: windows ? 'Windows' : 'Linux',
        image: windows ? { publisher: 'MicrosoftWindowsServer', offer: 'WindowsServer', sku: '2022-datacenter' } : { publisher: 'Canonical', offer: '0001-com-ubuntu-server-jammy', sku: '22_04-lts-gen2' },
      }),
      {
        id: `${ws.id}/computes/attached-vm`,
        name: 'attached-vm',
        type: 'microsoft.machinelearningservices/workspaces/computes',
        location: region,
        subscriptionId: at.subscription,
        resourceGroup: at.resourceGroup,
        properties: { computeType: 'VirtualMachine', resourceId: vmId, isAttachedCompute: true, properties: {} },
      },
    );
  }
  rows.push(roleAssignment(guidFrom(`ra-ws-${unit}`), { principalId: guidFrom(`ws-principal-${unit}`), role: 'Contributor', scope: `/subscriptions/${at.subscription}/resourceGroups/${at.resourceGroup}` }));
  return rows;
}

/** Web apps, disks, public IPs, plain VMs and storage that have nothing to do with Azure ML. */
function unrelatedGroup(index: number, dice: Dice, subscriptions: readonly string[]): ResourceRow[] {
  const region = dice.pick(REGIONS);
  const at: Placement = { subscription: subscriptions[index % subscriptions.length] as string, resourceGroup: `rg-app-${index % 900}`, location: region };
  const base = { location: region, subscriptionId: at.subscription, resourceGroup: at.resourceGroup, tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47', tags: { app: `app-${index % 311}` } };
  const kind = dice.int(0, 5);
  switch (kind) {
    case 0:
      return [
        { ...base, id: armId(at, 'Microsoft.Web', 'sites', `app-${index}`), name: `app-${index}`, type: 'microsoft.web/sites', kind: 'app,linux', properties: { state: 'Running', httpsOnly: true, serverFarmId: armId(at, 'Microsoft.Web', 'serverfarms', `plan-${index % 50}`) } },
        { ...base, id: armId(at, 'Microsoft.Insights', 'components', `appi-${index}`), name: `appi-${index}`, type: 'microsoft.insights/components', kind: 'web', properties: { Application_Type: 'web', RetentionInDays: 90 } },
      ];
    case 1:
      return [
        { ...base, id: armId(at, 'Microsoft.Compute', 'disks', `disk-${index}`), name: `disk-${index}`, type: 'microsoft.compute/disks', sku: { name: 'Premium_LRS', tier: 'Premium' }, properties: { diskSizeGB: dice.pick([32, 64, 128, 256]), diskState: 'Attached', osType: 'Linux' } },
        { ...base, id: armId(at, 'Microsoft.Network', 'publicIPAddresses', `pip-${index}`), name: `pip-${index}`, type: 'microsoft.network/publicipaddresses', sku: { name: 'Standard' }, properties: { publicIPAllocationMethod: 'Static', ipAddress: `203.0.113.${index % 250}` } },
      ];
    case 2: {
      const vnetId = armId(at, 'Microsoft.Network', 'virtualNetworks', `vnet-app-${index}`);
      const nicId = armId(at, 'Microsoft.Network', 'networkInterfaces', `nic-app-${index}`);
      const vmId = armId(at, 'Microsoft.Compute', 'virtualMachines', `vm-app-${index}`);
      return [
        virtualNetwork(at, `vnet-app-${index}`, ['192.168.0.0/16'], [{ name: 'default', prefix: '192.168.0.0/24', ipConfigurations: 1 }]),
        networkInterface(at, `nic-app-${index}`, { subnetId: `${vnetId}/subnets/default`, privateIp: '192.168.0.4', vmId }),
        virtualMachine(at, `vm-app-${index}`, { nicId, osType: 'Linux', image: { publisher: 'Canonical', offer: '0001-com-ubuntu-server-jammy', sku: '22_04-lts-gen2' } }),
      ];
    }
    case 3:
      return [storageAccount(at, `stapp${index}`, dice.chance(0.5) ? {} : { defaultAction: 'Deny', bypass: 'AzureServices' })];
    case 4:
      return [networkSecurityGroup(at, `nsg-app-${index}`, nsgRules(dice, region, dice.int(5, 20), false))];
    default:
      return [
        { ...base, id: armId(at, 'Microsoft.Sql', 'servers', `sql-${index}`), name: `sql-${index}`, type: 'microsoft.sql/servers', kind: 'v12.0', properties: { version: '12.0', publicNetworkAccess: 'Disabled', minimalTlsVersion: '1.2' } },
        { ...base, id: `${armId(at, 'Microsoft.Sql', 'servers', `sql-${index}`)}/databases/db`, name: `sql-${index}/db`, type: 'microsoft.sql/servers/databases', sku: { name: 'GP_Gen5_2' }, properties: { status: 'Online' } },
      ];
  }
}
