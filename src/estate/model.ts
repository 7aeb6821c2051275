import type { InventoryGap } from '../core/types';
import type { ResourceRow } from '../inventory/types';
import type { FirewallPolicyRules, FirewallRuleCollectionGroup, ParsedNsg, ParsedRouteTable, ServiceTagIndex } from '../network';
import type { MalformedRow } from './shape';
export type { MalformedRow } from './shape';

/**
 * The estate: a read-only indexed graph built once per audit (docs/ARCHITECTURE.md). Each view below is a
 * typed, validated reading of one Resource Graph row. A property that is missing or malformed
 * in the row is `undefined` here (never a guess), so rules can answer `unknown` with a reason.
 * IDs are kept as written; every lookup is case-insensitive.
 */

export interface ResourceView {
  /** As written in the inventory. */
  readonly id: string;
  /** Case-folded ID (src/core/ids.ts idKey): the index key. */
  readonly key: string;
  readonly name: string;
  /** Lowercased. */
  readonly type: string;
  /** Region key ("eastus2"), see regionKey(). */
  readonly location: string | undefined;
  /** Lowercased subscription GUID, from the row or the ID. */
  readonly subscriptionId: string | undefined;
  readonly resourceGroup: string | undefined;
  readonly raw: ResourceRow;
}

export interface PrivateEndpointConnection {
  readonly privateEndpointId: string | undefined;
  /** Approved, Pending, Rejected, Disconnected (as written). */
  readonly status: string | undefined;
}

export interface SharedPrivateLinkResource {
  readonly name: string | undefined;
  readonly privateLinkResourceId: string | undefined;
  readonly groupId: string | undefined;
  readonly status: string | undefined;
}

/**
 * A property as written in a row, absent (not written, or null: Azure's default applies) told
 * apart from malformed (written, but not of the type Azure defines; `written` shows it, cut short):
 * what rules need where a view's plain value would read both as undefined.
 */
export type Reading<T> = { readonly kind: 'absent' } | { readonly kind: 'value'; readonly value: T } | { readonly kind: 'malformed'; readonly written: string };

export interface Workspace extends ResourceView {
  readonly storageAccountId: string | undefined;
  readonly keyVaultId: string | undefined;
  readonly containerRegistryId: string | undefined;
  /** Name of the cluster used to build images (properties.imageBuildCompute). */
  readonly imageBuildCompute: string | undefined;
  /** properties.imageBuildCompute as written ("" counts as absent: unset). */
  readonly imageBuildComputeReading: Reading<string>;
  /** sku.name: Basic or Enterprise (the old editions). */
  readonly edition: string | undefined;
  /** True when the workspace has an approved private endpoint connection (a private-link workspace). */
  readonly privateLink: boolean;
  readonly privateEndpointConnections: readonly PrivateEndpointConnection[];
  readonly sharedPrivateLinkResources: readonly SharedPrivateLinkResource[];
  /** properties.serverlessComputeSettings; undefined when absent (serverless compute runs outside the customer's VNet). */
  readonly serverlessCompute: ServerlessComputeSettings | undefined;
}

export interface ServerlessComputeSettings {
  /** serverlessComputeCustomSubnet: the subnet serverless nodes are deployed in. */
  readonly subnetId: string | undefined;
  /** serverlessComputeNoPublicIP as written; undefined when absent (nodes get a public IP). */
  readonly noPublicIp: boolean | undefined;
}

export type ComputeType = 'AmlCompute' | 'ComputeInstance' | 'AKS' | 'VirtualMachine' | 'HDInsight' | 'Databricks' | 'Other';

export interface AksNetworkingConfiguration {
  readonly subnetId: string | undefined;
  readonly serviceCidr: string | undefined;
  readonly dnsServiceIP: string | undefined;
  readonly dockerBridgeCidr: string | undefined;
}

export interface Compute extends ResourceView {
  /** The parent workspace ID, as written in the compute's ID. */
  readonly workspaceId: string;
  readonly computeType: ComputeType;
  /** properties.computeType as written (for messages when it is 'Other'). */
  readonly computeTypeRaw: string | undefined;
  /** Attached resource (AKS cluster, VM, HDInsight cluster, Databricks workspace): properties.resourceId. */
  readonly attachedResourceId: string | undefined;
  /** Clusters and instances: properties.properties.subnet.id. */
  readonly subnetId: string | undefined;
  /** properties.properties.enableNodePublicIp; undefined when absent (Azure's default is true). */
  readonly enableNodePublicIp: boolean | undefined;
  /** Clusters: properties.properties.scaleSettings.maxNodeCount / currentNodeCount. */
  readonly maxNodeCount: number | undefined;
  readonly currentNodeCount: number | undefined;
  /** AKS computes: properties.properties.loadBalancerType (PublicIp, InternalLoadBalancer). */
  readonly loadBalancerType: string | undefined;
  /** AKS computes: properties.properties.aksNetworkingConfiguration. */
  readonly aksNetworking: AksNetworkingConfiguration | undefined;
}

export interface VirtualNetwork extends ResourceView {
  readonly addressPrefixes: readonly string[];
  readonly subnetKeys: readonly string[];
  /**
   * properties.dhcpOptions.dnsServers: empty when the VNet uses Azure-provided DNS (where private
   * DNS zones linked to it answer), else the custom DNS servers it sends every query to.
   */
  readonly dnsServers: readonly string[];
}

export interface Subnet extends ResourceView {
  readonly vnetId: string;
  /** addressPrefix and addressPrefixes merged. */
  readonly addressPrefixes: readonly string[];
  readonly nsgId: string | undefined;
  readonly routeTableId: string | undefined;
  /** Service names of serviceEndpoints (Microsoft.Storage, Microsoft.KeyVault…), as written. */
  readonly serviceEndpoints: readonly string[];
  /** serviceName of each delegation (Microsoft.ContainerInstance/containerGroups…), as written. */
  readonly delegations: readonly string[];
  /** Count of properties.ipConfigurations; undefined when absent. */
  readonly ipConfigurationCount: number | undefined;
  /** properties.natGateway.id; undefined when the subnet has no NAT gateway. */
  readonly natGatewayId: string | undefined;
  /**
   * properties.defaultOutboundAccess as written; undefined when absent (subnets created before
   * Azure's private-subnet default have default outbound access).
   */
  readonly defaultOutboundAccess: boolean | undefined;
}

export interface NetworkSecurityGroup extends ResourceView {
  readonly parsed: ParsedNsg;
}

export interface RouteTable extends ResourceView {
  readonly parsed: ParsedRouteTable;
}

export interface NetworkInterface extends ResourceView {
  readonly subnetIds: readonly string[];
  readonly nsgId: string | undefined;
  readonly virtualMachineId: string | undefined;
  readonly privateIpAddresses: readonly string[];
}

export interface VirtualNetworkRule {
  readonly subnetId: string;
  /** Allow unless written otherwise. */
  readonly action: string | undefined;
}

/** Storage accounts, key vaults and registries share the notions "secured" and "reachable". */
export interface FirewalledResource extends ResourceView {
  /** networkAcls.defaultAction (registry: networkRuleSet.defaultAction); undefined when absent (Azure's default Allow). */
  readonly defaultAction: string | undefined;
  /** properties.publicNetworkAccess as written (Enabled, Disabled…). */
  readonly publicNetworkAccess: string | undefined;
  /** networkAcls.bypass as written ("AzureServices", "Logging, Metrics, AzureServices", "None"). */
  readonly bypass: string | undefined;
  /** The bypass as written; malformed too when the networkAcls section itself is not an object. */
  readonly bypassReading: Reading<string>;
  readonly virtualNetworkRules: readonly VirtualNetworkRule[];
  readonly ipRules: readonly string[];
  readonly privateEndpointConnections: readonly PrivateEndpointConnection[];
  /** True when the firewall section itself was malformed (not merely absent). */
  readonly networkAclsMalformed: boolean;
}

export interface StorageAccount extends FirewalledResource {
  readonly kind: string | undefined;
  /** ADLS Gen2: properties.isHnsEnabled. */
  readonly isHnsEnabled: boolean | undefined;
}

export type KeyVault = FirewalledResource;

export interface ContainerRegistry extends FirewalledResource {
  readonly skuName: string | undefined;
}

export interface PrivateEndpoint extends ResourceView {
  readonly subnetId: string | undefined;
  /** privateLinkServiceConnections (and manual ones): the resources it connects to. */
  readonly targetResourceIds: readonly string[];
  /** The target sub-resources of those connections (blob, file, vault, registry, amlworkspace…), lowercased. */
  readonly groupIds: readonly string[];
}

/** A private DNS zone (Microsoft.Network/privateDnsZones); its name is the zone, lowercased here. */
export interface PrivateDnsZone extends ResourceView {
  readonly zoneName: string;
  /** properties.numberOfRecordSets: 1 is the SOA alone (no endpoint registered an A record). */
  readonly recordSetCount: number | undefined;
}

/** A private DNS zone's link to a virtual network (privateDnsZones/virtualNetworkLinks). */
export interface PrivateDnsZoneLink extends ResourceView {
  readonly zoneId: string;
  /** Lowercased zone name, from the link's ID. */
  readonly zoneName: string;
  readonly vnetId: string | undefined;
}

export interface AgentPool {
  readonly name: string | undefined;
  readonly vnetSubnetId: string | undefined;
}

export interface AksCluster extends ResourceView {
  readonly agentPools: readonly AgentPool[];
  readonly serviceCidr: string | undefined;
  readonly dnsServiceIP: string | undefined;
  readonly dockerBridgeCidr: string | undefined;
  readonly enablePrivateCluster: boolean | undefined;
  /** properties.apiServerAccessProfile.enablePrivateCluster as written. */
  readonly enablePrivateClusterReading: Reading<boolean>;
  /** identity.type (SystemAssigned, UserAssigned) or undefined for service-principal clusters. */
  readonly identityType: string | undefined;
  /** Object IDs of the cluster identity: identity.principalId, user-assigned principalIds. */
  readonly identityPrincipalIds: readonly string[];
  /** servicePrincipalProfile.clientId ("msi" for managed-identity clusters). */
  readonly servicePrincipalClientId: string | undefined;
}

export interface VirtualMachine extends ResourceView {
  readonly nicIds: readonly string[];
  readonly imagePublisher: string | undefined;
  readonly imageOffer: string | undefined;
  readonly imageSku: string | undefined;
  /** storageProfile.osDisk.osType (Linux, Windows). */
  readonly osType: string | undefined;
}

export interface HdInsightCluster extends ResourceView {
  /** computeProfile.roles[].virtualNetworkProfile.subnet. */
  readonly subnetIds: readonly string[];
}

export interface DatabricksWorkspace extends ResourceView {
  /** parameters.customVirtualNetworkId.value. */
  readonly vnetId: string | undefined;
  readonly publicSubnetName: string | undefined;
  readonly privateSubnetName: string | undefined;
}

export interface RoleAssignment extends ResourceView {
  readonly principalId: string | undefined;
  /** Full role definition ID as written; compare by its last segment (the role GUID). */
  readonly roleDefinitionId: string | undefined;
  readonly scope: string | undefined;
}

export interface ContainerGroup extends ResourceView {
  readonly subnetIds: readonly string[];
}

export interface AzureFirewall extends ResourceView {
  readonly privateIpAddresses: readonly string[];
  readonly firewallPolicyId: string | undefined;
  /** Classic network and application rule collections (used only when there is no policy). */
  readonly classicRules: FirewallRuleCollectionGroup;
}

export type FirewallPolicy = ResourceView & FirewallPolicyRules;

export interface IpGroup extends ResourceView {
  readonly ipAddresses: readonly string[];
}

/** Where a compute subnet comes from (docs/rules.md, "Compute subnet"). */
export type ComputeSubnetRole =
  | 'cluster'
  | 'instance'
  | 'aks'
  | 'virtual-machine'
  | 'hdinsight'
  | 'databricks-public'
  | 'databricks-private';

export interface ComputeSubnetUse {
  readonly subnetId: string;
  readonly compute: Compute;
  readonly role: ComputeSubnetRole;
}

export interface Estate {
  readonly resourceCount: number;
  readonly serviceTags: ServiceTagIndex;
  /** Notes from building the graph (rows of unexpected shape…), one line each. */
  readonly warnings: readonly string[];
  /**
   * Rows whose properties are missing or of the wrong JSON kind (src/estate/shape.ts): read as
   * well as they can be, but no verdict that may depend on them is to be trusted.
   */
  readonly malformedRows: readonly MalformedRow[];
  /**
   * The inventory's gaps scoped to one resource (a workspace whose computes could not be listed):
   * what is missing there may decide verdicts of the resource's neighbourhood, so none of those is
   * to be trusted either. Gaps of whole subscriptions or management groups are the inventory's alone.
   */
  readonly unreadParts: readonly InventoryGap[];

  /** Any resource by ID, case-insensitive. */
  resource(id: string): ResourceView | undefined;

  readonly workspaces: readonly Workspace[];
  readonly computes: readonly Compute[];
  readonly subnets: readonly Subnet[];
  readonly storageAccounts: readonly StorageAccount[];
  readonly keyVaults: readonly KeyVault[];
  readonly containerRegistries: readonly ContainerRegistry[];
  readonly aksClusters: readonly AksCluster[];
  readonly virtualMachines: readonly VirtualMachine[];
  readonly hdInsightClusters: readonly HdInsightCluster[];
  readonly databricksWorkspaces: readonly DatabricksWorkspace[];
  readonly containerGroups: readonly ContainerGroup[];
  readonly firewalls: readonly AzureFirewall[];

  workspace(id: string): Workspace | undefined;
  compute(id: string): Compute | undefined;
  virtualNetwork(id: string): VirtualNetwork | undefined;
  subnet(id: string): Subnet | undefined;
  networkSecurityGroup(id: string): NetworkSecurityGroup | undefined;
  routeTable(id: string): RouteTable | undefined;
  networkInterface(id: string): NetworkInterface | undefined;
  storageAccount(id: string): StorageAccount | undefined;
  keyVault(id: string): KeyVault | undefined;
  containerRegistry(id: string): ContainerRegistry | undefined;
  aksCluster(id: string): AksCluster | undefined;
  virtualMachine(id: string): VirtualMachine | undefined;
  hdInsightCluster(id: string): HdInsightCluster | undefined;
  databricksWorkspace(id: string): DatabricksWorkspace | undefined;
  firewallPolicy(id: string): FirewallPolicy | undefined;
  ipGroup(id: string): IpGroup | undefined;

  /** Computes whose ID is under the workspace. */
  computesOf(workspaceId: string): readonly Compute[];
  /** Every compute subnet of the workspace with the compute that uses it (docs/rules.md "Compute subnet"). */
  computeSubnetsOf(workspaceId: string): readonly ComputeSubnetUse[];
  /** Every compute-subnet use of a subnet, across workspaces. */
  computeUsesOfSubnet(subnetId: string): readonly ComputeSubnetUse[];
  /** At least one compute of the workspace is in a subnet. */
  isVnetIsolated(workspaceId: string): boolean;
  /** Workspaces whose storage account, key vault or registry is this resource. */
  workspacesUsing(resourceId: string): readonly Workspace[];
  /** Approved private endpoints serving a resource, a workspace too (named by its privateEndpointConnections with status Approved). */
  approvedPrivateEndpointsOf(resourceId: string): readonly PrivateEndpoint[];
  /** Role assignments of a principal (object ID), case-insensitive. */
  roleAssignmentsOf(principalId: string): readonly RoleAssignment[];
  /**
   * Names of the management groups above a subscription (Resource Graph `resourcecontainers`,
   * `properties.managementGroupAncestorsChain`); undefined when the inventory lacks the subscription row.
   */
  managementGroupsOf(subscriptionId: string): readonly string[] | undefined;
  /** Number of role assignments in the inventory: 0 means they were not read, so no grant can be judged missing. */
  readonly roleAssignmentCount: number;
  /**
   * The inventory's gap over the subscription of `id` (that subscription, or a management group,
   * whose queries failed), if any: what the inventory lacks there may be just what a rule would
   * find (a role assignment), so a rule does not judge its absence.
   */
  gapOver(id: string): InventoryGap | undefined;
  /** The firewall whose private IP this is. */
  firewallByPrivateIp(ip: string): AzureFirewall | undefined;
  /** Container groups deployed into a subnet. */
  containerGroupsInSubnet(subnetId: string): readonly ContainerGroup[];
  /** Subnets of a VNet. */
  subnetsOf(vnetId: string): readonly Subnet[];
  privateDnsZone(id: string): PrivateDnsZone | undefined;
  /** Private DNS zones of this name (lowercase compare) in the inventory. */
  privateDnsZonesNamed(zoneName: string): readonly PrivateDnsZone[];
  /** Links of a virtual network to private DNS zones. */
  privateDnsLinksOf(vnetId: string): readonly PrivateDnsZoneLink[];
  /** Number of private DNS zones in the inventory: 0 means none were read (or none exist), so no zone can be judged missing. */
  readonly privateDnsZoneCount: number;
  /** Network interfaces attached to a subnet. */
  networkInterfacesOf(vmId: string): readonly NetworkInterface[];
}
