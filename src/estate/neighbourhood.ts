import { idKey, parentId, resourceToReadFor, typeFromId } from '../core/ids';
import type { Estate } from './model';
import { asNonEmptyString, pick } from '../core/json';

/**
 * The neighbourhood of a change: every rule subject whose verdict may depend on the changed
 * resource. An NSG change reaches the subnets it guards, their computes and those computes'
 * workspaces; a storage account reaches the workspaces using it; and so on along the graph
 * relations the rules read. Every subject serving those workspaces is re-evaluated, plus the
 * changed resource itself. Call it on the estate before and after the change: a relation the
 * change removed (a workspace switched to another storage account) is only visible before.
 */
export function affectedSubjectKeys(estate: Estate, changedResourceId: string): Set<string> {
  const keys = new Set<string>();
  const workspaceKeys = new Set<string>();
  const subnetKeys = new Set<string>();
  const add = (id: string | undefined): void => {
    if (id !== undefined && id !== '') keys.add(idKey(id));
  };
  const addWorkspace = (id: string | undefined): void => {
    if (id !== undefined && id !== '') workspaceKeys.add(idKey(id));
  };
  const addSubnet = (id: string | undefined): void => {
    if (id === undefined || id === '') return;
    subnetKeys.add(idKey(id));
  };

  const changed = containerOf(changedResourceId);
  add(changedResourceId);
  add(changed);
  const type = typeFromId(changed) ?? '';

  switch (type) {
    case 'microsoft.machinelearningservices/workspaces':
      addWorkspace(changed);
      break;
    case 'microsoft.machinelearningservices/workspaces/computes':
      addWorkspace(parentId(changed));
      break;
    case 'microsoft.storage/storageaccounts':
    case 'microsoft.keyvault/vaults':
    case 'microsoft.containerregistry/registries':
      for (const workspace of estate.workspacesUsing(changed)) addWorkspace(workspace.id);
      break;
    case 'microsoft.network/virtualnetworks/subnets':
      addSubnet(changed);
      break;
    case 'microsoft.network/virtualnetworks':
      for (const subnet of estate.subnetsOf(changed)) addSubnet(subnet.id);
      // Databricks and AKS name subnets by VNet; a VNet row may also be all the estate has of them.
      for (const use of estate.computes) if (use.subnetId !== undefined && idKey(parentId(use.subnetId) ?? '') === idKey(changed)) addSubnet(use.subnetId);
      // So do AKS agent pools; and a VNet row without its subnets (malformed) still reaches the computes placed in it.
      for (const workspaceKey of new Set(estate.computes.map((compute) => idKey(compute.workspaceId)))) {
        for (const use of estate.computeSubnetsOf(workspaceKey)) if (idKey(parentId(use.subnetId) ?? '') === idKey(changed)) addSubnet(use.subnetId);
      }
      for (const databricks of estate.databricksWorkspaces) if (databricks.vnetId !== undefined && idKey(databricks.vnetId) === idKey(changed)) attachedWorkspaces(estate, databricks.id, addWorkspace);
      break;
    case 'microsoft.network/networksecuritygroups':
      for (const subnet of estate.subnets) if (subnet.nsgId !== undefined && idKey(subnet.nsgId) === idKey(changed)) addSubnet(subnet.id);
      for (const vm of estate.virtualMachines) {
        for (const nic of estate.networkInterfacesOf(vm.id)) if (nic.nsgId !== undefined && idKey(nic.nsgId) === idKey(changed)) attachedWorkspaces(estate, vm.id, addWorkspace);
      }
      break;
    case 'microsoft.network/routetables':
      for (const subnet of estate.subnets) if (subnet.routeTableId !== undefined && idKey(subnet.routeTableId) === idKey(changed)) addSubnet(subnet.id);
      break;
    case 'microsoft.network/networkinterfaces': {
      const nic = estate.networkInterface(changed);
      for (const subnetId of nic?.subnetIds ?? []) addSubnet(subnetId);
      if (nic?.virtualMachineId !== undefined) attachedWorkspaces(estate, nic.virtualMachineId, addWorkspace);
      break;
    }
    case 'microsoft.network/privateendpoints': {
      // estate.resource() answers the base view: the endpoint's targets are read from its row.
      const properties = estate.resource(changed)?.raw.properties;
      const targets = [...asArrayOf(pick(properties, 'privateLinkServiceConnections')), ...asArrayOf(pick(properties, 'manualPrivateLinkServiceConnections'))]
        .map((connection) => asNonEmptyString(pick(connection, 'properties.privateLinkServiceId')))
        .filter((id): id is string => id !== undefined);
      for (const target of targets) {
        add(target);
        addWorkspace(estate.workspace(target)?.id);
        for (const workspace of estate.workspacesUsing(target)) addWorkspace(workspace.id);
      }
      // An endpoint moved between subnets changes reachability for every resource it serves.
      for (const resource of [...estate.storageAccounts, ...estate.keyVaults, ...estate.containerRegistries]) {
        if (resource.privateEndpointConnections.some((connection) => connection.privateEndpointId !== undefined && idKey(connection.privateEndpointId) === idKey(changed))) {
          add(resource.id);
          for (const workspace of estate.workspacesUsing(resource.id)) addWorkspace(workspace.id);
        }
      }
      break;
    }
    case 'microsoft.containerservice/managedclusters':
    case 'microsoft.compute/virtualmachines':
    case 'microsoft.hdinsight/clusters':
    case 'microsoft.databricks/workspaces':
      attachedWorkspaces(estate, changed, addWorkspace);
      break;
    case 'microsoft.authorization/roleassignments': {
      // A role assignment matters through its principal: the AKS clusters whose identity it is.
      const principalId = asNonEmptyString(pick(estate.resource(changed)?.raw.properties, 'principalId'));
      if (principalId !== undefined) {
        for (const cluster of estate.aksClusters) {
          if (cluster.identityPrincipalIds.some((id) => id.toLowerCase() === principalId.toLowerCase())) attachedWorkspaces(estate, cluster.id, addWorkspace);
        }
      }
      break;
    }
    case 'microsoft.containerinstance/containergroups':
      for (const group of estate.containerGroups) if (group.key === idKey(changed)) for (const subnetId of group.subnetIds) addSubnet(subnetId);
      break;
    case 'microsoft.network/privatednszones':
    case 'microsoft.network/privatednszones/virtualnetworklinks':
      // A zone or link decides name resolution for every private endpoint of its name in every VNet
      // linked to it; zones are few and change seldom: re-judge each workspace served by a private endpoint.
      for (const workspace of estate.workspaces) {
        const served = [workspace.id, workspace.storageAccountId, workspace.keyVaultId, workspace.containerRegistryId].some(
          (id) => id !== undefined && estate.approvedPrivateEndpointsOf(id).length > 0,
        );
        if (served) addWorkspace(workspace.id);
      }
      break;
    case 'microsoft.network/ipgroups':
      // IP groups name firewall rule sources; a handful of firewalls at most: re-judge them all.
      for (const firewall of estate.firewalls) add(firewall.id);
      break;
    case 'microsoft.network/azurefirewalls':
    case 'microsoft.network/firewallpolicies':
    case 'microsoft.network/firewallpolicies/rulecollectiongroups': {
      // Firewall subjects are the firewalls themselves; a policy (or a base policy) reaches every firewall using it.
      const policyKey = idKey(type === 'microsoft.network/firewallpolicies/rulecollectiongroups' ? parentId(changed) ?? changed : changed);
      for (const firewall of estate.firewalls) {
        if (firewall.key === idKey(changed) || usesPolicy(estate, firewall.firewallPolicyId, policyKey)) add(firewall.id);
      }
      break;
    }
    default:
      break;
  }

  // Subnets reach their computes' workspaces, and the container groups in them (aci.subnet-delegation).
  for (const subnetKey of subnetKeys) {
    keys.add(subnetKey);
    for (const use of estate.computeUsesOfSubnet(subnetKey)) addWorkspace(use.compute.workspaceId);
  }

  for (const workspaceKey of workspaceKeys) addWorkspaceSubjects(estate, workspaceKey, keys);
  return keys;
}

/** Every subject that serves the workspace: itself, its computes, their subnets and attached resources, its associated resources, next-hop firewalls. */
function addWorkspaceSubjects(estate: Estate, workspaceKey: string, keys: Set<string>): void {
  keys.add(workspaceKey);
  const workspace = estate.workspace(workspaceKey);
  for (const id of [workspace?.storageAccountId, workspace?.keyVaultId, workspace?.containerRegistryId]) if (id !== undefined) keys.add(idKey(id));
  for (const compute of estate.computesOf(workspaceKey)) {
    keys.add(compute.key);
    if (compute.attachedResourceId !== undefined) keys.add(idKey(compute.attachedResourceId));
  }
  for (const use of estate.computeSubnetsOf(workspaceKey)) {
    keys.add(idKey(use.subnetId));
    const subnet = estate.subnet(use.subnetId);
    if (subnet?.vnetId !== undefined) keys.add(idKey(subnet.vnetId));
    const routeTable = subnet?.routeTableId !== undefined ? estate.routeTable(subnet.routeTableId) : undefined;
    for (const route of routeTable?.parsed.routes ?? []) {
      const firewall = route.nextHopIpAddress !== undefined ? estate.firewallByPrivateIp(route.nextHopIpAddress) : undefined;
      if (firewall !== undefined) keys.add(firewall.key);
    }
  }
}

/** Workspaces with a compute attached to this resource (AKS cluster, VM, HDInsight, Databricks). */
function attachedWorkspaces(estate: Estate, resourceId: string, addWorkspace: (id: string) => void): void {
  const key = idKey(resourceId);
  for (const compute of estate.computes) {
    if (compute.attachedResourceId !== undefined && idKey(compute.attachedResourceId) === key) addWorkspace(compute.workspaceId);
  }
}

function usesPolicy(estate: Estate, policyId: string | undefined, policyKey: string): boolean {
  const seen = new Set<string>();
  let current = policyId;
  while (current !== undefined && !seen.has(idKey(current))) {
    if (idKey(current) === policyKey) return true;
    seen.add(idKey(current));
    current = estate.firewallPolicy(current)?.basePolicyId;
  }
  return false;
}

/**
 * The resource whose state a change is: children judged through their parent count as the parent
 * (security rules, routes, private endpoint connections, agent pools: resourceToReadFor); subnets
 * stay subnets because the estate indexes them on their own.
 */
export function containerOf(resourceId: string): string {
  const trimmed = resourceId.trim().replace(/\/+$/, '');
  if (/\/providers\/microsoft\.network\/virtualnetworks\/[^/]+\/subnets\/[^/]+$/i.test(trimmed)) return trimmed;
  return resourceToReadFor(trimmed);
}

function asArrayOf(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}
