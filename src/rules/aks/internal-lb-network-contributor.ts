import { idKey, nameOf, resourceGroupOf, subscriptionOf } from '../../core/ids';
import type { JsonValue } from '../../core/types';
import type { Compute, Estate, RoleAssignment } from '../../estate';
import { perEstate } from '../support/per-estate';
import { defineRule } from '../types';
import type { RuleSubject } from '../types';
import { aksPlacementOf } from '../support/attached';

/** Roles that carry Microsoft.Network/virtualNetworks/subnets/join and load balancer rights (role definition GUIDs). */
const SUFFICIENT_ROLES: ReadonlyMap<string, string> = new Map([
  ['4d97b98b-1d4f-4787-a291-c67834d212e7', 'Network Contributor'],
  ['b24988ac-6180-42a0-ab88-20f7382dd24c', 'Contributor'],
  ['8e3af657-a8ff-443c-a75c-2fe8c4bcb635', 'Owner'],
]);

const MANAGEMENT_GROUP_SCOPE = /^\/providers\/microsoft\.management\/managementgroups\//i;
const ASSIGNMENT_SUFFIX = /\/providers\/microsoft\.authorization\/roleassignments\/[^/]+\/?$/i;


/**
 * 000 "Network contributor role": the AKS identity needs Network Contributor on the resource group
 * of the VNet before the internal load balancer can take a private IP. Contributor and Owner include
 * those rights; a grant on the VNet itself or on the subscription covers the resource group's VNet too.
 */
export const aksInternalLbNetworkContributorRule = defineRule({
  meta: {
    id: 'aks.internal-lb-network-contributor',
    title: 'AKS identity lacks Network Contributor on the VNet resource group for the internal load balancer',
    severity: 'high',
    source: {
      document: '000',
      section: 'Network contributor role',
      quote:
        'If you create or attach an AKS cluster by providing a virtual network you previously created, you must grant the service principal (SP) or managed identity for your AKS cluster the Network Contributor role to the resource group that contains the virtual network. This must be done before you try to change the internal load balancer to private IP.',
    },
    description:
      "An AKS compute on an internal load balancer needs its cluster identity to hold Network Contributor (or Contributor/Owner) on the VNet's resource group, its subscription or the VNet itself.",
    remediation: "Grant the cluster's managed identity (or service principal) the Network Contributor role on the resource group that contains the VNet.",
    enabledByDefault: true,
    guidance: { status: 'current' },
    messages: {
      granted: "AKS compute '{{name}}': the identity of cluster '{{cluster}}' holds {{role}} at {{scope}}, which covers VNet '{{vnet}}'.",
      notGranted:
        "AKS compute '{{name}}' uses an internal load balancer, but the identity {{principal}} of cluster '{{cluster}}' has no Network Contributor, Contributor or Owner role on VNet '{{vnet}}', its resource group '{{resourceGroup}}' or its subscription ({{found}} role assignment(s) of it in the inventory); grant it Network Contributor on the resource group, or the private IP cannot be configured.",
      undetermined:
        "AKS compute '{{name}}' uses an internal load balancer; no grant to the identity of cluster '{{cluster}}' covers VNet '{{vnet}}' in the inventory, but {{reason}}.",
      noPrincipal:
        "AKS compute '{{name}}' uses an internal load balancer, but cluster '{{cluster}}' {{reason}}; check that it holds Network Contributor on the resource group of VNet '{{vnet}}'.",
      noCustomVnet: "AKS compute '{{name}}' uses an internal load balancer in a VNet that AKS manages itself (no custom node subnet), so no role grant is needed.",
      missing: "AKS compute '{{name}}' uses an internal load balancer, but its cluster cannot be judged: {{reason}}.",
    },
  },
  subjects: (estate) => {
    const subjects: RuleSubject<Compute>[] = [];
    for (const compute of estate.computes) {
      if (compute.computeType === 'AKS' && compute.loadBalancerType?.toLowerCase() === 'internalloadbalancer') {
        subjects.push({ resourceId: compute.id, workspaceIds: [compute.workspaceId], target: compute });
      }
    }
    return subjects;
  },
  check: ({ target: compute }, estate) => {
    const clusterId = compute.attachedResourceId;
    const cluster = clusterId !== undefined ? estate.aksCluster(clusterId) : undefined;
    if (cluster === undefined) {
      const reason = clusterId === undefined ? 'the compute names no cluster (properties.resourceId is absent)' : `cluster '${nameOf(clusterId)}' is not in the inventory`;
      return { status: 'unknown', messageId: 'missing', data: { name: compute.name, reason }, evidence: { computeId: compute.id, missingResourceId: clusterId ?? null } };
    }
    const placement = aksPlacementOf(estate, cluster, [compute]);
    if (placement.vnetIds.length === 0) {
      return { status: 'not-applicable', messageId: 'noCustomVnet', data: { name: compute.name }, evidence: { clusterId: cluster.id, subnetIds: [] } };
    }
    const vnetId = placement.vnetIds[0] ?? '';
    const base = { name: compute.name, cluster: cluster.name, vnet: nameOf(vnetId) };
    const baseEvidence = { clusterId: cluster.id, vnetIds: [...placement.vnetIds], subnetIds: [...placement.subnetIds], acceptedScopes: placement.vnetIds.flatMap(acceptedScopes) };

    const principals = cluster.identityPrincipalIds;
    if (principals.length === 0) {
      const servicePrincipal = cluster.servicePrincipalClientId !== undefined && cluster.servicePrincipalClientId.toLowerCase() !== 'msi';
      const reason = servicePrincipal
        ? `runs as service principal ${cluster.servicePrincipalClientId} whose object ID the inventory does not hold`
        : 'has no managed identity principal ID in the inventory';
      return {
        status: 'unknown',
        messageId: 'noPrincipal',
        data: { ...base, reason },
        evidence: { ...baseEvidence, identityType: cluster.identityType ?? null, servicePrincipalClientId: cluster.servicePrincipalClientId ?? null },
      };
    }

    const { relevant: assignments, found, total } = identityGrants(estate, principals);
    const grants: { [key: string]: JsonValue }[] = [];
    const uncovered: string[] = [];
    const doubts: string[] = [];
    const unread: string[] = [];
    for (const vnet of placement.vnetIds) {
      const scopes = new Set(acceptedScopes(vnet));
      const ancestors = new Set((estate.managementGroupsOf(subscriptionOf(vnet) ?? '') ?? []).map((name) => name.toLowerCase()));
      const hierarchyKnown = estate.managementGroupsOf(subscriptionOf(vnet) ?? '') !== undefined;
      const covers = (assignment: RoleAssignment): boolean => {
        const scope = scopeOf(assignment);
        const group = managementGroupOf(scope);
        // A grant on a management group above the VNet's subscription is inherited by it.
        return scopes.has(idKey(scope)) || (group !== undefined && ancestors.has(group));
      };
      const grant = assignments.find((assignment) => isSufficient(assignment) && covers(assignment));
      if (grant !== undefined) {
        grants.push({ vnetId: vnet, ...describeAssignment(grant) });
        continue;
      }
      uncovered.push(vnet);
      const gap = estate.gapOver(vnet);
      if (gap !== undefined) unread.push(`the role assignments over subscription ${subscriptionOf(vnet) ?? '?'} may not all have been read (${gap.reason})`);
      for (const assignment of assignments) {
        const scope = scopeOf(assignment);
        if (isSufficient(assignment) && MANAGEMENT_GROUP_SCOPE.test(scope) && !hierarchyKnown) {
          doubts.push(`a ${roleName(assignment)} grant at management group scope '${scope}' may cover it (the inventory does not hold the management group ancestry of subscription ${subscriptionOf(vnet) ?? '?'})`);
        } else if (assignment.roleDefinitionId === undefined && (scopes.has(idKey(scope)) || MANAGEMENT_GROUP_SCOPE.test(scope))) {
          doubts.push(`the role of assignment '${assignment.name}' at '${scope}' cannot be read`);
        }
      }
    }
    const evidence = { ...baseEvidence, principalIds: [...principals], grants, roleAssignmentsFound: [...found], roleAssignmentsOfIdentity: total };
    if (uncovered.length === 0) {
      const first = grants[0] as { role: string; scope: string };
      return { status: 'pass', messageId: 'granted', data: { ...base, role: first.role, scope: first.scope }, evidence };
    }
    const uncoveredVnet = uncovered[0] ?? vnetId;
    const uncoveredData = { ...base, vnet: nameOf(uncoveredVnet) };
    // An inventory without any role assignment did not read them (Resource Graph authorizationresources): no grant can be judged missing.
    if (estate.roleAssignmentCount === 0) doubts.push('the inventory holds no role assignment at all, so grants cannot be read');
    if (doubts.length > 0 || unread.length > 0) {
      const reason = [...new Set([...unread, ...doubts])].join('; ');
      return { status: 'unknown', messageId: 'undetermined', data: { ...uncoveredData, reason }, evidence: { ...evidence, uncoveredVnetIds: uncovered }, ...(unread.length > 0 ? { notRead: reason } : {}) };
    }
    return {
      status: 'fail',
      messageId: 'notGranted',
      data: { ...uncoveredData, principal: principals.join(', '), resourceGroup: resourceGroupOf(uncoveredVnet) ?? 'unknown', found: total },
      evidence: { ...evidence, uncoveredVnetIds: uncovered },
    };
  },
});

/** Assignments of the identity listed in evidence; the count says how many there are in all. */
const FOUND_SHOWN = 20;

/**
 * What the rule needs of an identity's role assignments, worked out once per estate and identity
 * (many clusters often share one identity, which may hold thousands of grants): only those that
 * could cover a VNet (a sufficient role, or a role that cannot be read) are scanned per compute.
 */
function identityGrants(estate: Estate, principals: readonly string[]): { relevant: readonly RoleAssignment[]; found: readonly { [key: string]: JsonValue }[]; total: number } {
  return perEstate(estate, `aks-identity-grants|${principals.map((principal) => principal.toLowerCase()).join(',')}`, () => {
    const relevant: RoleAssignment[] = [];
    const found: { [key: string]: JsonValue }[] = [];
    let total = 0;
    for (const principal of principals) {
      for (const assignment of estate.roleAssignmentsOf(principal)) {
        total++;
        if (found.length < FOUND_SHOWN) found.push(describeAssignment(assignment));
        if (isSufficient(assignment) || assignment.roleDefinitionId === undefined) relevant.push(assignment);
      }
    }
    return { relevant, found, total };
  });
}

/** The scopes whose grant covers a VNet: the VNet, its resource group, its subscription (case-folded). */
function acceptedScopes(vnetId: string): string[] {
  const subscription = subscriptionOf(vnetId);
  const resourceGroup = resourceGroupOf(vnetId);
  const scopes = [idKey(vnetId)];
  if (subscription !== undefined && resourceGroup !== undefined) scopes.push(`/subscriptions/${subscription}/resourcegroups/${resourceGroup}`);
  if (subscription !== undefined) scopes.push(`/subscriptions/${subscription}`);
  return scopes;
}

/** The management group a scope names, lowercased; undefined for any other scope. */
function managementGroupOf(scope: string): string | undefined {
  return /^\/providers\/microsoft\.management\/managementgroups\/([^/]+)\/?$/i.exec(scope.trim())?.[1]?.toLowerCase();
}

/** properties.scope, else the assignment ID without its /providers/Microsoft.Authorization/roleAssignments/<name> tail. */
function scopeOf(assignment: RoleAssignment): string {
  return assignment.scope ?? assignment.id.replace(ASSIGNMENT_SUFFIX, '');
}

function roleGuid(assignment: RoleAssignment): string | undefined {
  return assignment.roleDefinitionId !== undefined ? nameOf(assignment.roleDefinitionId).toLowerCase() : undefined;
}

function isSufficient(assignment: RoleAssignment): boolean {
  const guid = roleGuid(assignment);
  return guid !== undefined && SUFFICIENT_ROLES.has(guid);
}

function roleName(assignment: RoleAssignment): string {
  const guid = roleGuid(assignment);
  return (guid !== undefined ? SUFFICIENT_ROLES.get(guid) : undefined) ?? guid ?? 'unknown role';
}

function describeAssignment(assignment: RoleAssignment): { [key: string]: JsonValue } {
  return {
    assignmentId: assignment.id,
    principalId: assignment.principalId ?? null,
    roleDefinitionId: assignment.roleDefinitionId ?? null,
    role: roleName(assignment),
    scope: scopeOf(assignment),
  };
}

