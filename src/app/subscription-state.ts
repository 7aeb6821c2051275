import { idKey } from '../core/ids';
import type { InventoryGap } from '../core/types';
import { buildEstate } from '../estate';
import type { Estate } from '../estate';
import type { Inventory, ResourceRow, ServiceTagEntry } from '../inventory/types';
import type { InventoryProvider } from './inventory';

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

export function stateFromInventory(subscriptionId: string, inventory: Inventory, loadedAt: number, previous?: SubscriptionState): SubscriptionState {
  const rows = new Map<string, ResourceRow>();
  for (const row of inventory.resources) rows.set(idKey(row.id), row);
  const capturedAt = inventory.capturedAt ?? new Date(loadedAt).toISOString();
  // Changes that events applied after this read began are newer than what it returned (Resource
  // Graph indexes with a lag): keep them, so a sweep or refresh never rolls an event back.
  for (const [key, version] of previous?.versions ?? []) {
    if (version <= capturedAt) continue;
    const held = previous?.rows.get(key);
    if (held !== undefined) rows.set(key, held);
    else rows.delete(key);
  }
  return withRows(
    { subscriptionId, rows, versions: new Map(previous?.versions ?? []), serviceTags: inventory.serviceTags, warnings: inventory.warnings, gaps: inventory.gaps, capturedAt, stateTime: maxTime(previous?.stateTime, capturedAt), loadedAt },
    rows,
  );
}

/** A state with new rows: the estate graph is rebuilt (linear in the subscription's size). */
export function withRows(state: Omit<SubscriptionState, 'estate'>, rows: ReadonlyMap<string, ResourceRow>): SubscriptionState {
  const inventory: Inventory = { resources: [...rows.values()], ...(state.serviceTags !== undefined ? { serviceTags: state.serviceTags } : {}), warnings: state.warnings, gaps: state.gaps };
  return { ...state, rows, estate: buildEstate(inventory) };
}

export function maxTime(a: string | undefined, b: string): string {
  return a !== undefined && a > b ? a : b;
}

/**
 * Per-subscription states of this instance. A missing or expired state is read whole from the
 * inventory (a cold instance, or the periodic refresh that catches changes whose events were
 * lost); sweeps replace it with what they read.
 */
export class SubscriptionStates {
  private readonly states = new Map<string, SubscriptionState>();
  private readonly loading = new Map<string, Promise<SubscriptionState>>();

  constructor(
    private readonly provider: InventoryProvider,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async get(subscriptionId: string): Promise<SubscriptionState> {
    const key = subscriptionId.toLowerCase();
    const current = this.states.get(key);
    // A state read with gaps is never trusted as good: the next use reads the subscription again
    // (its versions are carried over, so no event is rolled back).
    if (current !== undefined && current.gaps.length === 0 && this.now() - current.loadedAt < this.ttlMs) return current;
    const pending = this.loading.get(key);
    if (pending) return pending;
    const load = this.provider
      .readSubscription(key)
      .then((inventory) => {
        const state = stateFromInventory(key, inventory, this.now(), current);
        this.states.set(key, state);
        return state;
      })
      .finally(() => this.loading.delete(key));
    this.loading.set(key, load);
    return load;
  }

  set(state: SubscriptionState): void {
    this.states.set(state.subscriptionId.toLowerCase(), state);
  }

  peek(subscriptionId: string): SubscriptionState | undefined {
    return this.states.get(subscriptionId.toLowerCase());
  }
}
