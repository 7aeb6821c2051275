/**
 * The bench builders' call convention (a placement first, then the name) over the one set of row
 * factories, test/support/arm.ts: the sample estate (bench/sample-estate.ts) and the generator
 * (bench/generate.ts) describe estates compactly this way. No row shape is written here.
 */
import type { ResourceRow } from '../src/inventory/types';
import * as arm from '../test/support/arm';
import type { FirewallSpec as ArmFirewallSpec, NsgRuleSpec, RouteSpec as ArmRouteSpec } from '../test/support/arm';

export { guidFrom, serviceTag, TENANT } from '../test/support/arm';

export interface Placement {
  readonly subscription: string;
  readonly resourceGroup: string;
  readonly location: string;
}

export const ROLE_DEFINITION = arm.ROLE;

export type SecurityRuleSpec = NsgRuleSpec;

export interface SubnetSpec {
  readonly name: string;
  readonly prefix: string;
  readonly nsgId?: string;
  readonly routeTableId?: string;
  readonly serviceEndpoints?: readonly string[];
  readonly delegations?: readonly string[];
  /** Allocated addresses (ipConfigurations). */
  readonly ipConfigurations?: number;
  readonly natGatewayId?: string;
  readonly defaultOutboundAccess?: boolean;
}

export type RouteSpec = ArmRouteSpec;
export type FirewallSpec = Omit<ArmFirewallSpec, 'name'>;

export interface WorkspaceSpec {
  readonly storageAccountId: string;
  readonly keyVaultId: string;
  readonly containerRegistryId?: string;
  readonly imageBuildCompute?: string;
  readonly edition?: 'Basic' | 'Enterprise';
  readonly privateEndpointIds?: readonly string[];
  readonly sharedPrivateLinkResources?: readonly { name: string; privateLinkResourceId: string; groupId: string }[];
  readonly principalId: string;
  readonly serverlessCompute?: { subnetId?: string; noPublicIp?: boolean };
}

export function armId(at: Placement, provider: string, type: string, name: string): string {
  return arm.resourceId(provider, type, name, at);
}

const tagged = (at: Placement, tags: Record<string, string> | undefined): arm.Placement => (tags === undefined ? at : { ...at, tags });

export function virtualNetwork(at: Placement, name: string, addressPrefixes: readonly string[], subnets: readonly SubnetSpec[], tags?: Record<string, string>, dnsServers?: readonly string[]): ResourceRow {
  return arm.vnet({
    ...tagged(at, tags),
    name,
    addressPrefixes,
    ...(dnsServers !== undefined ? { dnsServers } : {}),
    subnets: subnets.map(({ prefix, ipConfigurations, ...subnet }) => ({ ...subnet, addressPrefix: prefix, ...(ipConfigurations !== undefined ? { ipConfigurationCount: ipConfigurations } : {}) })),
  });
}

export function networkSecurityGroup(at: Placement, name: string, rules: readonly SecurityRuleSpec[]): ResourceRow {
  return arm.nsg({ ...at, name, rules });
}

export function routeTable(at: Placement, name: string, routes: readonly RouteSpec[]): ResourceRow {
  return arm.routeTable({ ...at, name, routes });
}

export function networkInterface(at: Placement, name: string, spec: { subnetId: string; privateIp: string; nsgId?: string; vmId?: string }): ResourceRow {
  return arm.networkInterface({ ...at, name, ...spec });
}

export function privateEndpoint(at: Placement, name: string, spec: { subnetId: string; targetId: string; groupId: string }): ResourceRow {
  return arm.privateEndpoint({ ...at, name, ...spec });
}

export function privateDnsZone(at: Placement, name: string): ResourceRow {
  return arm.privateDnsZone({ ...at, name });
}

/** A link of the zone to each VNet named. */
export function privateDnsZoneLinks(zoneRow: ResourceRow, vnetIds: readonly string[]): ResourceRow[] {
  return vnetIds.map((vnetId) => arm.privateDnsZoneLink(zoneRow, { name: `link-${vnetId.split('/').pop() ?? ''}`, vnetId }));
}

export function storageAccount(at: Placement, name: string, spec: FirewallSpec & { isHnsEnabled?: boolean }, tags?: Record<string, string>): ResourceRow {
  return arm.storageAccount({ ...tagged(at, tags), name, ...spec });
}

export function keyVault(at: Placement, name: string, spec: FirewallSpec): ResourceRow {
  return arm.keyVault({ ...at, name, ...spec });
}

export function containerRegistry(at: Placement, name: string, spec: FirewallSpec & { sku: 'Basic' | 'Standard' | 'Premium' }): ResourceRow {
  return arm.containerRegistry({ ...at, name, ...spec });
}

export function workspace(at: Placement, name: string, spec: WorkspaceSpec, tags?: Record<string, string>): ResourceRow {
  return arm.workspace({ ...tagged(at, tags), name, ...spec });
}

export function amlCluster(workspaceRow: ResourceRow, name: string, spec: { subnetId?: string; maxNodeCount: number; currentNodeCount: number; enableNodePublicIp?: boolean }): ResourceRow {
  return arm.amlCluster(workspaceRow, { name, ...spec });
}

export function computeInstance(workspaceRow: ResourceRow, name: string, spec: { subnetId?: string; enableNodePublicIp?: boolean }): ResourceRow {
  return arm.computeInstance(workspaceRow, { name, ...spec });
}

export function aksCompute(workspaceRow: ResourceRow, name: string, spec: { clusterId: string; loadBalancerType: 'PublicIp' | 'InternalLoadBalancer' }): ResourceRow {
  return arm.aksCompute(workspaceRow, { name, ...spec });
}

export function attachedCompute(workspaceRow: ResourceRow, name: string, computeType: 'VirtualMachine' | 'HDInsight' | 'Databricks', resourceId: string): ResourceRow {
  return arm.attachedCompute(workspaceRow, { name, computeType, resourceId });
}

export function aksCluster(
  at: Placement,
  name: string,
  spec: { subnetId: string; serviceCidr: string; dnsServiceIP: string; dockerBridgeCidr?: string; privateCluster: boolean; principalId: string },
): ResourceRow {
  const { subnetId, ...rest } = spec;
  return arm.aksCluster({ ...at, name, subnetIds: [subnetId], ...rest });
}

export function virtualMachine(at: Placement, name: string, spec: { nicId: string; image: { publisher: string; offer: string; sku: string }; osType: 'Linux' | 'Windows' }): ResourceRow {
  return arm.virtualMachine({ ...at, name, nicIds: [spec.nicId], image: spec.image, osType: spec.osType });
}

export function hdInsightCluster(at: Placement, name: string, spec: { vnetId: string; subnetId: string }): ResourceRow {
  return arm.hdInsightCluster({ ...at, name, ...spec });
}

export function databricksWorkspace(at: Placement, name: string, spec: { vnetId: string; publicSubnetName: string; privateSubnetName: string }): ResourceRow {
  return arm.databricksWorkspace({ ...at, name, ...spec, noPublicIp: true });
}

export function roleAssignment(name: string, spec: { principalId: string; role: keyof typeof ROLE_DEFINITION; scope: string }): ResourceRow {
  return arm.roleAssignment({ name, ...spec });
}

export function containerGroup(at: Placement, name: string, subnetIds: readonly string[]): ResourceRow {
  return arm.containerGroup({ ...at, name, subnetIds });
}

/** A classic firewall whose application rule collections each allow HTTPS to some FQDNs from 10.0.0.0/8. */
export function azureFirewall(at: Placement, name: string, spec: { privateIp: string; subnetId: string; collections: readonly { name: string; fqdns: readonly string[] }[] }): ResourceRow {
  return arm.azureFirewall({
    ...at,
    name,
    privateIp: spec.privateIp,
    subnetId: spec.subnetId,
    applicationRuleCollections: spec.collections.map((collection, index) => ({
      name: collection.name,
      priority: 100 + index * 10,
      rules: [{ name: `${collection.name}-rule`, sourceAddresses: ['10.0.0.0/8'], targetFqdns: collection.fqdns }],
    })),
  });
}
