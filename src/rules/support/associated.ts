import { isObject, pick } from '../../core/json';
import type { Evidence } from '../../core/types';
import type { Estate, FirewalledResource, Workspace } from '../../estate/model';
import type { RuleSubject } from '../types';
import { securedState } from './firewall';

/**
 * Shared notions of the rules on a workspace's associated storage account, key vault and
 * registry: whether the rule applies (the resource is secured), and the firewall facts every
 * such rule reports. Nothing here reads anything but the subject's own view.
 */

/** Where a rule on a secured resource stands before its own check. */
export type SecuredGate<T extends FirewalledResource> =
  | { readonly kind: 'missing'; readonly resourceId: string }
  | { readonly kind: 'unreadable'; readonly resource: T }
  | { readonly kind: 'open'; readonly resource: T }
  | { readonly kind: 'secured'; readonly resource: T };

/** requirements.md "Secured", with the inventory's gaps kept apart: absent resource, unreadable firewall. */
export function securedGate<T extends FirewalledResource>(resourceId: string, resource: T | undefined): SecuredGate<T> {
  if (resource === undefined) return { kind: 'missing', resourceId };
  switch (securedState(resource)) {
    case 'secured':
      return { kind: 'secured', resource };
    case 'open':
      return { kind: 'open', resource };
    default:
      return { kind: 'unreadable', resource };
  }
}

/** The firewall facts that decide "secured", as evidence. */
export function firewallEvidence(resource: FirewalledResource): Evidence {
  return {
    defaultAction: resource.defaultAction ?? null,
    publicNetworkAccess: resource.publicNetworkAccess ?? null,
    ...(resource.networkAclsMalformed ? { networkAclsMalformed: true } : {}),
  };
}

/** One sentence on the firewall facts, for messages. */
export function firewallSummary(resource: FirewalledResource): string {
  return `defaultAction ${resource.defaultAction ?? 'absent (Azure default Allow)'}, publicNetworkAccess ${resource.publicNetworkAccess ?? 'absent'}`;
}

/**
 * networkAcls.bypass as written, told apart from absent (Azure's default: AzureServices, for both
 * storage accounts and key vaults) and malformed (present but not a non-empty string).
 */
export type BypassReading = { readonly kind: 'absent' } | { readonly kind: 'value'; readonly value: string } | { readonly kind: 'malformed' };

export function bypassOf(resource: FirewalledResource): BypassReading {
  if (resource.bypass !== undefined) return { kind: 'value', value: resource.bypass };
  const properties = resource.raw.properties;
  const section = pick(properties, 'networkAcls');
  if (section === undefined || section === null) return { kind: 'absent' };
  if (!isObject(section)) return { kind: 'malformed' };
  const written = section.bypass;
  return written === undefined || written === null ? { kind: 'absent' } : { kind: 'malformed' };
}

/** The entries of a comma-separated bypass list ("Logging, Metrics, AzureServices"), trimmed, empty ones dropped. */
export function bypassEntries(value: string): string[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
}

/**
 * Workspace subjects of the rules on a workspace's secured registry or storage: one per workspace
 * that names such a resource, VNet-isolated or not (requirements.md: "any workspace whose
 * registry is secured"). Linear in the workspaces.
 */
export function workspaceSubjects(estate: Estate, field: 'storageAccountId' | 'containerRegistryId'): RuleSubject<Workspace>[] {
  const subjects: RuleSubject<Workspace>[] = [];
  for (const workspace of estate.workspaces) {
    if (workspace[field] === undefined) continue;
    subjects.push({ resourceId: workspace.id, workspaceIds: [workspace.id], target: workspace });
  }
  return subjects;
}
