import { idKey } from '../core/ids';
import type { Inventory, ResourceRow } from './types';

/** Resources read again by ID, each on its own: their rows as they are now, the IDs found gone, and those that could not be read. */
export interface ResourcesReadAgain {
  readonly resources: readonly ResourceRow[];
  readonly missing: readonly string[];
  /** `transient`: throttling, a server or network fault (the same read may work later); else it fails the same way each time (403). */
  readonly failures: readonly { readonly id: string; readonly reason: string; readonly transient: boolean }[];
}

/** A resource that must be read again could not be, for now: judging without it would judge an old state. */
export class ReadAgainError extends Error {
  constructor(
    readonly resourceId: string,
    readonly reason: string,
  ) {
    super(`cannot read ${resourceId} again: ${reason}`);
    this.name = 'ReadAgainError';
  }
}

/**
 * A whole read with some resources read again from the source of truth, after the whole read's
 * source (Resource Graph) may have lagged behind their changes: each row read again replaces the
 * row of the same ID, and a resource found gone leaves the inventory. Everything else, its gaps
 * and capture time included, is the whole read's. A resource that cannot be read for now throws
 * ReadAgainError; one that can never be read (403) keeps what the whole read gave.
 */
export async function withResourcesReadAgain(inventory: Inventory, ids: readonly string[], readAgain: (ids: readonly string[]) => Promise<ResourcesReadAgain>): Promise<Inventory> {
  if (ids.length === 0) return inventory;
  const read = await readAgain(ids);
  const failure = read.failures.find((item) => item.transient);
  if (failure !== undefined) throw new ReadAgainError(failure.id, failure.reason);
  const rows = new Map(inventory.resources.map((row) => [idKey(row.id), row]));
  for (const row of read.resources) rows.set(idKey(row.id), row);
  for (const id of read.missing) rows.delete(idKey(id));
  return { ...inventory, resources: [...rows.values()] };
}
