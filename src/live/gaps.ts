import { idKey } from '../core/ids';
import type { InventoryGap } from '../core/types';

/**
 * Whether a finding may have been affected by what an incomplete inventory missed (a
 * partial sweep must never resolve such a finding). A gap's scope is a subscription, a
 * management group or a workspace; a finding is touched when its subject or one of the
 * workspaces it serves lies under a gap's scope. A management-group gap touches everything,
 * since which subscriptions it holds is exactly what could not be read.
 */
export function touchedByGaps(finding: { readonly resourceId: string; readonly workspaceIds: readonly string[] }, gaps: readonly InventoryGap[]): boolean {
  if (gaps.length === 0) return false;
  const ids = [finding.resourceId, ...finding.workspaceIds].map(idKey);
  return gaps.some((gap) => {
    const scope = idKey(gap.scope);
    if (scope.startsWith('/providers/microsoft.management/managementgroups/')) return true;
    return ids.some((id) => id === scope || id.startsWith(`${scope}/`));
  });
}
