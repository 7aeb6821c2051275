import { describe, expect, it } from 'vitest';
import { stateFromInventory } from '../../src/app/subscription-state';
import { idKey } from '../../src/core/ids';
import type { Inventory } from '../../src/inventory/types';
import { PROD, STORAGE_ID, storageRow } from './fixtures/events';

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
});
