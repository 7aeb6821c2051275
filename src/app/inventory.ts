import { idKey, subscriptionOf } from '../core/ids';
import type { InventoryGap } from '../core/types';
import { loadSnapshotFile } from '../inventory/snapshot';
import type { Inventory, ResourceRow, ServiceTagEntry } from '../inventory/types';
import { graphResourceIdOf, readLiveInventory, readResourcesByIds } from '../live';
import type { LiveReadOptions } from '../live';

/**
 * Where the app reads the estate from. In Azure it is Resource Graph (src/live); under
 * `npm start` it is the bundled sample estate held in memory, which Resource Notifications
 * payloads update so that posting an event changes findings.
 */
export interface InventoryProvider {
  readonly kind: 'resource-graph' | 'snapshot';
  /** The subscriptions a sweep covers when no scope is configured. */
  listSubscriptions(): Promise<readonly string[]>;
  /** The whole estate of one subscription; `gaps` say what could not be read. */
  readSubscription(subscriptionId: string): Promise<Inventory>;
  /** The current state of some resources (the event path); `missing` ones no longer exist. */
  readByIds(ids: readonly string[]): Promise<ResourcesRead>;
  /** Keeps an in-memory source in step with a change whose state the event carried (no-op for Resource Graph). */
  applyChange(change: AppliedChange): void;
}

export interface ResourcesRead {
  readonly resources: readonly ResourceRow[];
  readonly missing: readonly string[];
  readonly gaps: readonly InventoryGap[];
}

/** A change the event path applied, with the time of the state it carries. */
export type AppliedChange = ({ readonly kind: 'upsert'; readonly row: ResourceRow } | { readonly kind: 'delete'; readonly resourceId: string }) & { readonly time: string };

/** The in-memory inventory of `npm start` (and of tests): a snapshot, updated by notifications. */
export class SnapshotInventoryProvider implements InventoryProvider {
  readonly kind = 'snapshot' as const;
  private readonly rows = new Map<string, ResourceRow>();
  private readonly serviceTags: readonly ServiceTagEntry[] | undefined;
  private readonly warnings: readonly string[];
  /**
   * The time of the state held: the snapshot's capturedAt, then the newest change applied. A file
   * does not move on by itself, so a read is as old as its newest content, not "now" (otherwise
   * every event older than the last read would count as already reflected in it).
   */
  private asOf: string;

  constructor(inventory: Inventory) {
    for (const row of inventory.resources) this.rows.set(idKey(row.id), row);
    this.asOf = inventory.capturedAt !== undefined && !Number.isNaN(Date.parse(inventory.capturedAt)) ? new Date(inventory.capturedAt).toISOString() : new Date(0).toISOString();
    this.serviceTags = inventory.serviceTags;
    this.warnings = inventory.warnings;
  }

  static async fromFile(path: string): Promise<SnapshotInventoryProvider> {
    return new SnapshotInventoryProvider(await loadSnapshotFile(path));
  }

  async listSubscriptions(): Promise<readonly string[]> {
    const subscriptions = new Set<string>();
    for (const key of this.rows.keys()) {
      const subscription = subscriptionOf(key);
      if (subscription !== undefined) subscriptions.add(subscription);
    }
    return [...subscriptions].sort();
  }

  async readSubscription(subscriptionId: string): Promise<Inventory> {
    const wanted = subscriptionId.toLowerCase();
    const resources = [...this.rows.entries()].filter(([key]) => subscriptionOf(key) === wanted).map(([, row]) => row);
    return { capturedAt: this.asOf, resources, ...(this.serviceTags !== undefined ? { serviceTags: this.serviceTags } : {}), warnings: this.warnings, gaps: [] };
  }

  async readByIds(ids: readonly string[]): Promise<ResourcesRead> {
    const resources: ResourceRow[] = [];
    const missing: string[] = [];
    for (const id of ids) {
      // As Resource Graph does: a subnet, security rule or route is answered with its container.
      const row = this.rows.get(idKey(id)) ?? this.rows.get(idKey(graphResourceIdOf(id)));
      if (row) resources.push(row);
      else missing.push(graphResourceIdOf(id));
    }
    return { resources, missing, gaps: [] };
  }

  applyChange(change: AppliedChange): void {
    if (change.time > this.asOf) this.asOf = change.time;
    if (change.kind === 'upsert') this.rows.set(idKey(change.row.id), change.row);
    else this.rows.delete(idKey(change.resourceId));
  }
}

/** Resource Graph, through src/live: the only code that reads Azure. */
export class ResourceGraphInventoryProvider implements InventoryProvider {
  readonly kind = 'resource-graph' as const;

  constructor(
    private readonly options: LiveReadOptions,
    private readonly subscriptionLister: () => Promise<readonly string[]>,
  ) {}

  listSubscriptions(): Promise<readonly string[]> {
    return this.subscriptionLister();
  }

  readSubscription(subscriptionId: string): Promise<Inventory> {
    return readLiveInventory({ ...this.options, subscriptionIds: [subscriptionId] });
  }

  async readByIds(ids: readonly string[]): Promise<ResourcesRead> {
    const read = await readResourcesByIds(ids, this.options);
    return { resources: read.resources, missing: read.missing, gaps: read.gaps };
  }

  applyChange(): void {
    // Resource Graph is the source of truth; it learns of the change by itself.
  }
}
