/**
 * The resource types the rules read, and where Azure keeps each one: the one table from which
 * the estate's readers and the live inventory's queries are derived.
 *
 * Resource Graph does not hold every type in `resources` (Microsoft Learn, "Azure Resource Graph
 * table and resource type reference"): firewall policy rule collection groups are only in
 * `networkresources`, role assignments only in `authorizationresources`, subscriptions (with their
 * management group ancestry) only in `resourcecontainers`, and workspace computes in no table at
 * all: they are listed through ARM.
 */

export type GraphTable = 'resources' | 'networkresources' | 'authorizationresources' | 'resourcecontainers';

export interface ResourceTypeEntry {
  /** Lowercase, as Resource Graph writes it. */
  readonly type: string;
  /** Where a live read finds it: a Resource Graph table, or `arm` (listed through Azure Resource Manager). */
  readonly source: GraphTable | 'arm';
  /** The ARM API version a single GET of this type uses (the event path reads changed resources by ID). */
  readonly apiVersion: string;
}

export const RESOURCE_TYPES: readonly ResourceTypeEntry[] = [
  { type: 'microsoft.machinelearningservices/workspaces', source: 'resources', apiVersion: '2024-04-01' },
  { type: 'microsoft.machinelearningservices/workspaces/computes', source: 'arm', apiVersion: '2024-04-01' },
  { type: 'microsoft.network/virtualnetworks', source: 'resources', apiVersion: '2024-05-01' },
  { type: 'microsoft.network/virtualnetworks/subnets', source: 'resources', apiVersion: '2024-05-01' },
  { type: 'microsoft.network/networksecuritygroups', source: 'resources', apiVersion: '2024-05-01' },
  { type: 'microsoft.network/routetables', source: 'resources', apiVersion: '2024-05-01' },
  { type: 'microsoft.network/networkinterfaces', source: 'resources', apiVersion: '2024-05-01' },
  { type: 'microsoft.network/privateendpoints', source: 'resources', apiVersion: '2024-05-01' },
  { type: 'microsoft.network/azurefirewalls', source: 'resources', apiVersion: '2024-05-01' },
  { type: 'microsoft.network/firewallpolicies', source: 'resources', apiVersion: '2024-05-01' },
  { type: 'microsoft.network/firewallpolicies/rulecollectiongroups', source: 'networkresources', apiVersion: '2024-05-01' },
  { type: 'microsoft.network/ipgroups', source: 'resources', apiVersion: '2024-05-01' },
  { type: 'microsoft.network/privatednszones', source: 'resources', apiVersion: '2024-06-01' },
  { type: 'microsoft.network/privatednszones/virtualnetworklinks', source: 'resources', apiVersion: '2024-06-01' },
  { type: 'microsoft.storage/storageaccounts', source: 'resources', apiVersion: '2023-05-01' },
  { type: 'microsoft.keyvault/vaults', source: 'resources', apiVersion: '2023-07-01' },
  { type: 'microsoft.containerregistry/registries', source: 'resources', apiVersion: '2023-07-01' },
  { type: 'microsoft.containerservice/managedclusters', source: 'resources', apiVersion: '2024-09-01' },
  { type: 'microsoft.compute/virtualmachines', source: 'resources', apiVersion: '2024-07-01' },
  { type: 'microsoft.hdinsight/clusters', source: 'resources', apiVersion: '2021-06-01' },
  { type: 'microsoft.databricks/workspaces', source: 'resources', apiVersion: '2024-05-01' },
  { type: 'microsoft.containerinstance/containergroups', source: 'resources', apiVersion: '2023-05-01' },
  { type: 'microsoft.authorization/roleassignments', source: 'authorizationresources', apiVersion: '2022-04-01' },
  { type: 'microsoft.resources/subscriptions', source: 'resourcecontainers', apiVersion: '2022-12-01' },
];

const BY_TYPE: ReadonlyMap<string, ResourceTypeEntry> = new Map(RESOURCE_TYPES.map((entry) => [entry.type, entry]));

/** Types the estate builds views of. */
export const READ_TYPES: ReadonlySet<string> = new Set(RESOURCE_TYPES.map((entry) => entry.type));

/**
 * Types whose `properties` the estate reads only when a rule first asks (src/estate/build.ts
 * parses them lazily): a snapshot reader may leave them in the file until then (file-backed-row.ts).
 */
export const PROPERTIES_READ_LAZILY: ReadonlySet<string> = new Set(['microsoft.network/networksecuritygroups', 'microsoft.network/routetables']);

/**
 * Types whose large rows an audit of a file leaves in it (file-backed-row.ts): those the estate
 * reads lazily, and VNets, which it reads once while it is built (subnets with their IP
 * configuration lists make them a third of the bytes an audit keeps); their subnets' rows then
 * find their properties in the VNet's when asked (embeddedRow).
 */
export const LEFT_IN_FILE_WHEN_LARGE: ReadonlySet<string> = new Set([...PROPERTIES_READ_LAZILY, 'microsoft.network/virtualnetworks']);

export function resourceTypeEntry(type: string): ResourceTypeEntry | undefined {
  return BY_TYPE.get(type.toLowerCase());
}

/** The types a live read takes from one Resource Graph table. Subnets come inside their VNet rows. */
export function typesInTable(table: GraphTable): readonly string[] {
  return RESOURCE_TYPES.filter((entry) => entry.source === table && entry.type !== 'microsoft.network/virtualnetworks/subnets').map((entry) => entry.type);
}
