import { isObject } from '../core/json';

/**
 * What a row must look like for its reader to be trusted. The readers (build.ts) answer
 * `undefined` for anything missing or malformed, which is right for a property Azure leaves unset
 * but wrong for a row whose `properties` is absent or of the wrong JSON kind: read that way, an
 * AKS cluster without `properties` looked public-API-free (pass), an NSG without them held no rules,
 * and a workspace without them served no storage account, so the findings of its storage account
 * were resolved as gone. A row this table finds malformed is still read, but every verdict that
 * may depend on it is unknown (src/engine/audit.ts) and the run resolves nothing by absence.
 *
 * Only the kinds of properties the readers read are checked, and only when written: `null` and
 * absent are how Azure writes an unset property, except for the few it always writes (REQUIRED_PROPERTIES).
 * Paths are those of `pick` ("a.b"), each step before the last an object; a step ending in `[]`
 * is a list whose every element is checked, since a reader skips an element that is not an object
 * (a VNet's list of subnets holding a number would hide one subnet).
 */

/** A JSON kind, or `reference`: an object naming another resource by a non-empty string `id`, as ARM writes `{ "id": … }`. */
type JsonKind = 'object' | 'array' | 'string' | 'boolean' | 'number' | 'reference';

type Expected = Readonly<Record<string, JsonKind>>;

const CONNECTIONS: Expected = {
  'privateEndpointConnections[].properties': 'object',
  'privateEndpointConnections[].properties.privateEndpoint': 'reference',
  'privateEndpointConnections[].properties.privateLinkServiceConnectionState': 'object',
  'privateEndpointConnections[].properties.privateLinkServiceConnectionState.status': 'string',
};

const FIREWALLED: Expected = { ...CONNECTIONS, publicNetworkAccess: 'string' };

const NETWORK_ACLS: Expected = {
  networkAcls: 'object',
  'networkAcls.defaultAction': 'string',
  'networkAcls.bypass': 'string',
  'networkAcls.virtualNetworkRules[]': 'reference',
  'networkAcls.ipRules': 'array',
};

const SUBNET: Expected = {
  addressPrefix: 'string',
  'addressPrefixes[]': 'string',
  networkSecurityGroup: 'reference',
  routeTable: 'reference',
  natGateway: 'reference',
  'serviceEndpoints[].service': 'string',
  'delegations[].properties.serviceName': 'string',
  ipConfigurations: 'array',
  defaultOutboundAccess: 'boolean',
};

const ENDPOINT_CONNECTIONS: Expected = {
  'privateLinkServiceConnections[].properties.privateLinkServiceId': 'string',
  'privateLinkServiceConnections[].properties.groupIds[]': 'string',
  'manualPrivateLinkServiceConnections[].properties.privateLinkServiceId': 'string',
  'manualPrivateLinkServiceConnections[].properties.groupIds[]': 'string',
};

/** By lowercase type: the properties its reader reads, and their kind. A type absent here is not checked. */
const EXPECTED_PROPERTIES: ReadonlyMap<string, Expected> = new Map<string, Expected>([
  [
    'microsoft.machinelearningservices/workspaces',
    {
      ...CONNECTIONS,
      storageAccount: 'string',
      keyVault: 'string',
      containerRegistry: 'string',
      imageBuildCompute: 'string',
      'serverlessComputeSettings.serverlessComputeCustomSubnet': 'string',
      'serverlessComputeSettings.serverlessComputeNoPublicIP': 'boolean',
      'sharedPrivateLinkResources[].properties.privateLinkResourceId': 'string',
      'sharedPrivateLinkResources[].properties.groupId': 'string',
      'sharedPrivateLinkResources[].properties.status': 'string',
      publicNetworkAccess: 'string',
    },
  ],
  [
    'microsoft.machinelearningservices/workspaces/computes',
    {
      computeType: 'string',
      resourceId: 'string',
      'properties.subnet': 'reference',
      'properties.loadBalancerType': 'string',
      'properties.enableNodePublicIp': 'boolean',
      'properties.currentNodeCount': 'number',
      'properties.scaleSettings.maxNodeCount': 'number',
      'properties.aksNetworkingConfiguration.subnetId': 'string',
      'properties.aksNetworkingConfiguration.serviceCidr': 'string',
      'properties.aksNetworkingConfiguration.dnsServiceIP': 'string',
      'properties.aksNetworkingConfiguration.dockerBridgeCidr': 'string',
    },
  ],
  ['microsoft.network/virtualnetworks', { 'addressSpace.addressPrefixes[]': 'string', 'subnets[].properties': 'object', 'dhcpOptions.dnsServers[]': 'string' }],
  ['microsoft.network/virtualnetworks/subnets', SUBNET],
  ['microsoft.network/networksecuritygroups', { securityRules: 'array', defaultSecurityRules: 'array' }],
  ['microsoft.network/routetables', { 'routes[].properties': 'object', disableBgpRoutePropagation: 'boolean' }],
  ['microsoft.network/networkinterfaces', { 'ipConfigurations[].properties.subnet': 'reference', 'ipConfigurations[].properties.privateIPAddress': 'string', networkSecurityGroup: 'reference', virtualMachine: 'reference' }],
  ['microsoft.network/privateendpoints', { ...ENDPOINT_CONNECTIONS, subnet: 'reference' }],
  ['microsoft.network/privatednszones', {}],
  ['microsoft.network/privatednszones/virtualnetworklinks', { virtualNetwork: 'reference' }],
  ['microsoft.storage/storageaccounts', { ...FIREWALLED, ...NETWORK_ACLS, isHnsEnabled: 'boolean' }],
  ['microsoft.keyvault/vaults', { ...FIREWALLED, ...NETWORK_ACLS }],
  // Older registry API versions name a rule's subnet `virtualNetworkResourceId`, not `id`: an object is all that can be asked.
  ['microsoft.containerregistry/registries', { ...FIREWALLED, networkRuleSet: 'object', 'networkRuleSet.defaultAction': 'string', 'networkRuleSet.virtualNetworkRules[]': 'object', 'networkRuleSet.ipRules': 'array', networkRuleBypassOptions: 'string' }],
  [
    'microsoft.containerservice/managedclusters',
    {
      'networkProfile.serviceCidr': 'string',
      'networkProfile.dnsServiceIP': 'string',
      'networkProfile.dockerBridgeCidr': 'string',
      'apiServerAccessProfile.enablePrivateCluster': 'boolean',
      'agentPoolProfiles[].vnetSubnetID': 'string',
      'servicePrincipalProfile.clientId': 'string',
    },
  ],
  [
    'microsoft.compute/virtualmachines',
    {
      'networkProfile.networkInterfaces[]': 'reference',
      'storageProfile.imageReference.publisher': 'string',
      'storageProfile.imageReference.offer': 'string',
      'storageProfile.imageReference.sku': 'string',
      'storageProfile.osDisk.osType': 'string',
    },
  ],
  ['microsoft.hdinsight/clusters', { 'computeProfile.roles[].virtualNetworkProfile.subnet': 'string' }],
  [
    'microsoft.databricks/workspaces',
    { 'parameters.customVirtualNetworkId.value': 'string', 'parameters.customPublicSubnetName.value': 'string', 'parameters.customPrivateSubnetName.value': 'string' },
  ],
  ['microsoft.containerinstance/containergroups', { 'subnetIds[]': 'reference' }],
  ['microsoft.network/azurefirewalls', { 'ipConfigurations[].properties.privateIPAddress': 'string', 'hubIPAddresses.privateIPAddress': 'string', firewallPolicy: 'reference' }],
  ['microsoft.network/firewallpolicies', { 'ruleCollectionGroups[]': 'object', basePolicy: 'reference' }],
  ['microsoft.network/firewallpolicies/rulecollectiongroups', { ruleCollections: 'array' }],
  ['microsoft.network/ipgroups', { 'ipAddresses[]': 'string' }],
  ['microsoft.authorization/roleassignments', { principalId: 'string', roleDefinitionId: 'string', scope: 'string' }],
]);

/**
 * Properties Azure always writes for a type, so that their absence is a damaged row, not a default:
 * a compute's kind (the ARM discriminator) and an AKS cluster's node pools (a cluster has at least one).
 */
const REQUIRED_PROPERTIES: ReadonlyMap<string, readonly string[]> = new Map([
  ['microsoft.machinelearningservices/workspaces/computes', ['computeType']],
  ['microsoft.containerservice/managedclusters', ['agentPoolProfiles']],
]);

/** One step of a path: the property's name, and whether it is a list whose every element goes on. */
interface Step {
  readonly name: string;
  readonly each: boolean;
}

/** Each expected path as its steps, with the kind of its end (every step before it: an object, or a list of them). */
const CHECKS: ReadonlyMap<string, readonly (readonly [readonly Step[], JsonKind])[]> = new Map(
  [...EXPECTED_PROPERTIES].map(([type, expected]) => [
    type,
    Object.entries(expected).map(([path, kind]) => [path.split('.').map((step) => (step.endsWith('[]') ? { name: step.slice(0, -2), each: true } : { name: step, each: false })), kind] as const),
  ]),
);

/**
 * A boolean or number may arrive as any scalar: Resource Notifications payloads write booleans as
 * "True" or 0/1, which the readers read (src/core/json.ts asBoolean, asNumber) or call malformed themselves.
 */
const SCALARS: ReadonlySet<string> = new Set(['boolean', 'number', 'string']);
const READ_FROM_ANY_SCALAR: ReadonlySet<string> = new Set(['boolean', 'number']);

function kindOf(value: unknown): JsonKind | 'null' | undefined {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'object':
      return 'object';
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'number':
      return 'number';
    default:
      return undefined;
  }
}

function written(kind: JsonKind | 'null' | undefined): string {
  if (kind === undefined) return 'missing';
  if (kind === 'null') return 'null';
  if (kind === 'reference') return 'a reference ({ "id": … })';
  return kind === 'array' || kind === 'object' ? `an ${kind}` : `a ${kind}`;
}

/** What a value is, as a message says it: an object that should have been a reference is one "without an id". */
function writtenAs(value: unknown, expected: JsonKind): string {
  const actual = kindOf(value);
  return expected === 'reference' && actual === 'object' ? 'an object without an id' : written(actual);
}

/**
 * Why a row's `properties` cannot be read as its type's, or undefined when they can (or the type
 * is not checked). `properties` is the value the caller already holds: a row left in its snapshot
 * file is read back each time it is asked.
 */
export function malformedProperties(type: string, properties: unknown): string | undefined {
  const checks = CHECKS.get(type);
  if (checks === undefined) return undefined;
  if (!isObject(properties)) return `its properties are ${written(kindOf(properties))}, not an object`;
  for (const name of REQUIRED_PROPERTIES.get(type) ?? []) {
    if (properties[name] === undefined || properties[name] === null) return `properties.${name} is missing, which Azure always writes`;
  }
  for (const [steps, kind] of checks) {
    const problem = problemAt(properties, steps, 0, kind);
    if (problem !== undefined) return `properties.${problem.path.reverse().join('')} is ${writtenAs(problem.value, problem.expected)}, where Azure writes ${written(problem.expected)}`;
  }
  return undefined;
}

/** A value of the wrong kind, and where: its path's segments, innermost first (collected as the walk unwinds). */
interface Problem {
  readonly path: string[];
  readonly value: unknown;
  readonly expected: JsonKind;
}

/**
 * The first value along `steps` from `value` that is of the wrong kind: every step but the last
 * must be an object, a step ending in `[]` an array whose every element is checked on. A value
 * that is absent or null ends the walk (Azure's unset). Every row of an estate is walked: nothing
 * is allocated unless a problem is found.
 */
function problemAt(value: unknown, steps: readonly Step[], index: number, kind: JsonKind): Problem | undefined {
  const { name, each } = steps[index] as Step;
  const current = (value as Record<string, unknown>)[name];
  if (current === undefined || current === null) return undefined;
  const last = index === steps.length - 1;
  const expected: JsonKind = each ? 'array' : last ? kind : 'object';
  if (!isKind(current, expected)) return { path: [segmentOf(name, index)], value: current, expected };
  if (!each) return last ? undefined : within(problemAt(current, steps, index + 1, kind), name, index);
  const elements = current as readonly unknown[];
  const elementKind: JsonKind = last ? kind : 'object';
  for (let position = 0; position < elements.length; position += 1) {
    const element = elements[position];
    // A null element is no more Azure's "unset" than a number: a list holds what it lists.
    if (!isKind(element, elementKind)) return { path: [`[${position}]`, segmentOf(name, index)], value: element, expected: elementKind };
    const problem = last ? undefined : problemAt(element, steps, index + 1, kind);
    if (problem !== undefined) return within(problem, name, index, position);
  }
  return undefined;
}

/** A path's segment for the step named `name` at `index` ("subnets", ".properties"). */
function segmentOf(name: string, index: number): string {
  return index === 0 ? name : `.${name}`;
}

/** A problem found below step `index` (and element `position` of its list), its path extended as the walk unwinds. */
function within(problem: Problem | undefined, name: string, index: number, position?: number): Problem | undefined {
  if (problem === undefined) return undefined;
  if (position !== undefined) problem.path.push(`[${position}]`);
  problem.path.push(segmentOf(name, index));
  return problem;
}

function isKind(value: unknown, expected: JsonKind): boolean {
  if (expected === 'reference') return isObject(value) && typeof value['id'] === 'string' && value['id'] !== '';
  const actual = kindOf(value);
  return actual === expected || (READ_FROM_ANY_SCALAR.has(expected) && actual !== undefined && SCALARS.has(actual));
}

/** A row read, but not trusted: see malformedProperties. */
export interface MalformedRow {
  readonly resourceId: string;
  readonly reason: string;
}
