import { describe, expect, it } from 'vitest';
import { ReadAgainError, withResourcesReadAgain } from '../../src/inventory/read-again';
import type { ResourcesReadAgain } from '../../src/inventory/read-again';
import type { Inventory, ResourceRow } from '../../src/inventory/types';

const id = (name: string): string => `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/${name}`;
const row = (name: string, defaultAction: string): ResourceRow => ({ id: id(name), type: 'microsoft.storage/storageaccounts', properties: { networkAcls: { defaultAction } } });
const whole: Inventory = { capturedAt: '2026-11-24T10:00:00.000Z', resources: [row('a', 'Deny'), row('b', 'Deny'), row('c', 'Deny')], warnings: [], gaps: [] };

describe('withResourcesReadAgain', () => {
  it('replaces the rows read again (IDs in any case), drops those found gone, keeps the rest and the capture time', async () => {
    const asked: string[][] = [];
    const read = async (ids: readonly string[]): Promise<ResourcesReadAgain> => {
      asked.push([...ids]);
      return { resources: [row('A', 'Allow')], missing: [id('b')], failures: [{ id: id('c'), reason: 'HTTP 403', transient: false }] };
    };
    const inventory = await withResourcesReadAgain(whole, [id('A'), id('b'), id('c')], read);
    expect(asked).toEqual([[id('A'), id('b'), id('c')]]);
    expect(inventory.capturedAt).toBe(whole.capturedAt);
    expect(inventory.resources.map((item) => [item.id, (item.properties as { networkAcls: { defaultAction: string } }).networkAcls.defaultAction])).toEqual([
      [id('A'), 'Allow'],
      // A resource that can never be read keeps what the whole read gave.
      [id('c'), 'Deny'],
    ]);
  });

  it('throws when a resource cannot be read for now, and reads nothing when nothing is asked', async () => {
    const throttled = async (): Promise<ResourcesReadAgain> => ({ resources: [], missing: [], failures: [{ id: id('a'), reason: 'HTTP 429', transient: true }] });
    await expect(withResourcesReadAgain(whole, [id('a')], throttled)).rejects.toEqual(new ReadAgainError(id('a'), 'HTTP 429'));
    const never = async (): Promise<ResourcesReadAgain> => Promise.reject(new Error('not asked'));
    expect(await withResourcesReadAgain(whole, [], never)).toBe(whole);
  });
});
