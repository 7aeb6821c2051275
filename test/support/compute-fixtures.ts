/**
 * Variations of the compliant scenario for the compute, AKS, ACI, Databricks and VM rule tests:
 * each helper changes one thing of test/support/scenario.ts.
 */
import type { ResourceRow } from '../../src/inventory/types';
import { aksCluster, aksCompute, attachedCompute, databricksWorkspace, networkInterface, resourceId, virtualMachine, vnet, workspace } from './arm';
import type { SubnetSpec } from './arm';
import { compliantRows, ids, withRow } from './scenario';

export type AksClusterSpec = Parameters<typeof aksCluster>[0];
export type AksComputeSpec = Parameters<typeof aksCompute>[1];

/** The scenario's AKS cluster, as compliantRows() writes it. */
export const compliantAksSpec: AksClusterSpec = {
  name: 'aks-ml',
  subnetIds: [ids.aksSubnet],
  serviceCidr: '10.2.0.0/16',
  dnsServiceIP: '10.2.0.10',
  dockerBridgeCidr: '172.17.0.1/16',
  privateCluster: false,
  principalId: ids.aksPrincipal,
};

/** The compliant estate with the AKS cluster row changed. */
export function withAks(changes: Partial<AksClusterSpec>, rows: readonly ResourceRow[] = compliantRows()): ResourceRow[] {
  return withRow(rows, aksCluster({ ...compliantAksSpec, ...changes }));
}

/** The compliant estate with the AKS compute row changed. */
export function withAksCompute(changes: Partial<AksComputeSpec>, rows: readonly ResourceRow[] = compliantRows()): ResourceRow[] {
  const ws = rows.find((row) => row.id === ids.workspace) as ResourceRow;
  return withRow(rows, aksCompute(ws, { name: 'aks-inference', clusterId: ids.aksCluster, loadBalancerType: 'InternalLoadBalancer', ...changes }));
}

/** The scenario's VNet with its three subnets, plus or instead of some. */
export const compliantSubnets: readonly SubnetSpec[] = [
  { name: 'training', addressPrefix: '10.0.1.0/24', nsgId: ids.trainingNsg, serviceEndpoints: ['Microsoft.Storage', 'Microsoft.KeyVault'], ipConfigurationCount: 3 },
  { name: 'aks', addressPrefix: '10.0.4.0/22', nsgId: ids.aksNsg, serviceEndpoints: ['Microsoft.Storage'], ipConfigurationCount: 3 },
  { name: 'endpoints', addressPrefix: '10.0.2.0/24', ipConfigurationCount: 1 },
];

export function withVnet(
  changes: { subnets?: readonly SubnetSpec[]; location?: string; addressPrefixes?: readonly string[] },
  rows: readonly ResourceRow[] = compliantRows(),
): ResourceRow[] {
  return withRow(rows, vnet({ name: 'vnet-ml', addressPrefixes: changes.addressPrefixes ?? ['10.0.0.0/16'], subnets: changes.subnets ?? compliantSubnets, ...(changes.location ? { location: changes.location } : {}) }));
}

/** A subnet spec of the scenario, changed. */
export function subnetSpec(name: 'training' | 'aks' | 'endpoints', changes: Partial<SubnetSpec>): SubnetSpec {
  const base = compliantSubnets.find((subnet) => subnet.name === name) as SubnetSpec;
  return { ...base, ...changes };
}

export function replaceSubnet(name: 'training' | 'aks' | 'endpoints', changes: Partial<SubnetSpec>): SubnetSpec[] {
  return compliantSubnets.map((subnet) => (subnet.name === name ? { ...subnet, ...changes } : subnet));
}

// ---------- attached VM and Databricks ----------

export const attachedIds = {
  vm: resourceId('Microsoft.Compute', 'virtualMachines', 'vm-dsvm'),
  vmNic: resourceId('Microsoft.Network', 'networkInterfaces', 'nic-dsvm'),
  vmCompute: `${ids.workspace}/computes/dsvm`,
  databricks: resourceId('Microsoft.Databricks', 'workspaces', 'dbw-ml'),
  databricksCompute: `${ids.workspace}/computes/databricks`,
  databricksVnet: resourceId('Microsoft.Network', 'virtualNetworks', 'vnet-dbw'),
} as const;

export type VmSpec = Parameters<typeof virtualMachine>[0];

/** The compliant estate plus an attached Ubuntu VM (or the VM described by `changes`). */
export function withAttachedVm(changes: Partial<VmSpec> = {}, rows: readonly ResourceRow[] = compliantRows()): ResourceRow[] {
  const ws = rows.find((row) => row.id === ids.workspace) as ResourceRow;
  return [
    ...rows,
    networkInterface({ name: 'nic-dsvm', subnetId: ids.trainingSubnet, vmId: attachedIds.vm, privateIp: '10.0.1.20' }),
    virtualMachine({ name: 'vm-dsvm', nicIds: [attachedIds.vmNic], ...changes }),
    attachedCompute(ws, { name: 'dsvm', computeType: 'VirtualMachine', resourceId: attachedIds.vm }),
  ];
}

export interface DatabricksOptions {
  /** Placement of the Databricks VNet. */
  readonly vnetSubscription?: string;
  readonly vnetLocation?: string;
  /** Subnets of the Databricks VNet; default: default, databricks-public, databricks-private. */
  readonly subnets?: readonly SubnetSpec[];
  /** Leave the VNet row out of the inventory. */
  readonly withoutVnet?: boolean;
  /** Databricks without VNet injection. */
  readonly noVnetInjection?: boolean;
  readonly publicSubnetName?: string;
  readonly privateSubnetName?: string;
}

export const databricksSubnets: readonly SubnetSpec[] = [
  { name: 'default', addressPrefix: '10.20.0.0/24' },
  { name: 'databricks-public', addressPrefix: '10.20.1.0/24', delegations: ['Microsoft.Databricks/workspaces'] },
  { name: 'databricks-private', addressPrefix: '10.20.2.0/24', delegations: ['Microsoft.Databricks/workspaces'] },
];

/** The compliant estate plus a VNet-injected Databricks workspace attached to ws-ml. */
export function withDatabricks(options: DatabricksOptions = {}, rows: readonly ResourceRow[] = compliantRows()): ResourceRow[] {
  const ws = rows.find((row) => row.id === ids.workspace) as ResourceRow;
  const placement = { ...(options.vnetSubscription ? { subscription: options.vnetSubscription } : {}), ...(options.vnetLocation ? { location: options.vnetLocation } : {}) };
  const network = vnet({ name: 'vnet-dbw', addressPrefixes: ['10.20.0.0/16'], subnets: options.subnets ?? databricksSubnets, ...placement });
  return [
    ...rows,
    ...(options.withoutVnet ? [] : [network]),
    databricksWorkspace({
      name: 'dbw-ml',
      ...(options.noVnetInjection
        ? {}
        : {
            vnetId: network.id,
            publicSubnetName: options.publicSubnetName ?? 'databricks-public',
            privateSubnetName: options.privateSubnetName ?? 'databricks-private',
          }),
    }),
    attachedCompute(ws, { name: 'databricks', computeType: 'Databricks', resourceId: attachedIds.databricks }),
  ];
}

/** A second workspace (in another region or subscription) that attaches the same resource. */
export function secondWorkspace(placement: { location?: string; subscription?: string } = {}): ResourceRow {
  return workspace({ name: 'ws-ml-2', ...placement });
}
