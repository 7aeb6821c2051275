import { describe, expect, it } from 'vitest';
import { parseSnapshot } from '../../src/inventory/snapshot';

describe('a snapshot captured from an incomplete live read', () => {
  const row = { id: '/subscriptions/s/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/a', type: 'microsoft.storage/storageaccounts' };

  it('keeps the gaps it recorded, so auditing it is not reported as complete', () => {
    const inventory = parseSnapshot(JSON.stringify({ resources: [row], incomplete: true, gaps: [{ scope: 'subscription s2', reason: '403' }] }), 'estate.json');
    expect(inventory.gaps).toEqual([{ scope: 'subscription s2', reason: '403' }]);
  });

  it('treats incomplete: true without readable gaps as one gap', () => {
    const inventory = parseSnapshot(JSON.stringify({ resources: [row], incomplete: true, gaps: 'x' }), 'estate.json');
    expect(inventory.gaps).toHaveLength(1);
  });

  it('has no gap for a complete snapshot', () => {
    expect(parseSnapshot(JSON.stringify({ resources: [row] }), 'estate.json').gaps).toEqual([]);
  });
});
