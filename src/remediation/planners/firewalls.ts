import { idKey, nameOf } from '../../core/ids';
import { isObject, pick } from '../../core/json';
import type { Finding, JsonValue } from '../../core/types';
import type { Estate, FirewalledResource } from '../../estate';
import { apiVersionFor, names, propertiesOf, shellWord, writable } from '../arm';
import type { JsonBody, PlanOperation } from '../types';
import type { Planner } from './draft';
import { manual, rowOf } from './draft';
import { addServiceEndpoint, serviceEndpointsOf } from './subnet-writes';
import { subnetLabel } from '../../rules/support/compute-subnets';

/**
 * The firewalls of the workspace's storage account, key vault and registry: let trusted Microsoft
 * services through, let the compute subnets in. Every write PATCHes the whole rule set object
 * (networkAcls, the registry's networkRuleSet): the providers replace it as a whole, so the body
 * carries its other settings as read, and the precondition is the object as read.
 */

type Kind = 'storage' | 'keyvault' | 'registry';

const SECTION: Readonly<Record<Kind, string>> = { storage: 'networkAcls', keyvault: 'networkAcls', registry: 'networkRuleSet' };
const ENDPOINT: Readonly<Record<Kind, string | undefined>> = { storage: 'Microsoft.Storage', keyvault: 'Microsoft.KeyVault', registry: undefined };
const NOUN: Readonly<Record<Kind, string>> = { storage: 'storage account', keyvault: 'key vault', registry: 'container registry' };

function resourceOf(estate: Estate, kind: Kind, id: string): FirewalledResource | undefined {
  return kind === 'storage' ? estate.storageAccount(id) : kind === 'keyvault' ? estate.keyVault(id) : estate.containerRegistry(id);
}

/** A PATCH of the rule set with `change` applied, its rollback, and the precondition on the set as read. */
function ruleSetPatch(row: unknown, id: string, kind: Kind, change: (section: JsonBody) => JsonBody, description: string): { operation: PlanOperation; rollback: PlanOperation } {
  const section = SECTION[kind];
  const before = writable(propertiesOf(row)[section] ?? {}) as JsonBody;
  const after = change(JSON.parse(JSON.stringify(before)) as JsonBody);
  const apiVersion = apiVersionFor(id);
  const path = `properties.${section}`;
  return {
    operation: { method: 'PATCH', id, apiVersion, body: { properties: { [section]: after } }, precondition: { readId: id, apiVersion, values: { [path]: before } }, description },
    rollback: {
      method: 'PATCH',
      id,
      apiVersion,
      body: { properties: { [section]: before } },
      precondition: { readId: id, apiVersion, values: { [path]: after } },
      description: `restore the ${section} of ${NOUN[kind]} '${nameOf(id)}' as they were`,
    },
  };
}

/** A bypass that lets trusted Microsoft services in: Key Vault's is one value; storage's a set, kept, with AzureServices added. */
function bypassWithAzureServices(kind: 'storage' | 'keyvault', bypass: string | undefined): string {
  if (kind === 'keyvault') return 'AzureServices';
  const entries = (bypass ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '' && entry.toLowerCase() !== 'none');
  return entries.some((entry) => entry.toLowerCase() === 'azureservices') ? entries.join(', ') : [...entries, 'AzureServices'].join(', ');
}

function trustedServices(kind: 'storage' | 'keyvault'): Planner {
  return {
    ruleIds: [`${kind}.trusted-services`],
    plan(finding, { estate }) {
      const resource = resourceOf(estate, kind, finding.resourceId);
      if (resource === undefined) return [];
      const bypass = bypassWithAzureServices(kind, resource.bypass);
      const { operation, rollback } = ruleSetPatch(resource.raw, resource.id, kind, (section) => ({ ...section, bypass }), `set the network bypass of ${NOUN[kind]} '${resource.name}' to '${bypass}'`);
      const { group } = names(resource.id);
      const az =
        kind === 'storage'
          ? `az storage account update --resource-group ${shellWord(group)} --name ${shellWord(resource.name)} --bypass ${bypass.split(', ').map(shellWord).join(' ')}`
          : `az keyvault update --resource-group ${shellWord(group)} --name ${shellWord(resource.name)} --bypass AzureServices`;
      return [
        {
          mode: 'auto',
          summary: `Let trusted Microsoft services (Azure Machine Learning among them) through the firewall of ${NOUN[kind]} '${resource.name}': bypass '${resource.bypass ?? ''}' becomes '${bypass}'.`,
          risk: `Widens: Azure services on Microsoft's trusted-services list may pass the firewall of '${resource.name}' (they still need an identity with access to its data); no address range or subnet is opened. The default action, IP rules and virtual network rules are unchanged.`,
          operations: [operation],
          az: [az],
          rollback: [rollback],
        },
      ];
    },
  };
}

interface Unreachable {
  readonly subnetId: string;
  readonly reason: string;
  readonly vnetId: string | null;
}

function unreachableSubnets(finding: Finding): Unreachable[] {
  const list = Array.isArray(finding.evidence.unreachableSubnets) ? finding.evidence.unreachableSubnets : [];
  return list.flatMap((entry: JsonValue) =>
    isObject(entry) && typeof entry.subnetId === 'string' && typeof entry.reason === 'string'
      ? [{ subnetId: entry.subnetId, reason: entry.reason, vnetId: typeof entry.vnetId === 'string' ? entry.vnetId : null }]
      : [],
  );
}

function virtualNetworkRule(kind: Kind, subnetId: string): JsonBody {
  if (kind === 'keyvault') return { id: subnetId, ignoreMissingVnetServiceEndpoint: false };
  return { id: subnetId, action: 'Allow' };
}

function computeSubnetAllowed(kind: Kind): Planner {
  return {
    ruleIds: [`${kind === 'registry' ? 'acr' : kind}.compute-subnet-allowed`],
    plan(finding, { estate }) {
      const resource = resourceOf(estate, kind, finding.resourceId);
      if (resource === undefined) return [];
      const missing = unreachableSubnets(finding);
      if (missing.length === 0) return [];
      const { group } = names(resource.id);
      const privateEndpointAz = missing.map(
        (subnet) =>
          `az network private-endpoint create --resource-group ${shellWord(names(subnet.subnetId).group)} --name ${shellWord(`pe-${resource.name}-${names(subnet.subnetId).name}`)} --subnet ${shellWord(subnet.subnetId)} --private-connection-resource-id ${shellWord(resource.id)} --group-id ${kind === 'storage' ? 'blob' : kind === 'keyvault' ? 'vault' : 'registry'} --connection-name ${shellWord(`${resource.name}-connection`)}`,
      );
      const blocked = missing.filter((subnet) => subnet.reason === 'public-access-disabled');
      if (blocked.length > 0) {
        return [
          manual(`public network access of '${resource.name}' is Disabled: only a private endpoint lets ${blocked.map((subnet) => nameOf(subnet.subnetId)).join(', ')} in, and a private endpoint needs DNS (a private DNS zone linked to the VNet) this auditor does not write`, {
            summary: `Reach ${NOUN[kind]} '${resource.name}' from ${missing.map((subnet) => nameOf(subnet.subnetId)).join(', ')} through private endpoints in their VNets.`,
            risk: 'Adds a private IP for the resource inside the VNet; needs the privatelink DNS zone linked to the VNet, or name resolution still returns the public address.',
            operations: [],
            az: privateEndpointAz,
            rollback: [],
          }),
        ];
      }
      if (kind === 'registry' && (estate.containerRegistry(resource.id)?.skuName ?? '').toLowerCase() !== 'premium') {
        return [
          manual(`virtual network rules need the Premium SKU; registry '${resource.name}' is not Premium (see acr.premium-sku)`, {
            summary: `Upgrade registry '${resource.name}' to Premium, then add the compute subnets to its network rules.`,
            risk: 'Premium costs more; upgrading keeps the images.',
            operations: [],
            az: [`az acr update --resource-group ${shellWord(group)} --name ${shellWord(resource.name)} --sku Premium`, ...missing.map((subnet) => `az acr network-rule add --resource-group ${shellWord(group)} --name ${shellWord(resource.name)} --subnet ${shellWord(subnet.subnetId)}`)],
            rollback: [],
          }),
        ];
      }
      const operations: PlanOperation[] = [];
      const rollback: PlanOperation[] = [];
      const az: string[] = [];
      const endpoint = ENDPOINT[kind];
      // The subnet's service endpoint first: a virtual network rule without it admits nothing.
      if (endpoint !== undefined) {
        for (const subnet of missing) {
          const properties = propertiesOf(rowOf(estate, subnet.subnetId));
          const has = serviceEndpointsOf(properties).some((service) => service.toLowerCase() === endpoint.toLowerCase() || service.toLowerCase() === `${endpoint.toLowerCase()}.global`);
          if (has) continue;
          const write = addServiceEndpoint(estate, subnet.subnetId, endpoint);
          if (write === undefined) return [];
          operations.push(write.operation);
          rollback.unshift(write.rollback);
          az.push(write.az);
        }
      }
      const ruled = new Set(resource.virtualNetworkRules.map((rule) => idKey(rule.subnetId)));
      const toAdd = missing.filter((subnet) => !ruled.has(idKey(subnet.subnetId)));
      if (toAdd.length > 0) {
        const patch = ruleSetPatch(
          resource.raw,
          resource.id,
          kind,
          (section) => ({ ...section, virtualNetworkRules: [...(Array.isArray(section.virtualNetworkRules) ? section.virtualNetworkRules : []), ...toAdd.map((subnet) => virtualNetworkRule(kind, subnet.subnetId))] }),
          `add ${toAdd.map((subnet) => `'${subnetLabel(subnet.subnetId)}'`).join(', ')} to the virtual network rules of ${NOUN[kind]} '${resource.name}'`,
        );
        operations.push(patch.operation);
        rollback.unshift(patch.rollback);
        const command = kind === 'storage' ? `az storage account network-rule add --resource-group ${shellWord(group)} --account-name ${shellWord(resource.name)}` : kind === 'keyvault' ? `az keyvault network-rule add --resource-group ${shellWord(group)} --name ${shellWord(resource.name)}` : `az acr network-rule add --resource-group ${shellWord(group)} --name ${shellWord(resource.name)}`;
        for (const subnet of toAdd) az.push(`${command} --subnet ${shellWord(subnet.subnetId)}`);
      }
      if (operations.length === 0) return [];
      const subnetNames = missing.map((subnet) => `'${subnetLabel(subnet.subnetId)}'`).join(', ');
      const endpointRisk =
        endpoint !== undefined && operations.some((operation) => operation.method === 'PUT')
          ? ` Adding the ${endpoint} service endpoint also sends the subnet's traffic to every ${endpoint === 'Microsoft.Storage' ? 'storage account' : 'key vault'} in the region over the Azure backbone, from private addresses: IP rules elsewhere that admitted the subnet's public addresses stop matching.`
          : '';
      return [
        {
          mode: 'auto',
          summary: `Let compute subnet(s) ${subnetNames} reach ${NOUN[kind]} '${resource.name}' through its firewall.`,
          risk: `Widens: every resource in ${subnetNames} (not only the Azure ML computes) may reach '${resource.name}' through the firewall; it still needs credentials for its data.${endpointRisk}`,
          operations,
          az,
          rollback,
        },
      ];
    },
  };
}

/** Default deny locks out whoever reaches the resource from elsewhere: always a person's decision. */
function defaultDeny(kind: 'storage' | 'keyvault'): Planner {
  return {
    ruleIds: [`${kind}.default-deny`],
    plan(finding, { estate }) {
      const resource = resourceOf(estate, kind, finding.resourceId);
      if (resource === undefined) return [];
      const subnetIds: string[] = [];
      for (const workspace of estate.workspacesUsing(resource.id)) {
        for (const use of estate.computeSubnetsOf(workspace.id)) if (!subnetIds.some((id) => idKey(id) === idKey(use.subnetId))) subnetIds.push(use.subnetId);
      }
      const ruled = new Set(resource.virtualNetworkRules.map((rule) => idKey(rule.subnetId)));
      const patch = ruleSetPatch(resource.raw, resource.id, kind, (section) => ({
        ...section,
        defaultAction: 'Deny',
        bypass: bypassWithAzureServices(kind, typeof section.bypass === 'string' ? section.bypass : undefined),
        virtualNetworkRules: [...(Array.isArray(section.virtualNetworkRules) ? section.virtualNetworkRules : []), ...subnetIds.filter((id) => !ruled.has(idKey(id))).map((id) => virtualNetworkRule(kind, id))],
      }), `deny by default on ${NOUN[kind]} '${resource.name}', admitting the compute subnets and trusted services`);
      const endpoint = ENDPOINT[kind] as string;
      const operations: PlanOperation[] = [];
      const rollback: PlanOperation[] = [patch.rollback];
      const az: string[] = [];
      for (const subnetId of subnetIds) {
        if (serviceEndpointsOf(propertiesOf(rowOf(estate, subnetId))).some((service) => service.toLowerCase().startsWith(endpoint.toLowerCase()))) continue;
        const write = addServiceEndpoint(estate, subnetId, endpoint);
        if (write === undefined) continue;
        operations.push(write.operation);
        rollback.unshift(write.rollback);
        az.push(write.az);
      }
      operations.push(patch.operation);
      const { group } = names(resource.id);
      for (const subnetId of subnetIds.filter((id) => !ruled.has(idKey(id)))) {
        az.push(kind === 'storage' ? `az storage account network-rule add --resource-group ${shellWord(group)} --account-name ${shellWord(resource.name)} --subnet ${shellWord(subnetId)}` : `az keyvault network-rule add --resource-group ${shellWord(group)} --name ${shellWord(resource.name)} --subnet ${shellWord(subnetId)}`);
      }
      az.push(kind === 'storage' ? `az storage account update --resource-group ${shellWord(group)} --name ${shellWord(resource.name)} --default-action Deny --bypass AzureServices` : `az keyvault update --resource-group ${shellWord(group)} --name ${shellWord(resource.name)} --default-action Deny --bypass AzureServices`);
      const ipRules = pick(propertiesOf(resource.raw), `${SECTION[kind]}.ipRules`);
      return [
        manual('denying by default shuts out every network not listed (people, pipelines, other services): confirm who reaches it first', {
          summary: `Deny network access to ${NOUN[kind]} '${resource.name}' by default, admitting ${subnetIds.length} compute subnet(s) and trusted Microsoft services.`,
          risk: `Narrows: every client outside the listed subnets${Array.isArray(ipRules) && ipRules.length > 0 ? ` and the ${ipRules.length} IP rule(s)` : ''} loses access to '${resource.name}', people on their own networks and CI pipelines included.`,
          operations,
          az,
          rollback,
        }),
      ];
    },
  };
}

export const firewallPlanners: readonly Planner[] = [
  trustedServices('storage'),
  trustedServices('keyvault'),
  computeSubnetAllowed('storage'),
  computeSubnetAllowed('keyvault'),
  computeSubnetAllowed('registry'),
  defaultDeny('storage'),
  defaultDeny('keyvault'),
];

