import { idKey, resourceToReadFor, subscriptionOf } from '../core/ids';
import { loadSnapshotFile, READ_TYPES_ONLY } from '../inventory/snapshot';
import type { Inventory, ResourceRow, ServiceTagEntry } from '../inventory/types';
import { listReadableSubscriptions, readLiveInventory, readResourcesByIds, readRowCounts } from '../live';
import type { LiveReadOptions, ReadFailure } from '../live';

/**
 * Where the app reads the estate from. In Azure it is Resource Graph (src/live); under
 * `npm start` it is the bundled sample estate held in memory, which Resource Notifications
 * payloads update so that posting an event changes findings.
 */
export interface InventoryProvider {
  readonly kind: 'resource-graph' | 'snapshot';
  /**
   * True when `readByIds` answers the provider's current state (Azure Resource Manager), at least
   * as new as any event received: an event's payload is then never trusted over a read. False for
   * an in-memory snapshot, which only moves when events carry states to it.
   */
  readonly readsAreCurrent: boolean;
  /** The subscriptions a sweep covers when no scope is configured. */
  listSubscriptions(): Promise<readonly string[]>;
  /**
   * The whole estate of some subscriptions, read together (a sweep's batch; one for an event's
   * cold state): cut it per subscription with splitBySubscription. `gaps` say what could not be read.
   */
  readSubscriptions(subscriptionIds: readonly string[]): Promise<Inventory>;
  /**
   * How many rows each subscription holds, roughly what reading it costs, to size the sweep's
   * batches. Subscriptions it could not count are left out.
   */
  countRows(subscriptionIds: readonly string[]): Promise<ReadonlyMap<string, number>>;
  /**
   * The current state of some resources (the event path), each read as resourceToReadFor(id): a
   * subnet, security rule or route with its container, a private endpoint connection with its
   * resource. `missing` ones no longer exist; `failures` could not be read, each on its own.
   */
  readByIds(ids: readonly string[]): Promise<ResourcesRead>;
  /** Keeps an in-memory source in step with a change whose state the event carried (no-op for Resource Graph). */
  applyChange(change: AppliedChange): void;
}

export interface ResourcesRead {
  readonly resources: readonly ResourceRow[];
  readonly missing: readonly string[];
  readonly failures: readonly ReadFailure[];
}

/** A change the event path applied, with the time of the state it carries. */
export type AppliedChange = ({ readonly kind: 'upsert'; readonly row: ResourceRow } | { readonly kind: 'delete'; readonly resourceId: string }) & { readonly time: string };

/** The in-memory inventory of `npm start` (and of tests): a snapshot, updated by notifications. */
export class SnapshotInventoryProvider implements InventoryProvider {
  readonly kind = 'snapshot' as const;
  readonly readsAreCurrent = false;
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
    return new SnapshotInventoryProvider(await loadSnapshotFile(path, READ_TYPES_ONLY));
  }

  async listSubscriptions(): Promise<readonly string[]> {
    const subscriptions = new Set<string>();
    for (const key of this.rows.keys()) {
      const subscription = subscriptionOf(key);
      if (subscription !== undefined) subscriptions.add(subscription);
    }
    return [...subscriptions].sort();
  }

  async readSubscriptions(subscriptionIds: readonly string[]): Promise<Inventory> {
    const wanted = new Set(subscriptionIds.map((id) => id.toLowerCase()));
    // Rows of no subscription (grants at management groups) come with every read, as Resource Graph's AtScopeAboveAndBelow lists them.
    const resources = [...this.rows.entries()]
      .filter(([key]) => {
        const subscription = subscriptionOf(key);
        return subscription === undefined || wanted.has(subscription);
      })
      .map(([, row]) => row);
    return { capturedAt: this.asOf, resources, ...(this.serviceTags !== undefined ? { serviceTags: this.serviceTags } : {}), warnings: this.warnings, gaps: [] };
  }

  async countRows(subscriptionIds: readonly string[]): Promise<ReadonlyMap<string, number>> {
    const counts = new Map(subscriptionIds.map((id) => [id.toLowerCase(), 0]));
    for (const key of this.rows.keys()) {
      const subscription = subscriptionOf(key);
      const count = subscription !== undefined ? counts.get(subscription) : undefined;
      if (subscription !== undefined && count !== undefined) counts.set(subscription, count + 1);
    }
    return counts;
  }

  async readByIds(ids: readonly string[]): Promise<ResourcesRead> {
    const resources: ResourceRow[] = [];
    const missing: string[] = [];
    for (const id of ids) {
      const target = resourceToReadFor(id);
      const row = this.rows.get(idKey(target));
      if (row) resources.push(row);
      else missing.push(target);
    }
    return { resources, missing, failures: [] };
  }

  /** One held row by ID (case-insensitive), as held: no child is read through its parent here. */
  row(id: string): ResourceRow | undefined {
    return this.rows.get(idKey(id));
  }

  applyChange(change: AppliedChange): void {
    if (change.time > this.asOf) this.asOf = change.time;
    if (change.kind === 'upsert') this.rows.set(idKey(change.row.id), change.row);
    else this.rows.delete(idKey(change.resourceId));
  }
}

/** Resource Graph for whole subscriptions and ARM for changed resources, through src/live: the only code that reads Azure. */
export class ResourceGraphInventoryProvider implements InventoryProvider {
  readonly kind = 'resource-graph' as const;
  readonly readsAreCurrent = true;

  /** `subscriptionLister`: what sweeps cover when no scope is configured; by default every subscription the identity can read (ARM). */
  constructor(
    private readonly options: LiveReadOptions,
    private readonly subscriptionLister: () => Promise<readonly string[]> = () => listReadableSubscriptions(options),
  ) {}

  listSubscriptions(): Promise<readonly string[]> {
    return this.subscriptionLister();
  }

  readSubscriptions(subscriptionIds: readonly string[]): Promise<Inventory> {
    return readLiveInventory({ ...this.options, subscriptionIds });
  }

  async countRows(subscriptionIds: readonly string[]): Promise<ReadonlyMap<string, number>> {
    return (await readRowCounts(subscriptionIds, this.options)).counts;
  }

  async readByIds(ids: readonly string[]): Promise<ResourcesRead> {
    const read = await readResourcesByIds(ids, this.options);
    return { resources: read.resources, missing: read.missing, failures: read.failures };
  }

  applyChange(): void {
    // Azure is the source of truth; it learns of the change by itself.
  }
}
