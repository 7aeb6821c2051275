import { describe, expect, it } from 'vitest';
import { splitBySubscription } from '../../src/inventory/split';
import type { Inventory, ResourceRow } from '../../src/inventory/types';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const C = '33333333-3333-4333-8333-333333333333';
const storage = (subscription: string, name: string): ResourceRow => ({ id: `/subscriptions/${subscription}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/${name}`, type: 'microsoft.storage/storageaccounts' });
const subscriptionRow = (subscription: string, groups?: readonly string[]): ResourceRow => ({
  id: `/subscriptions/${subscription}`,
  type: 'microsoft.resources/subscriptions',
  properties: groups === undefined ? {} : { managementGroupAncestorsChain: groups.map((name) => ({ name, displayName: name })) },
});
const grantAt = (group: string): ResourceRow => ({ id: `/providers/Microsoft.Management/managementGroups/${group}/providers/Microsoft.Authorization/roleAssignments/ra-${group}`, type: 'microsoft.authorization/roleassignments' });
const ids = (inventory: Inventory | undefined): string[] => (inventory?.resources ?? []).map((row) => row.id.split('/').pop() ?? '').sort();

describe('splitBySubscription', () => {
  it('gives each subscription its own rows, and the grants of the management groups above it', () => {
    const inventory: Inventory = {
      capturedAt: '2026-12-01T00:00:00.000Z',
      resources: [storage(A, 'sta'), storage(B, 'stb'), subscriptionRow(A, ['mg-a', 'root']), subscriptionRow(B, ['mg-b', 'root']), grantAt('mg-a'), grantAt('mg-b'), grantAt('ROOT'), storage(C, 'stc')],
      serviceTags: [],
      warnings: ['a note'],
      gaps: [],
    };
    const parts = splitBySubscription(inventory, [A, B.toUpperCase()]);
    expect([...parts.keys()]).toEqual([A, B]);
    expect(ids(parts.get(A))).toEqual([A, 'ra-ROOT', 'ra-mg-a', 'sta']);
    expect(ids(parts.get(B))).toEqual([B, 'ra-ROOT', 'ra-mg-b', 'stb']);
    expect(parts.get(A)).toMatchObject({ capturedAt: inventory.capturedAt, serviceTags: [], warnings: ['a note'], gaps: [] });
  });

  it('gives every grant of no subscription to a subscription whose ancestry was not read', () => {
    const parts = splitBySubscription({ resources: [storage(A, 'sta'), subscriptionRow(A), grantAt('mg-x'), grantAt('mg-y')], warnings: [], gaps: [] }, [A]);
    expect(ids(parts.get(A))).toEqual([A, 'ra-mg-x', 'ra-mg-y', 'sta']);
  });

  it('keeps a subscription gap its own, and gives a gap of no subscription to every part', () => {
    const inventory: Inventory = {
      resources: [storage(A, 'sta')],
      warnings: [],
      gaps: [
        { scope: `/subscriptions/${B}`, reason: 'resources: HTTP 500' },
        { scope: `/subscriptions/${A}/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws`, reason: 'workspace computes: HTTP 500' },
        { scope: '/providers/Microsoft.Management/managementGroups/mg', reason: 'role assignments: HTTP 403' },
      ],
    };
    const parts = splitBySubscription(inventory, [A, B]);
    expect(parts.get(A)?.gaps.map((gap) => gap.reason)).toEqual(['workspace computes: HTTP 500', 'role assignments: HTTP 403']);
    expect(parts.get(B)?.gaps.map((gap) => gap.reason)).toEqual(['resources: HTTP 500', 'role assignments: HTTP 403']);
    expect(parts.get(B)?.resources).toEqual([]);
  });
});
