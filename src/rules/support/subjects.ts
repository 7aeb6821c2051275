import type { Compute, Estate, Workspace } from '../../estate';
import type { RuleSubject } from '../types';
import { perEstate } from './per-estate';

type AssociationField = 'storageAccountId' | 'keyVaultId' | 'containerRegistryId';

/**
 * Subjects for rules on a workspace's associated resource (storage, key vault, registry) of
 * VNet-isolated workspaces: one subject per distinct resource, with every such workspace that
 * uses it. A resource named by a workspace but absent from the inventory is still a subject
 * (target undefined) so the rule can answer `unknown` instead of silently passing.
 */
export function associatedResourceSubjects<T>(
  estate: Estate,
  field: AssociationField,
  lookup: (id: string) => T | undefined,
  workspaceFilter?: (workspace: Workspace) => boolean,
): RuleSubject<T | undefined>[] {
  // Shared by the rules on one kind of associated resource; a custom filter is not cacheable by key.
  if (workspaceFilter === undefined) {
    return perEstate(estate, `associated-subjects|${field}`, () => selectAssociated(estate, field, lookup, (workspace) => estate.isVnetIsolated(workspace.id)));
  }
  return selectAssociated(estate, field, lookup, workspaceFilter);
}

function selectAssociated<T>(
  estate: Estate,
  field: AssociationField,
  lookup: (id: string) => T | undefined,
  workspaceFilter: (workspace: Workspace) => boolean,
): RuleSubject<T | undefined>[] {
  const byKey = new Map<string, { resourceId: string; workspaceIds: string[]; target: T | undefined }>();
  for (const workspace of estate.workspaces) {
    const resourceId = workspace[field];
    if (resourceId === undefined || !workspaceFilter(workspace)) continue;
    const key = resourceId.toLowerCase();
    const existing = byKey.get(key);
    if (existing) existing.workspaceIds.push(workspace.id);
    else byKey.set(key, { resourceId: (lookup(resourceId) as { id?: string } | undefined)?.id ?? resourceId, workspaceIds: [workspace.id], target: lookup(resourceId) });
  }
  return [...byKey.values()];
}

/**
 * Each compute cluster or instance placed in a subnet, with its workspace: the subjects of the
 * rules on where a cluster or instance runs. `only` narrows them (no public IP…).
 */
export function clusterAndInstanceSubjects(estate: Estate, only: (compute: Compute) => boolean = () => true): RuleSubject<Compute>[] {
  const subjects: RuleSubject<Compute>[] = [];
  for (const compute of estate.computes) {
    if ((compute.computeType === 'AmlCompute' || compute.computeType === 'ComputeInstance') && compute.subnetId !== undefined && only(compute)) {
      subjects.push({ resourceId: compute.id, workspaceIds: [compute.workspaceId], target: compute });
    }
  }
  return subjects;
}
