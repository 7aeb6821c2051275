import { idKey, subscriptionOf } from '../core/ids';
import { isObject } from '../core/json';
import type { InventoryGap } from '../core/types';
import type { Inventory, ResourceRow } from './types';

/**
 * Cuts an inventory read for several subscriptions at once into one inventory per subscription,
 * each as a read of that subscription alone answers: its own rows, and the rows of no
 * subscription (grants at management groups) that Resource Graph lists for it: those of the
 * management groups in its ancestry, or all of them when its ancestry was not read. A gap of one
 * subscription stays its own; a gap of no subscription (a management group that could not be
 * read) makes every part incomplete, since any of them may have lost rows to it.
 */
export function splitBySubscription(inventory: Inventory, subscriptionIds: readonly string[]): ReadonlyMap<string, Inventory> {
  const parts = new Map<string, { resources: ResourceRow[]; gaps: InventoryGap[] }>();
  for (const id of subscriptionIds) parts.set(id.toLowerCase(), { resources: [], gaps: [] });
  const unscoped: ResourceRow[] = [];
  const ancestry = new Map<string, ReadonlySet<string>>();
  for (const row of inventory.resources) {
    const subscription = subscriptionOf(row.id);
    if (subscription === undefined) {
      unscoped.push(row);
      continue;
    }
    parts.get(subscription)?.resources.push(row);
    const groups = ancestorsOf(row);
    if (groups !== undefined) ancestry.set(subscription, groups);
  }
  for (const gap of inventory.gaps) {
    const subscription = subscriptionOf(gap.scope);
    if (subscription === undefined) for (const part of parts.values()) part.gaps.push(gap);
    else parts.get(subscription)?.gaps.push(gap);
  }
  const split = new Map<string, Inventory>();
  for (const [id, part] of parts) {
    const groups = ancestry.get(id);
    for (const row of unscoped) {
      const group = managementGroupOf(row.id);
      if (groups === undefined || group === undefined || groups.has(group)) part.resources.push(row);
    }
    split.set(id, {
      ...(inventory.capturedAt !== undefined ? { capturedAt: inventory.capturedAt } : {}),
      resources: part.resources,
      ...(inventory.serviceTags !== undefined ? { serviceTags: inventory.serviceTags } : {}),
      warnings: inventory.warnings,
      gaps: part.gaps,
    });
  }
  return split;
}

/** The management groups above a subscription, from its `resourcecontainers` row; undefined for any other row. */
function ancestorsOf(row: ResourceRow): ReadonlySet<string> | undefined {
  if (!/^\/subscriptions\/[^/]+$/i.test(row.id.trim())) return undefined;
  const chain = isObject(row.properties) ? row.properties.managementGroupAncestorsChain : undefined;
  if (!Array.isArray(chain)) return undefined;
  return new Set(chain.map((group: unknown) => (isObject(group) && typeof group.name === 'string' ? group.name.toLowerCase() : '')).filter((name) => name !== ''));
}

function managementGroupOf(id: string): string | undefined {
  return /^\/providers\/microsoft\.management\/managementgroups\/([^/]+)/.exec(idKey(id))?.[1];
}
