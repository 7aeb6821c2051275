import { idKey } from '../core/ids';
import type { Inventory, ResourceRow } from './types';

/** Resources read again by ID after a whole read: their rows as they are now, and the IDs that no longer exist. */
export interface ResourcesReadAgain {
  readonly resources: readonly ResourceRow[];
  readonly missing: readonly string[];
}

/**
 * A whole read with some resources read again (from the source of truth, after the whole read's
 * source lagged behind a change): each row read again replaces the row of the same ID, and a
 * resource found gone leaves the inventory. Everything else, its gaps and capture time included,
 * is the whole read's.
 */
export function withResourcesReadAgain(inventory: Inventory, read: ResourcesReadAgain): Inventory {
  const rows = new Map(inventory.resources.map((row) => [idKey(row.id), row]));
  for (const row of read.resources) rows.set(idKey(row.id), row);
  for (const id of read.missing) rows.delete(idKey(id));
  return { ...inventory, resources: [...rows.values()] };
}
