/**
 * Fixtures shared by the nsg, route and firewall rule tests: the compliant scenario with its
 * service tags, and the usual variations of it (one change each).
 */
import type { Estate } from '../../src/estate';
import type { ResourceRow } from '../../src/inventory/types';
import { amlCluster, computeInstance, estateOf, nsg, resourceId, vnet, workspace } from './arm';
import type { NsgRuleSpec } from './arm';
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
