import { describe, expect, it } from 'vitest';
import { SnapshotInventoryProvider } from '../../src/app/inventory';
import { DEFAULT_STATE_CACHE_ROWS, stateFromInventory, SubscriptionStates, wholeReadLagMs } from '../../src/app/subscription-state';
import { NOTICE_LAG_MS } from '../../src/store';
import { idKey } from '../../src/core/ids';
import type { Inventory, ResourceRow } from '../../src/inventory/types';
import { PROD, STORAGE_ID, storageRow } from './fixtures/events';
import { countingWholeReads } from '../support/counting-reads';

const inventory = (defaultAction: 'Allow' | 'Deny', capturedAt: string): Inventory => ({ capturedAt, resources: [storageRow(defaultAction)], warnings: [], gaps: [] });
const actionOf = (row: unknown): string | undefined => (row as { properties?: { networkAcls?: { defaultAction?: string } } } | undefined)?.properties?.networkAcls?.defaultAction;

describe('stateFromInventory', () => {
  it('keeps what events applied after the read began (Resource Graph lags), and takes the read for everything older', () => {
    const loaded = stateFromInventory(PROD, inventory('Deny', '2026-11-24T10:00:00.000Z'), 0);
    // An event at 10:05 opened the firewall.
    const afterEvent = { ...loaded, rows: new Map([[idKey(STORAGE_ID), storageRow('Allow')]]), versions: new Map([[idKey(STORAGE_ID), '2026-11-24T10:05:00.000Z']]) };
    // A sweep that read at 10:04 has not seen it yet: the event's state stays.
    const staleRead = stateFromInventory(PROD, inventory('Deny', '2026-11-24T10:04:00.000Z'), 1, afterEvent);
    expect(actionOf(staleRead.rows.get(idKey(STORAGE_ID)))).toBe('Allow');
    expect(staleRead.estate.storageAccount(STORAGE_ID)?.defaultAction).toBe('Allow');
    // A read at 10:06 is newer than the event: the read wins.
    const freshRead = stateFromInventory(PROD, inventory('Deny', '2026-11-24T10:06:00.000Z'), 2, afterEvent);
    expect(actionOf(freshRead.rows.get(idKey(STORAGE_ID)))).toBe('Deny');
  });

  it("from a source that lags by up to `lagMs`, takes the read only for changes older than its capture less the lag", () => {
    const loaded = stateFromInventory(PROD, inventory('Deny', '2026-11-24T10:00:00.000Z'), 0);
    const afterEvent = { ...loaded, rows: new Map([[idKey(STORAGE_ID), storageRow('Allow')]]), versions: new Map([[idKey(STORAGE_ID), '2026-11-24T10:05:00.000Z']]) };
    // Resource Graph read at 10:06 may not show a change of 10:05 yet: the event's state stays.
    expect(actionOf(stateFromInventory(PROD, inventory('Deny', '2026-11-24T10:06:00.000Z'), 1, afterEvent, NOTICE_LAG_MS).rows.get(idKey(STORAGE_ID)))).toBe('Allow');
    // Read at 10:16, past the lag, it shows what is true.
    expect(actionOf(stateFromInventory(PROD, inventory('Deny', '2026-11-24T10:16:00.000Z'), 2, afterEvent, NOTICE_LAG_MS).rows.get(idKey(STORAGE_ID)))).toBe('Deny');
    expect(wholeReadLagMs({ readsAreCurrent: true })).toBe(NOTICE_LAG_MS);
    expect(wholeReadLagMs({ readsAreCurrent: false })).toBe(0);
  });
});

describe('SubscriptionStates: a bounded cache', () => {
  const SUBSCRIPTIONS = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222', '33333333-3333-4333-8333-333333333333'] as const;
  /** The sample's storage account, moved to another subscription and name. */
  const storageIn = (subscription: string, index: number): ResourceRow => ({ ...storageRow('Deny'), id: `/subscriptions/${subscription}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st${index}`, name: `st${index}`, subscriptionId: subscription });

  /** The snapshot provider over three subscriptions (`rowsEach` rows each), counting whole reads. */
  function provider(rowsEach: number): { readonly source: SnapshotInventoryProvider; readonly reads: string[] } {
    const resources = SUBSCRIPTIONS.flatMap((subscription) => Array.from({ length: rowsEach }, (_, index) => storageIn(subscription, index)));
    const { provider: source, reads } = countingWholeReads(new SnapshotInventoryProvider({ capturedAt: '2026-11-24T10:00:00.000Z', resources, warnings: [], gaps: [] }));
    return { source, reads };
  }

  it('drops the least recently used subscription past the bound; its next use reads it whole again', async () => {
    const { source, reads } = provider(1);
    const [a, b, c] = SUBSCRIPTIONS;
    const states = new SubscriptionStates(source, 60_000, () => 0, 2);
    await states.get(a);
    await states.get(b);
    await states.get(a); // a is now the more recent of the two
    expect(reads).toEqual([a, b]);
    await states.get(c);
    expect(states.peek(b)).toBeUndefined();
    expect(states.peek(a)?.rows.size).toBe(1);
    expect(states.peek(c)?.rows.size).toBe(1);
    expect(states.size()).toEqual({ subscriptions: 2, rows: 2, evictions: 1 });
    const again = await states.get(b);
    expect(again.estate.storageAccount(storageIn(b, 0).id)?.defaultAction).toBe('Deny');
    expect(reads).toEqual([a, b, c, b]);
    expect(states.peek(a)).toBeUndefined();
  });

  it('a state set by a sweep counts as used, and is bounded the same way', async () => {
    const { source } = provider(2);
    const [a, b] = SUBSCRIPTIONS;
    const states = new SubscriptionStates(source, 60_000, () => 0, 3);
    await states.get(a);
    states.set(stateFromInventory(b, await source.readSubscriptions([b]), 0));
    expect(states.peek(a)).toBeUndefined();
    expect(states.size()).toEqual({ subscriptions: 1, rows: 2, evictions: 1 });
  });

  it('keeps the state just used even when it alone is over the bound', async () => {
    const { source } = provider(5);
    const states = new SubscriptionStates(source, 60_000, () => 0, 2);
    const state = await states.get(SUBSCRIPTIONS[0]);
    expect(state.rows.size).toBe(5);
    expect(states.peek(SUBSCRIPTIONS[0])).toBe(state);
  });

  it('is bounded by default', () => {
    expect(DEFAULT_STATE_CACHE_ROWS).toBe(50_000);
  });
});

describe('SubscriptionStates.refresh: a state no older than a sweep', () => {
  it('reads again a state captured before the time asked, even while an older read is under way, and keeps one that is not', async () => {
    const captures = ['2026-11-24T10:00:00.000Z', '2026-11-24T10:30:00.000Z', '2026-11-24T11:00:00.000Z'];
    const source = new SnapshotInventoryProvider(inventory('Deny', captures[0] as string));
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    let reads = 0;
    const timed = Object.create(source) as SnapshotInventoryProvider;
    timed.readSubscriptions = async (ids) => {
      const capturedAt = captures[reads++] as string;
      if (reads === 1) await slow;
      return { ...(await source.readSubscriptions(ids)), capturedAt };
    };
    const states = new SubscriptionStates(timed, 3600_000 * 24 * 365);
    const first = states.get(PROD);
    const refreshed = await states.refresh(PROD, '2026-11-24T10:15:00.000Z');
    expect(refreshed.capturedAt).toBe(captures[1]);
    // The older read, ended last, answers the newer state and does not replace it.
    release();
    expect((await first).capturedAt).toBe(captures[1]);
    // Held and new enough: kept without a read.
    expect(await states.refresh(PROD, '2026-11-24T10:00:00.000Z')).toMatchObject({ capturedAt: captures[1] });
    expect(reads).toBe(2);
  });
});
