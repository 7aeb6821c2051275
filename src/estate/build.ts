/**
 * Builds the read-only estate graph from an inventory's rows: one short reader per resource type
 * the rules read, and the relations between them, computed once.
 *
 * Longer than 500 lines: the readers share the lookup maps the estate is built on; each is short
 * and reads one type.
 */
import { idKey, nameOf, parentId, subscriptionOf } from '../core/ids';
import { isObject } from '../core/json';
import { embeddedRow, isReadBack } from '../inventory/file-backed-row';
import { PROPERTIES_READ_LAZILY, READ_TYPES } from '../inventory/resource-types';
import type { Inventory, ResourceRow } from '../inventory/types';
import { buildServiceTagIndex, parseClassicFirewallRules, parseNsg, parseRouteTable, parseRuleCollectionGroup } from '../network';
import type { FirewallRuleCollectionGroup } from '../network';
import type {
  AksCluster,
  AzureFirewall,
  Compute,
  ComputeSubnetUse,
  ComputeType,
  ContainerGroup,
  ContainerRegistry,
  DatabricksWorkspace,
  Estate,
  FirewallPolicy,
  FirewalledResource,
  HdInsightCluster,
  IpGroup,
  KeyVault,
  NetworkInterface,
  NetworkSecurityGroup,
  PrivateDnsZone,
  PrivateDnsZoneLink,
  PrivateEndpoint,
  ResourceView,
  RoleAssignment,
  RouteTable,
  StorageAccount,
  Subnet,
  VirtualMachine,
  VirtualNetwork,
  Reading,
  Workspace,
} from './model';
import { malformedProperties } from './shape';
import type { MalformedRow } from './shape';
import {
  addressPrefixesOf,
  agentPoolsOf,
  asBoolean,
  asNonEmptyString,
  asNumber,
  baseView,
  identityPrincipalIdsOf,
  ipRulesOf,
  itemProperties,
  objectsOf,
  pick,
  privateEndpointConnectionsOf,
  refId,
  refIds,
  rowType,
  sharedPrivateLinkResourcesOf,
  stringsOf,
  viewWith,
  virtualNetworkRulesOf,
} from './read';

const COMPUTE_TYPES: ReadonlyMap<string, ComputeType> = new Map([
  ['amlcompute', 'AmlCompute'],
  ['computeinstance', 'ComputeInstance'],
  ['aks', 'AKS'],
  ['virtualmachine', 'VirtualMachine'],
  ['hdinsight', 'HDInsight'],
  ['databricks', 'Databricks'],
]);

/**
 * NSGs and route tables are parsed on first use: most of a tenant's NSGs guard subnets no AML
 * compute uses, and parsing every one would cost more than evaluating the rules.
 */
function withLazyParse<V extends ResourceView, P>(view: V, parse: () => P): V & { readonly parsed: P } {
  let parsed: P | undefined;
  return Object.defineProperty(view, 'parsed', { get: () => (parsed ??= parse()), enumerable: true, configurable: false }) as V & { readonly parsed: P };
}

/** Keyed collections that keep insertion order for the public arrays. */
class Index<T extends ResourceView> {
  readonly byKey = new Map<string, T>();
  /**
   * Answers by the ID exactly as asked: rules ask for the same ID strings (taken from the views)
   * again and again, and lowercasing them each time costs more than the lookup.
   */
  private readonly byAsked = new Map<string, T | undefined>();
  constructor(private readonly all: Map<string, ResourceView>) {}
  add(view: T): void {
    this.byKey.set(view.key, view);
    this.all.set(view.key, view);
    // Clearing even an empty Map allocates it a new table: once per row, that was most of adding.
    if (this.byAsked.size > 0) this.byAsked.clear();
  }
  get(id: string): T | undefined {
    const known = this.byAsked.get(id);
    if (known !== undefined) return known;
    const view = this.byKey.get(idKey(id));
    if (view !== undefined && this.byAsked.size < MAX_ASKED) this.byAsked.set(id, view);
    return view;
  }
  values(): T[] {
    return [...this.byKey.values()];
  }
}

/** Bound of an Index's by-asked-ID memo (hits only; an estate's IDs number far fewer). */
const MAX_ASKED = 1_000_000;

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** A gap's scope that names one resource (in a resource group), not a subscription or a management group. */
const RESOURCE_SCOPE = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/./i;
const SUBSCRIPTION_SCOPE = /^\/subscriptions\/[^/]+$/i;
const MANAGEMENT_GROUP_SCOPE = /^\/providers\/Microsoft\.Management\/managementGroups\/[^/]+$/i;

/**
 * Builds the read-only estate graph in one pass over the rows plus one pass to link them.
 * Cost is linear in the inventory: every relation a rule asks for is precomputed here.
 */
export function buildEstate(inventory: Inventory): Estate {
  const warnings: string[] = [...inventory.warnings];
  const all = new Map<string, ResourceView>();
  const otherRows = new Map<string, ResourceRow>();
  const workspaces = new Index<Workspace>(all);
  const computes = new Index<Compute>(all);
  const vnets = new Index<VirtualNetwork>(all);
  const subnets = new Index<Subnet>(all);
  const nsgs = new Index<NetworkSecurityGroup>(all);
  const routeTables = new Index<RouteTable>(all);
  const nics = new Index<NetworkInterface>(all);
  const privateEndpoints = new Index<PrivateEndpoint>(all);
  const storageAccounts = new Index<StorageAccount>(all);
  const keyVaults = new Index<KeyVault>(all);
  const registries = new Index<ContainerRegistry>(all);
  const aksClusters = new Index<AksCluster>(all);
  const vms = new Index<VirtualMachine>(all);
  const hdInsight = new Index<HdInsightCluster>(all);
  const databricks = new Index<DatabricksWorkspace>(all);
  const roleAssignments: RoleAssignment[] = [];
  const containerGroups = new Index<ContainerGroup>(all);
  const firewalls = new Index<AzureFirewall>(all);
  const ipGroups = new Index<IpGroup>(all);
  const dnsZones = new Index<PrivateDnsZone>(all);
  const dnsLinks = new Index<PrivateDnsZoneLink>(all);
  const policyRows: { view: ResourceView; basePolicyId: string | undefined; referencedGroupIds: string[]; embedded: FirewallRuleCollectionGroup[] }[] = [];
  const groupsByPolicy = new Map<string, FirewallRuleCollectionGroup[]>();
  const standaloneSubnetRows: ResourceRow[] = [];
  const managementGroupsBySubscription = new Map<string, string[]>();
  const malformedRows: MalformedRow[] = [];
  const checkShape = (id: string, type: string, properties: unknown): void => {
    const reason = malformedProperties(type, properties);
    if (reason !== undefined) malformedRows.push({ resourceId: id, reason });
  };

  for (const row of inventory.resources) {
    const type = rowType(row);
    if (type === undefined) continue;
    if (!READ_TYPES.has(type)) {
      // Most of a tenant is of types no rule reads: keep the row for lookups, build no view.
      otherRows.set(idKey(row.id), row);
      continue;
    }
    const view = baseView(row, type);
    // Read only when a rule asks: a row's properties may still be in its snapshot file (src/inventory/file-backed-row.ts).
    const properties = PROPERTIES_READ_LAZILY.has(type) ? undefined : row.properties;
    // A row left in its file was an object when read (src/inventory/snapshot.ts); reading it back here would parse every large NSG.
    if (!PROPERTIES_READ_LAZILY.has(type)) checkShape(row.id, type, properties);
    else if (!isReadBack(row)) checkShape(row.id, type, row.properties);
    switch (type) {
      case 'microsoft.machinelearningservices/workspaces':
        workspaces.add(readWorkspace(view, row));
        break;
      case 'microsoft.machinelearningservices/workspaces/computes':
        computes.add(readCompute(view, properties));
        break;
      case 'microsoft.network/virtualnetworks': {
        const vnetInFile = isReadBack(row);
        vnets.add(viewWith(view, { addressPrefixes: addressPrefixesOf(pick(properties, 'addressSpace')), subnetKeys: [], dnsServers: stringsOf(pick(properties, 'dhcpOptions.dnsServers')) }));
        for (const subnet of objectsOf(pick(properties, 'subnets'))) {
          const subnetId = refId(subnet);
          if (subnetId === undefined) continue;
          checkShape(subnetId, 'microsoft.network/virtualnetworks/subnets', itemProperties(subnet));
          const subnetRow: ResourceRow = Object.assign({}, subnet, { id: subnetId });
          // A VNet left in its file keeps its subnets there too: their rows find their properties in the VNet's when asked.
          const subnetRaw = vnetInFile ? embeddedRow(subnetRow, row, (vnetProperties) => subnetPropertiesIn(vnetProperties, subnetId)) : subnetRow;
          const subnetView = readSubnet(baseView(subnetRaw, 'microsoft.network/virtualnetworks/subnets'), subnet, view.id);
          if (!subnets.byKey.has(subnetView.key)) {
            subnets.add(subnetView);
          }
        }
        break;
      }
      case 'microsoft.network/virtualnetworks/subnets':
        standaloneSubnetRows.push(row);
        break;
      case 'microsoft.network/networksecuritygroups':
        nsgs.add(withLazyParse(view, () => parseNsg(view.id, view.name, row.properties)));
        break;
      case 'microsoft.network/routetables':
        routeTables.add(withLazyParse(view, () => parseRouteTable(view.id, view.name, row.properties)));
        break;
      case 'microsoft.network/networkinterfaces':
        nics.add(readNic(view, properties));
        break;
      case 'microsoft.network/privateendpoints': {
        const connections = [...objectsOf(pick(properties, 'privateLinkServiceConnections')), ...objectsOf(pick(properties, 'manualPrivateLinkServiceConnections'))].map(itemProperties);
        privateEndpoints.add(viewWith(view, {
          subnetId: refId(pick(properties, 'subnet')),
          targetResourceIds: connections.map((connection) => asNonEmptyString(pick(connection, 'privateLinkServiceId'))).filter((id): id is string => id !== undefined),
          groupIds: [...new Set(connections.flatMap((connection) => stringsOf(pick(connection, 'groupIds')).map((group) => group.toLowerCase())))],
        }));
        break;
      }
      case 'microsoft.network/privatednszones':
        dnsZones.add(viewWith(view, { zoneName: view.name.toLowerCase(), recordSetCount: asNumber(pick(properties, 'numberOfRecordSets')) }));
        break;
      case 'microsoft.network/privatednszones/virtualnetworklinks': {
        const zoneId = parentId(view.id) ?? '';
        dnsLinks.add(viewWith(view, { zoneId, zoneName: nameOf(zoneId).toLowerCase(), vnetId: refId(pick(properties, 'virtualNetwork')) }));
        break;
      }
      case 'microsoft.storage/storageaccounts':
        storageAccounts.add(viewWith(readFirewalled(view, properties, 'networkAcls', pick(properties, 'networkAcls.bypass')), {
          kind: asNonEmptyString(row.kind),
          isHnsEnabled: asBoolean(pick(properties, 'isHnsEnabled')),
        }));
        break;
      case 'microsoft.keyvault/vaults':
        keyVaults.add(readFirewalled(view, properties, 'networkAcls', pick(properties, 'networkAcls.bypass')));
        break;
      case 'microsoft.containerregistry/registries':
        registries.add(viewWith(readFirewalled(view, properties, 'networkRuleSet', pick(properties, 'networkRuleBypassOptions')), {
          skuName: asNonEmptyString(pick(row.sku, 'name')),
        }));
        break;
      case 'microsoft.containerservice/managedclusters':
        aksClusters.add(readAks(view, row));
        break;
      case 'microsoft.compute/virtualmachines':
        vms.add(viewWith(view, {
          nicIds: refIds(pick(properties, 'networkProfile.networkInterfaces')),
          imagePublisher: asNonEmptyString(pick(properties, 'storageProfile.imageReference.publisher')),
          imageOffer: asNonEmptyString(pick(properties, 'storageProfile.imageReference.offer')),
          imageSku: asNonEmptyString(pick(properties, 'storageProfile.imageReference.sku')),
          osType: asNonEmptyString(pick(properties, 'storageProfile.osDisk.osType')),
        }));
        break;
      case 'microsoft.hdinsight/clusters':
        hdInsight.add(viewWith(view, {
          subnetIds: [
            ...new Set(
              objectsOf(pick(properties, 'computeProfile.roles'))
                .map((role) => asNonEmptyString(pick(role, 'virtualNetworkProfile.subnet')))
                .filter((id): id is string => id !== undefined),
            ),
          ],
        }));
        break;
      case 'microsoft.databricks/workspaces':
        databricks.add(viewWith(view, {
          vnetId: asNonEmptyString(pick(properties, 'parameters.customVirtualNetworkId.value')),
          publicSubnetName: asNonEmptyString(pick(properties, 'parameters.customPublicSubnetName.value')),
          privateSubnetName: asNonEmptyString(pick(properties, 'parameters.customPrivateSubnetName.value')),
        }));
        break;
      case 'microsoft.authorization/roleassignments':
        {
          const assignment: RoleAssignment = viewWith(view, {
          principalId: asNonEmptyString(pick(properties, 'principalId')),
          roleDefinitionId: asNonEmptyString(pick(properties, 'roleDefinitionId')),
          scope: asNonEmptyString(pick(properties, 'scope')),
        });
          roleAssignments.push(assignment);
          all.set(assignment.key, assignment);
        }
        break;
      case 'microsoft.containerinstance/containergroups':
        containerGroups.add(viewWith(view, { subnetIds: refIds(pick(properties, 'subnetIds')) }));
        break;
      case 'microsoft.network/azurefirewalls':
        firewalls.add(viewWith(view, {
          privateIpAddresses: [
            ...objectsOf(pick(properties, 'ipConfigurations'))
              .map((configuration) => asNonEmptyString(pick(itemProperties(configuration), 'privateIPAddress')))
              .filter((ip): ip is string => ip !== undefined),
            ...[asNonEmptyString(pick(properties, 'hubIPAddresses.privateIPAddress'))].filter((ip): ip is string => ip !== undefined),
          ],
          firewallPolicyId: refId(pick(properties, 'firewallPolicy')),
          classicRules: parseClassicFirewallRules(view.id, properties),
        }));
        break;
      case 'microsoft.network/firewallpolicies': {
        // A policy names its rule collection groups by ID; some exports embed them whole.
        const referencedGroupIds: string[] = [];
        const embedded: FirewallRuleCollectionGroup[] = [];
        for (const group of objectsOf(pick(properties, 'ruleCollectionGroups'))) {
          const groupId = refId(group);
          const groupProperties = pick(group, 'properties');
          if (groupProperties !== undefined && pick(groupProperties, 'ruleCollections') !== undefined) {
            embedded.push(parseRuleCollectionGroup(groupId ?? `${view.id}/ruleCollectionGroups/${asNonEmptyString(pick(group, 'name')) ?? embedded.length}`, asNonEmptyString(pick(group, 'name')) ?? '', groupProperties));
          } else if (groupId !== undefined) referencedGroupIds.push(groupId);
        }
        policyRows.push({ view, basePolicyId: refId(pick(properties, 'basePolicy')), referencedGroupIds, embedded });
        break;
      }
      case 'microsoft.network/firewallpolicies/rulecollectiongroups': {
        all.set(view.key, view);
        const policyId = parentId(view.id);
        if (policyId !== undefined) pushTo(groupsByPolicy, idKey(policyId), parseRuleCollectionGroup(view.id, view.name, properties));
        break;
      }
      case 'microsoft.resources/subscriptions': {
        const subscription = asNonEmptyString(row.subscriptionId) ?? /^\/subscriptions\/([^/]+)$/i.exec(row.id.trim())?.[1];
        const chain = pick(properties, 'managementGroupAncestorsChain');
        // No chain at all is not "no management group": the ancestry was not read.
        if (subscription !== undefined && Array.isArray(chain)) {
          managementGroupsBySubscription.set(subscription.toLowerCase(), objectsOf(chain).map((group) => asNonEmptyString(pick(group, 'name'))).filter((name): name is string => name !== undefined));
        }
        break;
      }
      case 'microsoft.network/ipgroups':
        ipGroups.add(viewWith(view, { ipAddresses: stringsOf(pick(properties, 'ipAddresses')) }));
        break;
      default:
        break;
    }
  }

  // Subnet rows of their own are richer than the copies embedded in their VNet: they win.
  for (const row of standaloneSubnetRows) {
    const vnetId = parentId(row.id) ?? '';
    const view = readSubnet(baseView(row, 'microsoft.network/virtualnetworks/subnets'), row, vnetId);
    subnets.add(view);
    checkShape(row.id, 'microsoft.network/virtualnetworks/subnets', row.properties);
  }

  const firewallPolicies = new Index<FirewallPolicy>(all);
  for (const policy of policyRows) {
    const groups = [...policy.embedded];
    const held = new Set(groups.map((group) => idKey(group.id)));
    for (const group of groupsByPolicy.get(policy.view.key) ?? []) if (!held.has(idKey(group.id))) groups.push(group);
    firewallPolicies.add(viewWith(policy.view, { basePolicyId: policy.basePolicyId, referencedGroupIds: policy.referencedGroupIds, groups }));
  }

  // Relations.
  const subnetsByVnet = new Map<string, Subnet[]>();
  for (const subnet of subnets.byKey.values()) pushTo(subnetsByVnet, idKey(subnet.vnetId), subnet);
  for (const [vnetKey, list] of subnetsByVnet) {
    const vnet = vnets.byKey.get(vnetKey);
    if (vnet) vnets.add(viewWith(vnet, { subnetKeys: list.map((subnet) => subnet.key) }));
  }

  const computesByWorkspace = new Map<string, Compute[]>();
  for (const compute of computes.byKey.values()) pushTo(computesByWorkspace, idKey(compute.workspaceId), compute);

  const nicsByVm = new Map<string, NetworkInterface[]>();
  for (const nic of nics.byKey.values()) {
    if (nic.virtualMachineId !== undefined) pushTo(nicsByVm, idKey(nic.virtualMachineId), nic);
  }

  const computeSubnetsByWorkspace = new Map<string, ComputeSubnetUse[]>();
  const computeUsesBySubnet = new Map<string, ComputeSubnetUse[]>();
  for (const compute of computes.byKey.values()) {
    for (const use of computeSubnetUses(compute, { aksClusters, vms, nics, hdInsight, databricks })) {
      pushTo(computeSubnetsByWorkspace, idKey(compute.workspaceId), use);
      pushTo(computeUsesBySubnet, idKey(use.subnetId), use);
    }
  }

  // Index the NSGs and route tables on compute subnets now: every audit asks for them. Those of
  // other subnets stay unparsed unless a rule asks (most of a tenant's NSGs never are).
  for (const subnetKey of computeUsesBySubnet.keys()) {
    const subnet = subnets.byKey.get(subnetKey);
    if (subnet?.nsgId !== undefined) void nsgs.get(subnet.nsgId)?.parsed;
    if (subnet?.routeTableId !== undefined) void routeTables.get(subnet.routeTableId)?.parsed;
  }

  const workspacesByResource = new Map<string, Workspace[]>();
  for (const workspace of workspaces.byKey.values()) {
    const associated = new Set(
      [workspace.storageAccountId, workspace.keyVaultId, workspace.containerRegistryId]
        .filter((id): id is string => id !== undefined)
        .map(idKey),
    );
    for (const key of associated) pushTo(workspacesByResource, key, workspace);
  }

  const approvedEndpointsByResource = new Map<string, PrivateEndpoint[]>();
  for (const resource of [...storageAccounts.byKey.values(), ...keyVaults.byKey.values(), ...registries.byKey.values(), ...workspaces.byKey.values()] as (FirewalledResource | Workspace)[]) {
    for (const connection of resource.privateEndpointConnections) {
      if (connection.privateEndpointId === undefined || connection.status?.toLowerCase() !== 'approved') continue;
      const endpoint = privateEndpoints.get(connection.privateEndpointId);
      if (endpoint) pushTo(approvedEndpointsByResource, resource.key, endpoint);
    }
  }

  const roleAssignmentsByPrincipal = new Map<string, RoleAssignment[]>();
  for (const assignment of roleAssignments) {
    if (assignment.principalId !== undefined) pushTo(roleAssignmentsByPrincipal, assignment.principalId.toLowerCase(), assignment);
  }

  const firewallsByIp = new Map<string, AzureFirewall>();
  for (const firewall of firewalls.byKey.values()) {
    for (const ip of firewall.privateIpAddresses) firewallsByIp.set(ip.trim(), firewall);
  }

  const containerGroupsBySubnet = new Map<string, ContainerGroup[]>();
  for (const group of containerGroups.byKey.values()) {
    for (const subnetId of group.subnetIds) pushTo(containerGroupsBySubnet, idKey(subnetId), group);
  }

  const dnsZonesByName = new Map<string, PrivateDnsZone[]>();
  for (const zone of dnsZones.byKey.values()) pushTo(dnsZonesByName, zone.zoneName, zone);
  const dnsLinksByVnet = new Map<string, PrivateDnsZoneLink[]>();
  for (const link of dnsLinks.byKey.values()) if (link.vnetId !== undefined) pushTo(dnsLinksByVnet, idKey(link.vnetId), link);

  const none: readonly never[] = [];
  const lookup = <T>(map: Map<string, T[]>, id: string): readonly T[] => map.get(idKey(id)) ?? none;
  const subscriptionGaps = new Map(inventory.gaps.filter((gap) => SUBSCRIPTION_SCOPE.test(gap.scope)).map((gap) => [idKey(gap.scope), gap]));
  const managementGroupGap = inventory.gaps.find((gap) => MANAGEMENT_GROUP_SCOPE.test(gap.scope));

  return {
    resourceCount: inventory.resources.length + (inventory.omittedRows ?? 0),
    serviceTags: buildServiceTagIndex(inventory.serviceTags),
    warnings,
    malformedRows,
    unreadParts: inventory.gaps.filter((gap) => RESOURCE_SCOPE.test(gap.scope)),
    resource: (id) => {
      const key = idKey(id);
      const view = all.get(key);
      if (view !== undefined) return view;
      const row = otherRows.get(key);
      return row !== undefined ? baseView(row, rowType(row) ?? '') : undefined;
    },
    workspaces: workspaces.values(),
    computes: computes.values(),
    subnets: subnets.values(),
    storageAccounts: storageAccounts.values(),
    keyVaults: keyVaults.values(),
    containerRegistries: registries.values(),
    aksClusters: aksClusters.values(),
    virtualMachines: vms.values(),
    hdInsightClusters: hdInsight.values(),
    databricksWorkspaces: databricks.values(),
    containerGroups: containerGroups.values(),
    firewalls: firewalls.values(),
    workspace: (id) => workspaces.get(id),
    compute: (id) => computes.get(id),
    virtualNetwork: (id) => vnets.get(id),
    subnet: (id) => subnets.get(id),
    networkSecurityGroup: (id) => nsgs.get(id),
    routeTable: (id) => routeTables.get(id),
    networkInterface: (id) => nics.get(id),
    storageAccount: (id) => storageAccounts.get(id),
    keyVault: (id) => keyVaults.get(id),
    containerRegistry: (id) => registries.get(id),
    aksCluster: (id) => aksClusters.get(id),
    virtualMachine: (id) => vms.get(id),
    hdInsightCluster: (id) => hdInsight.get(id),
    databricksWorkspace: (id) => databricks.get(id),
    firewallPolicy: (id) => firewallPolicies.get(id),
    ipGroup: (id) => ipGroups.get(id),
    computesOf: (id) => lookup(computesByWorkspace, id),
    computeSubnetsOf: (id) => lookup(computeSubnetsByWorkspace, id),
    computeUsesOfSubnet: (id) => lookup(computeUsesBySubnet, id),
    isVnetIsolated: (id) => (computeSubnetsByWorkspace.get(idKey(id))?.length ?? 0) > 0,
    workspacesUsing: (id) => lookup(workspacesByResource, id),
    approvedPrivateEndpointsOf: (id) => lookup(approvedEndpointsByResource, id),
    roleAssignmentsOf: (principalId) => roleAssignmentsByPrincipal.get(principalId.toLowerCase()) ?? none,
    managementGroupsOf: (subscriptionId) => managementGroupsBySubscription.get(subscriptionId.toLowerCase()),
    roleAssignmentCount: roleAssignments.length,
    gapOver: (id) => subscriptionGaps.get(`/subscriptions/${subscriptionOf(id) ?? ''}`) ?? managementGroupGap,
    firewallByPrivateIp: (ip) => firewallsByIp.get(ip.trim()),
    containerGroupsInSubnet: (id) => lookup(containerGroupsBySubnet, id),
    subnetsOf: (id) => lookup(subnetsByVnet, id),
    networkInterfacesOf: (vmId) => lookup(nicsByVm, vmId),
    privateDnsZonesNamed: (zoneName) => dnsZonesByName.get(zoneName.toLowerCase()) ?? none,
    privateDnsLinksOf: (vnetId) => lookup(dnsLinksByVnet, vnetId),
    privateDnsZone: (id) => dnsZones.get(id),
    privateDnsZoneCount: dnsZones.byKey.size,
  };
}

/** The properties of the subnet `subnetId` among a VNet's properties, as the VNet's row gave them. */
function subnetPropertiesIn(vnetProperties: unknown, subnetId: string): unknown {
  return pick(
    objectsOf(pick(vnetProperties, 'subnets')).find((subnet) => refId(subnet) === subnetId),
    'properties',
  );
}

function readWorkspace(view: ResourceView, row: ResourceRow): Workspace {
  const properties = row.properties;
  const serverless = pick(properties, 'serverlessComputeSettings');
  return viewWith(view, {
    storageAccountId: asNonEmptyString(pick(properties, 'storageAccount')),
    keyVaultId: asNonEmptyString(pick(properties, 'keyVault')),
    containerRegistryId: asNonEmptyString(pick(properties, 'containerRegistry')),
    imageBuildCompute: asNonEmptyString(pick(properties, 'imageBuildCompute')),
    imageBuildComputeReading: readingOf(pick(properties, 'imageBuildCompute'), asNonEmptyString(pick(properties, 'imageBuildCompute')), (written) => written === ''),
    edition: asNonEmptyString(pick(row.sku, 'name')) ?? asNonEmptyString(pick(row.sku, 'tier')),
    privateLink: privateEndpointConnectionsOf(properties).some((connection) => connection.status?.toLowerCase() === 'approved'),
    privateEndpointConnections: privateEndpointConnectionsOf(properties),
    sharedPrivateLinkResources: sharedPrivateLinkResourcesOf(properties),
    serverlessCompute: isObject(serverless)
      ? { subnetId: asNonEmptyString(pick(serverless, 'serverlessComputeCustomSubnet')), noPublicIp: asBoolean(pick(serverless, 'serverlessComputeNoPublicIP')) }
      : undefined,
  });
}

function readCompute(view: ResourceView, properties: unknown): Compute {
  const computeTypeRaw = asNonEmptyString(pick(properties, 'computeType'));
  const inner = pick(properties, 'properties');
  const aks = pick(inner, 'aksNetworkingConfiguration');
  return viewWith(view, {
    workspaceId: parentId(view.id) ?? '',
    computeType: (computeTypeRaw !== undefined ? COMPUTE_TYPES.get(computeTypeRaw.toLowerCase()) : undefined) ?? 'Other',
    computeTypeRaw,
    attachedResourceId: asNonEmptyString(pick(properties, 'resourceId')),
    subnetId: refId(pick(inner, 'subnet')),
    enableNodePublicIp: asBoolean(pick(inner, 'enableNodePublicIp')),
    maxNodeCount: asNumber(pick(inner, 'scaleSettings.maxNodeCount')),
    currentNodeCount: asNumber(pick(inner, 'currentNodeCount')),
    loadBalancerType: asNonEmptyString(pick(inner, 'loadBalancerType')),
    aksNetworking: isObject(aks)
      ? {
          subnetId: asNonEmptyString(pick(aks, 'subnetId')),
          serviceCidr: asNonEmptyString(pick(aks, 'serviceCidr')),
          dnsServiceIP: asNonEmptyString(pick(aks, 'dnsServiceIP')),
          dockerBridgeCidr: asNonEmptyString(pick(aks, 'dockerBridgeCidr')),
        }
      : undefined,
  });
}

function readSubnet(view: ResourceView, row: unknown, vnetId: string): Subnet {
  const properties = itemProperties(row);
  const ipConfigurations = pick(properties, 'ipConfigurations');
  return viewWith(view, {
    vnetId,
    addressPrefixes: addressPrefixesOf(properties),
    nsgId: refId(pick(properties, 'networkSecurityGroup')),
    routeTableId: refId(pick(properties, 'routeTable')),
    serviceEndpoints: objectsOf(pick(properties, 'serviceEndpoints'))
      .map((endpoint) => asNonEmptyString(pick(endpoint, 'service')))
      .filter((service): service is string => service !== undefined),
    delegations: objectsOf(pick(properties, 'delegations'))
      .map((delegation) => asNonEmptyString(pick(itemProperties(delegation), 'serviceName')))
      .filter((service): service is string => service !== undefined),
    ipConfigurationCount: Array.isArray(ipConfigurations) ? ipConfigurations.length : undefined,
    natGatewayId: refId(pick(properties, 'natGateway')),
    defaultOutboundAccess: typeof pick(properties, 'defaultOutboundAccess') === 'boolean' ? (pick(properties, 'defaultOutboundAccess') as boolean) : undefined,
  });
}

function readNic(view: ResourceView, properties: unknown): NetworkInterface {
  const configurations = objectsOf(pick(properties, 'ipConfigurations')).map(itemProperties);
  return viewWith(view, {
    subnetIds: [...new Set(configurations.map((configuration) => refId(pick(configuration, 'subnet'))).filter((id): id is string => id !== undefined))],
    nsgId: refId(pick(properties, 'networkSecurityGroup')),
    virtualMachineId: refId(pick(properties, 'virtualMachine')),
    privateIpAddresses: configurations.map((configuration) => asNonEmptyString(pick(configuration, 'privateIPAddress'))).filter((ip): ip is string => ip !== undefined),
  });
}

const ABSENT: Reading<never> = { kind: 'absent' };

function malformedReading(written: unknown): Reading<never> {
  return { kind: 'malformed', written: (JSON.stringify(written) ?? String(written)).slice(0, 60) };
}

/** What a property says: its parsed value, absent (undefined, null, or what `alsoAbsent` names), or malformed. */
function readingOf<T>(written: unknown, value: T | undefined, alsoAbsent: (written: unknown) => boolean = () => false): Reading<T> {
  if (value !== undefined) return { kind: 'value', value };
  if (written === undefined || written === null || alsoAbsent(written)) return ABSENT;
  return malformedReading(written);
}

function readFirewalled(view: ResourceView, properties: unknown, sectionName: string, bypass: unknown): FirewalledResource {
  const section = pick(properties, sectionName);
  const malformed = section !== undefined && section !== null && (!isObject(section) || (section.defaultAction !== undefined && typeof section.defaultAction !== 'string'));
  return viewWith(view, {
    defaultAction: asNonEmptyString(pick(section, 'defaultAction')),
    publicNetworkAccess: asNonEmptyString(pick(properties, 'publicNetworkAccess')),
    bypass: asNonEmptyString(bypass),
    bypassReading: sectionName === 'networkAcls' && section !== undefined && section !== null && !isObject(section) ? malformedReading(section) : readingOf(bypass, asNonEmptyString(bypass)),
    virtualNetworkRules: virtualNetworkRulesOf(section),
    ipRules: ipRulesOf(section),
    privateEndpointConnections: privateEndpointConnectionsOf(properties),
    networkAclsMalformed: malformed,
  });
}

function readAks(view: ResourceView, row: ResourceRow): AksCluster {
  const properties = row.properties;
  return viewWith(view, {
    agentPools: agentPoolsOf(properties),
    serviceCidr: asNonEmptyString(pick(properties, 'networkProfile.serviceCidr')),
    dnsServiceIP: asNonEmptyString(pick(properties, 'networkProfile.dnsServiceIP')),
    dockerBridgeCidr: asNonEmptyString(pick(properties, 'networkProfile.dockerBridgeCidr')),
    enablePrivateCluster: asBoolean(pick(properties, 'apiServerAccessProfile.enablePrivateCluster')),
    enablePrivateClusterReading: readingOf(pick(properties, 'apiServerAccessProfile.enablePrivateCluster'), asBoolean(pick(properties, 'apiServerAccessProfile.enablePrivateCluster'))),
    identityType: asNonEmptyString(pick(row.identity, 'type')),
    identityPrincipalIds: identityPrincipalIdsOf(row.identity),
    servicePrincipalClientId: asNonEmptyString(pick(properties, 'servicePrincipalProfile.clientId')),
  });
}

interface AttachedIndexes {
  readonly aksClusters: Index<AksCluster>;
  readonly vms: Index<VirtualMachine>;
  readonly nics: Index<NetworkInterface>;
  readonly hdInsight: Index<HdInsightCluster>;
  readonly databricks: Index<DatabricksWorkspace>;
}

/** The subnets a compute runs in (docs/rules.md, "Compute subnet"). */
function computeSubnetUses(compute: Compute, indexes: AttachedIndexes): ComputeSubnetUse[] {
  const uses: ComputeSubnetUse[] = [];
  const seen = new Set<string>();
  const add = (subnetId: string | undefined, role: ComputeSubnetUse['role']): void => {
    if (subnetId === undefined || subnetId === '') return;
    const key = `${idKey(subnetId)}|${role}`;
    if (seen.has(key)) return;
    seen.add(key);
    uses.push({ subnetId, compute, role });
  };
  const attached = compute.attachedResourceId;
  switch (compute.computeType) {
    case 'AmlCompute':
      add(compute.subnetId, 'cluster');
      break;
    case 'ComputeInstance':
      add(compute.subnetId, 'instance');
      break;
    case 'AKS': {
      const cluster = attached !== undefined ? indexes.aksClusters.get(attached) : undefined;
      for (const pool of cluster?.agentPools ?? []) add(pool.vnetSubnetId, 'aks');
      add(compute.aksNetworking?.subnetId, 'aks');
      break;
    }
    case 'VirtualMachine': {
      const vm = attached !== undefined ? indexes.vms.get(attached) : undefined;
      for (const nicId of vm?.nicIds ?? []) {
        for (const subnetId of indexes.nics.get(nicId)?.subnetIds ?? []) add(subnetId, 'virtual-machine');
      }
      break;
    }
    case 'HDInsight': {
      const cluster = attached !== undefined ? indexes.hdInsight.get(attached) : undefined;
      for (const subnetId of cluster?.subnetIds ?? []) add(subnetId, 'hdinsight');
      break;
    }
    case 'Databricks': {
      const workspace = attached !== undefined ? indexes.databricks.get(attached) : undefined;
      if (workspace?.vnetId !== undefined) {
        if (workspace.publicSubnetName !== undefined) add(`${workspace.vnetId}/subnets/${workspace.publicSubnetName}`, 'databricks-public');
        if (workspace.privateSubnetName !== undefined) add(`${workspace.vnetId}/subnets/${workspace.privateSubnetName}`, 'databricks-private');
      }
      break;
    }
    default:
      break;
  }
  return uses;
}

