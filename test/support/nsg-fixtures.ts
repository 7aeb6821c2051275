/**
 * Fixtures shared by the nsg, route and firewall rule tests: the compliant scenario with its
 * service tags, and the usual variations of it (one change each).
 */
import type { Estate } from '../../src/estate';
import type { ResourceRow } from '../../src/inventory/types';
import { amlCluster, attachedCompute, computeInstance, estateOf, hdInsightCluster, networkInterface, nsg, nsgId, resourceId, routeTable, routeTableId, virtualMachine, vnet, workspace } from './arm';
import type { NsgRuleSpec, RouteSpec } from './arm';
import { compliantRows, ids, restrictedOutboundRules, serviceTags, trainingInboundRules, withRow } from './scenario';
import type { ScenarioOptions } from './scenario';

export { ids, restrictedOutboundRules, serviceTags, trainingInboundRules };

/** The compliant estate, with service-tag data unless `tags` is false. */
export function scenarioEstate(options: ScenarioOptions = {}, tags = true): Estate {
  return estateOf(compliantRows(options), tags ? serviceTags : undefined);
}

/** Rows of the scenario with extra rows appended or replacing theirs. */
export function rowsWith(options: ScenarioOptions, ...rows: readonly ResourceRow[]): ResourceRow[] {
  return rows.reduce<ResourceRow[]>((all, row) => withRow(all, row), compliantRows(options));
}

/** The scenario's workspace row (same ID, so computes built on it belong to it). */
export function scenarioWorkspace(): ResourceRow {
  const row = compliantRows().find((candidate) => candidate.id === ids.workspace);
  if (!row) throw new Error('the scenario has no workspace');
  return row;
}

/** The scenario's training NSG with other rules. */
export function trainingNsg(rules: readonly NsgRuleSpec[], withDefaultRules = true): ResourceRow {
  return nsg({ name: 'nsg-training', rules, withDefaultRules });
}

/** Training inbound rules followed by the restricted outbound rules (a locked-down training subnet). */
export function restrictedTrainingRules(outbound: readonly NsgRuleSpec[] = restrictedOutboundRules): NsgRuleSpec[] {
  return [...trainingInboundRules, ...outbound];
}

/** The restricted outbound rules without the one named. */
export function outboundWithout(name: string): NsgRuleSpec[] {
  return restrictedOutboundRules.filter((rule) => rule.name !== name);
}

/** A second workspace in another region whose cluster shares the training subnet. */
export function westEuropeWorkspaceRows(): ResourceRow[] {
  const ws = workspace({ name: 'ws-weu', location: 'westeurope' });
  return [ws, amlCluster(ws, { name: 'weu-cluster', subnetId: ids.trainingSubnet })];
}

/** A workspace whose cluster and instance sit in a subnet of a VNet the inventory lacks. */
export function orphanSubnetRows(): { rows: ResourceRow[]; subnetId: string } {
  const subnetId = `${resourceId('Microsoft.Network', 'virtualNetworks', 'vnet-elsewhere')}/subnets/training`;
  const ws = scenarioWorkspace();
  return { rows: [amlCluster(ws, { name: 'orphan-cluster', subnetId }), computeInstance(ws, { name: 'orphan-ci', subnetId })], subnetId };
}

/** The scenario's VNet with the training subnet changed (other subnets as the scenario has them). */
export function scenarioVnet(training: { nsgId?: string; routeTableId?: string; addressPrefix?: string } = {}): ResourceRow {
  return vnet({
    name: 'vnet-ml',
    addressPrefixes: ['10.0.0.0/16'],
    subnets: [
      {
        name: 'training',
        addressPrefix: training.addressPrefix ?? '10.0.1.0/24',
        ...('nsgId' in training ? (training.nsgId !== undefined ? { nsgId: training.nsgId } : {}) : { nsgId: ids.trainingNsg }),
        ...(training.routeTableId !== undefined ? { routeTableId: training.routeTableId } : {}),
        serviceEndpoints: ['Microsoft.Storage', 'Microsoft.KeyVault'],
        ipConfigurationCount: 3,
      },
      { name: 'aks', addressPrefix: '10.0.4.0/22', nsgId: ids.aksNsg, serviceEndpoints: ['Microsoft.Storage'], ipConfigurationCount: 3 },
      { name: 'endpoints', addressPrefix: '10.0.2.0/24', ipConfigurationCount: 1 },
    ],
  });
}

/** The scenario's cluster and instance rebuilt with node public IPs switched off. */
export function privateNodeRows(): ResourceRow[] {
  const ws = scenarioWorkspace();
  return [
    amlCluster(ws, { name: 'cpu-cluster', subnetId: ids.trainingSubnet, maxNodeCount: 4, currentNodeCount: 1, enableNodePublicIp: false }),
    computeInstance(ws, { name: 'ci-alice', subnetId: ids.trainingSubnet, enableNodePublicIp: false }),
  ];
}

// ---------- attached VM and HDInsight cluster (001, "Use a virtual machine or HDInsight cluster") ----------

const vmVnetId = resourceId('Microsoft.Network', 'virtualNetworks', 'vnet-attached');

export const attachedIds = {
  vnet: vmVnetId,
  vmSubnet: `${vmVnetId}/subnets/vms`,
  hdiSubnet: `${vmVnetId}/subnets/hdi`,
  vmNsg: nsgId('nsg-vms'),
  nicNsg: nsgId('nsg-nic-dsvm'),
  hdiNsg: nsgId('nsg-hdi'),
  nic: resourceId('Microsoft.Network', 'networkInterfaces', 'nic-dsvm'),
  vm: resourceId('Microsoft.Compute', 'virtualMachines', 'dsvm'),
  hdi: resourceId('Microsoft.HDInsight', 'clusters', 'hdi-ml'),
  vmCompute: `${ids.workspace}/computes/dsvm`,
  hdiCompute: `${ids.workspace}/computes/hdi`,
} as const;

/** Inbound SSH from AzureMachineLearning, as the seed shows it (protocol Any, destination Any). */
export const sshFromAml: NsgRuleSpec = { name: 'AllowAmlSsh', priority: 100, direction: 'Inbound', access: 'Allow', protocol: '*', source: 'AzureMachineLearning', destinationPorts: '22' };

export interface AttachedOptions {
  /** Rules of each NSG; null leaves the NSG out of the path (no association). */
  readonly vmSubnetRules?: readonly NsgRuleSpec[] | null;
  readonly nicRules?: readonly NsgRuleSpec[] | null;
  readonly hdiRules?: readonly NsgRuleSpec[] | null;
}

/** An attached VM (one NIC) and an HDInsight cluster in their own VNet, attached to the scenario workspace. */
export function attachedRows(options: AttachedOptions = {}): ResourceRow[] {
  const vmSubnetRules = options.vmSubnetRules === undefined ? [sshFromAml] : options.vmSubnetRules;
  const nicRules = options.nicRules === undefined ? [sshFromAml] : options.nicRules;
  const hdiRules = options.hdiRules === undefined ? [sshFromAml] : options.hdiRules;
  const ws = scenarioWorkspace();
  const rows: ResourceRow[] = [
    vnet({
      name: 'vnet-attached',
      addressPrefixes: ['10.1.0.0/16'],
      subnets: [
        { name: 'vms', addressPrefix: '10.1.1.0/24', ...(vmSubnetRules !== null ? { nsgId: attachedIds.vmNsg } : {}), ipConfigurationCount: 1 },
        { name: 'hdi', addressPrefix: '10.1.2.0/24', ...(hdiRules !== null ? { nsgId: attachedIds.hdiNsg } : {}), ipConfigurationCount: 4 },
      ],
    }),
    networkInterface({ name: 'nic-dsvm', subnetId: attachedIds.vmSubnet, vmId: attachedIds.vm, privateIp: '10.1.1.4', ...(nicRules !== null ? { nsgId: attachedIds.nicNsg } : {}) }),
    virtualMachine({ name: 'dsvm', nicIds: [attachedIds.nic] }),
    hdInsightCluster({ name: 'hdi-ml', vnetId: vmVnetId, subnetId: attachedIds.hdiSubnet }),
    attachedCompute(ws, { name: 'dsvm', computeType: 'VirtualMachine', resourceId: attachedIds.vm }),
    attachedCompute(ws, { name: 'hdi', computeType: 'HDInsight', resourceId: attachedIds.hdi }),
  ];
  if (vmSubnetRules !== null) rows.push(nsg({ name: 'nsg-vms', rules: vmSubnetRules }));
  if (nicRules !== null) rows.push(nsg({ name: 'nsg-nic-dsvm', rules: nicRules }));
  if (hdiRules !== null) rows.push(nsg({ name: 'nsg-hdi', rules: hdiRules }));
  return rows;
}

/** The compliant scenario plus the attached VM and HDInsight cluster, with service tags. */
export function attachedEstate(options: AttachedOptions = {}, scenario: ScenarioOptions = {}, tags = true): Estate {
  return estateOf([...compliantRows(scenario), ...attachedRows(options)], tags ? serviceTags : undefined);
}

// ---------- forced tunneling (001, "User-defined routes for forced tunneling") ----------

export const trainingRouteTableId = routeTableId('rt-training');

/** The 0.0.0.0/0 route to a firewall appliance. */
export const forcedTunnel: RouteSpec = { name: 'ForcedTunnel', addressPrefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIpAddress: '10.0.100.4' };

/** Routes the seed asks for, naming the regional service tags. */
export const batchTagRoutes: readonly RouteSpec[] = [
  { name: 'BatchNodeManagement', addressPrefix: 'BatchNodeManagement.EastUS', nextHopType: 'Internet' },
  { name: 'AzureMachineLearning', addressPrefix: 'AzureMachineLearning.EastUS', nextHopType: 'Internet' },
];

/** The scenario with a route table on the training subnet. */
export function routedRows(routes: readonly RouteSpec[], scenario: ScenarioOptions = {}): ResourceRow[] {
  return rowsWith(scenario, scenarioVnet({ routeTableId: trainingRouteTableId }), routeTable({ name: 'rt-training', routes }));
}

/** The scenario rows with the AKS subnet's NSG association removed (the NSG row stays). */
export function aksSubnetWithoutNsgRows(rows: readonly ResourceRow[] = compliantRows()): ResourceRow[] {
  return rows.map((row) => {
    if (row.id !== ids.vnet) return row;
    const properties = row.properties as { subnets: { name: string; properties: Record<string, unknown> }[] };
    const subnets = properties.subnets.map((subnet) => {
      if (subnet.name !== 'aks') return subnet;
      const { networkSecurityGroup: _dropped, ...rest } = subnet.properties;
      return { ...subnet, properties: rest };
    });
    return { ...row, properties: { ...properties, subnets } };
  });
}
