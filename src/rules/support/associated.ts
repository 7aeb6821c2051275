import type { Evidence } from '../../core/types';
import type { ContainerRegistry, Estate, FirewalledResource, Reading, StorageAccount, Workspace } from '../../estate';
import type { CheckOutcome, RuleSubject } from '../types';
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

/** docs/rules.md "Secured", with the inventory's gaps kept apart: absent resource, unreadable firewall. */
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
export type BypassReading = Reading<string>;

export function bypassOf(resource: FirewalledResource): BypassReading {
  return resource.bypassReading;
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
 * that names such a resource, VNet-isolated or not (docs/rules.md: "any workspace whose
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

/** The workspace's registry, gated on "secured" (the subject guarantees the workspace names one). */
export function registryGateOf(estate: Estate, workspace: Workspace): SecuredGate<ContainerRegistry> {
  const id = workspace.containerRegistryId ?? '';
  return securedGate(id, estate.containerRegistry(id));
}

/** The workspace's storage account, gated on "secured" (the subject guarantees the workspace names one). */
export function storageGateOf(estate: Estate, workspace: Workspace): SecuredGate<StorageAccount> {
  const id = workspace.storageAccountId ?? '';
  return securedGate(id, estate.storageAccount(id));
}

/** Message IDs of a workspace rule whose precondition is "the associated resource is secured". */
export type GateMessageId = 'resourceMissing' | 'resourceUnreadable' | 'resourceNotSecured';

/** A gate that stops the check: the resource is missing, unreadable or not secured. */
export type ClosedGate = Exclude<SecuredGate<FirewalledResource>, { readonly kind: 'secured' }>;

/**
 * The outcome of a workspace rule when its associated resource is missing (unknown), has an
 * unreadable firewall (unknown) or is not secured (not-applicable). Messages get `workspace`,
 * `name` (the resource's) and `how` (its firewall facts).
 */
export function gateOutcome(workspace: Workspace, gate: ClosedGate): CheckOutcome<GateMessageId> {
  if (gate.kind === 'missing') {
    return {
      status: 'unknown',
      messageId: 'resourceMissing',
      data: { workspace: workspace.name, name: gate.resourceId },
      evidence: { missingResourceId: gate.resourceId },
    };
  }
  const resource = gate.resource;
  const data = { workspace: workspace.name, name: resource.name, how: firewallSummary(resource) };
  const evidence = { resourceId: resource.id, ...firewallEvidence(resource) };
  return gate.kind === 'unreadable'
    ? { status: 'unknown', messageId: 'resourceUnreadable', data, evidence }
    : { status: 'not-applicable', messageId: 'resourceNotSecured', data, evidence };
}
