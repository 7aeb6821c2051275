import { idKey } from '../core/ids';
import { earlierBy, maxTime } from '../core/time';
import type { InventoryGap } from '../core/types';
import { buildEstate } from '../estate';
import type { Estate } from '../estate';
import type { Inventory, ResourceRow, ServiceTagEntry } from '../inventory/types';
import { NOTICE_LAG_MS } from '../store';
import type { InventoryProvider } from './inventory';
import type { SharedStates } from './shared-state';

/**
 * The estate of one subscription as this instance last judged it: the rows, the time each
 * resource's state was observed (so an older event never overwrites a newer state), and the
 * estate graph built from them. Events patch it instead of re-reading the subscription.
 */
export interface SubscriptionState {
  readonly subscriptionId: string;
  readonly rows: ReadonlyMap<string, ResourceRow>;
  /** Case-folded ID → ISO time of the state we hold (or of its deletion). */
  readonly versions: ReadonlyMap<string, string>;
  readonly serviceTags: readonly ServiceTagEntry[] | undefined;
  readonly warnings: readonly string[];
  readonly gaps: readonly InventoryGap[];
  readonly estate: Estate;
  /** When the inventory was read whole: a change older than that is already reflected (or superseded) by the read. */
  readonly capturedAt: string;
  /** Monotonic time of the judged state: evaluatedAt of recordings made from it. */
  readonly stateTime: string;
  readonly loadedAt: number;
}

/**
 * `lagMs`: how far behind its capture a whole read may be (Resource Graph indexes with a lag:
 * wholeReadLagMs); 0 for a read that reflects every change up to its capture, or whose lagging
 * rows were read again already (a sweep's, over the change notices).
 */
export function stateFromInventory(subscriptionId: string, inventory: Inventory, loadedAt: number, previous?: SubscriptionState, lagMs = 0): SubscriptionState {
  const rows = new Map<string, ResourceRow>();
  for (const row of inventory.resources) rows.set(idKey(row.id), row);
  const capturedAt = inventory.capturedAt ?? new Date(loadedAt).toISOString();
  const reflectedUntil = earlierBy(capturedAt, lagMs) ?? capturedAt;
  // Changes that events applied after what this read surely reflects are newer than what it
  // returned (Resource Graph indexes with a lag): keep them, so a refresh never rolls an event back.
  for (const [key, version] of previous?.versions ?? []) {
    if (version <= reflectedUntil) continue;
    const held = previous?.rows.get(key);
    if (held !== undefined) rows.set(key, held);
    else rows.delete(key);
  }
  return withRows(
    { subscriptionId, rows, versions: new Map(previous?.versions ?? []), serviceTags: inventory.serviceTags, warnings: inventory.warnings, gaps: inventory.gaps, capturedAt, stateTime: maxTime(previous?.stateTime, capturedAt), loadedAt },
    rows,
  );
}

/**
 * How far a provider's whole reads may lag behind changes: Resource Graph's (a provider whose reads
 * by ID are current reads whole through it) by up to the change notices' window; an in-memory
 * snapshot's not at all.
 */
export function wholeReadLagMs(provider: Pick<InventoryProvider, 'readsAreCurrent'>): number {
  return provider.readsAreCurrent ? NOTICE_LAG_MS : 0;
}

/** A state with new rows: the estate graph is rebuilt (linear in the subscription's size). */
export function withRows(state: Omit<SubscriptionState, 'estate'>, rows: ReadonlyMap<string, ResourceRow>): SubscriptionState {
  const inventory: Inventory = { resources: [...rows.values()], ...(state.serviceTags !== undefined ? { serviceTags: state.serviceTags } : {}), warnings: state.warnings, gaps: state.gaps };
  return { ...state, rows, estate: buildEstate(inventory) };
}

/**
 * How many resource rows of subscription states one instance keeps (the sum over subscriptions).
 * A state costs about 2.4 KiB of heap per row (rows, versions and the estate graph; `npm run bench`,
 * section worker-memory, on the generated mix), so the default bounds the cache near 120 MiB, well
 * inside a Flex Consumption instance's 2 GB beside the sweep that may run in the same worker.
 */
export const DEFAULT_STATE_CACHE_ROWS = 50_000;

/**
 * Per-subscription states of this instance. A missing or expired state is read whole from the
 * inventory (a cold instance, or the periodic refresh that catches changes whose events were
 * lost); sweeps replace it with what they read. The cache is bounded by rows: past `maxRows`, the
 * least recently used subscriptions are dropped, and their next event reads them whole again, as
 * a cold instance would (their versions go with them, so nothing is judged from a partial state).
 * The state just used is always kept, even alone over the bound.
 */
export class SubscriptionStates {
  /** In order of use, least recent first (a Map keeps insertion order). */
  private readonly states = new Map<string, SubscriptionState>();
  private readonly loading = new Map<string, Promise<SubscriptionState>>();
  private evictions = 0;
  /** Rows of every state held: kept as states come and go, so a cache hit costs no walk over them. */
  private rows = 0;

  /** Where loaded states came from: for the bench and the tests. */
  private readonly loads = { shared: 0, inventory: 0 };

  constructor(
    private readonly provider: InventoryProvider,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxRows: number = DEFAULT_STATE_CACHE_ROWS,
    /** States the sweeps shared (src/app/shared-state.ts): a cold instance loads one instead of reading the subscription whole. */
    private readonly shared?: SharedStates,
  ) {}

  async get(subscriptionId: string): Promise<SubscriptionState> {
    const key = subscriptionId.toLowerCase();
    const current = this.states.get(key);
    // A state read with gaps is never trusted as good: the next use reads the subscription again
    // (its versions are carried over, so no event is rolled back).
    if (current !== undefined && current.gaps.length === 0 && this.now() - current.loadedAt < this.ttlMs) {
      this.keep(key, current);
      return current;
    }
    return this.load(key, current);
  }

  /**
   * The state, read again unless it was captured at `notBefore` or later: a complete sweep judged
   * the subscription after this instance read it, so what the sweep saw (a change whose event
   * never came) must not be judged over with the older state.
   */
  async refresh(subscriptionId: string, notBefore: string): Promise<SubscriptionState> {
    const key = subscriptionId.toLowerCase();
    const current = this.states.get(key);
    if (current !== undefined && current.capturedAt >= notBefore) return current;
    return this.load(key, current, notBefore);
  }

  private load(key: string, current: SubscriptionState | undefined, notBefore?: string): Promise<SubscriptionState> {
    const pending = this.loading.get(key);
    // A load already under way may read a state older than `notBefore`: a refresh reads its own.
    if (pending && notBefore === undefined) return pending;
    const load = this.inventoryOf(key, notBefore)
      .then((inventory) => {
        // What is held now may be newer than what was held when the read began (another read, a batch's changes).
        const held = this.states.get(key) ?? current;
        // No change notice is read here: rows events changed within the read's lag stay as held.
        const state = stateFromInventory(key, inventory, this.now(), held, wholeReadLagMs(this.provider));
        // A read that began earlier and ended later never replaces a newer one.
        if (held !== undefined && held !== current && held.capturedAt > state.capturedAt) return held;
        this.keep(key, state);
        return state;
      })
      .finally(() => {
        if (this.loading.get(key) === load) this.loading.delete(key);
      });
    this.loading.set(key, load);
    return load;
  }

  /**
   * A subscription's inventory: the state a sweep shared, when there is one no older than the
   * cache's TTL (the same trust an instance gives its own reads) nor than `notBefore`; else a
   * whole read. A shared state that cannot be read is no reason to fail: the subscription is read
   * as it was before.
   */
  private async inventoryOf(key: string, notBefore: string | undefined): Promise<Inventory> {
    if (this.shared !== undefined) {
      const found = await this.shared.read(key).catch(() => undefined);
      if (found !== undefined && this.now() - Date.parse(found.inventory.capturedAt) < this.ttlMs && (notBefore === undefined || found.inventory.capturedAt >= notBefore)) {
        this.loads.shared++;
        return found.inventory;
      }
    }
    this.loads.inventory++;
    return this.provider.readSubscriptions([key]);
  }

  /** How many states were loaded from shared states and how many read whole. */
  loadCounts(): { readonly shared: number; readonly inventory: number } {
    return { ...this.loads };
  }

  set(state: SubscriptionState): void {
    this.keep(state.subscriptionId.toLowerCase(), state);
  }

  peek(subscriptionId: string): SubscriptionState | undefined {
    return this.states.get(subscriptionId.toLowerCase());
  }

  /** What the cache holds now: for the bench and the log. */
  size(): { readonly subscriptions: number; readonly rows: number; readonly evictions: number } {
    return { subscriptions: this.states.size, rows: this.rows, evictions: this.evictions };
  }

  /** Marks the state most recently used, then drops the least recently used past the bound. */
  private keep(key: string, state: SubscriptionState): void {
    const previous = this.states.get(key);
    if (previous !== undefined) {
      this.states.delete(key);
      this.rows -= previous.rows.size;
    }
    this.states.set(key, state);
    this.rows += state.rows.size;
    for (const [oldest, held] of this.states) {
      if (this.rows <= this.maxRows || oldest === key) break;
      this.states.delete(oldest);
      this.rows -= held.rows.size;
      this.evictions++;
    }
  }
}
