import { describe, expect, test } from 'vitest';
import { MAX_PROPERTY_CHARS, rowKeyOf, partitionKeyOfResource } from '../../src/store';
import { useAzurite } from '../support/azurite';
import { at, evaluation, SUB_A, subnetId } from './fixtures';

const azurite = useAzurite();

const HOSTILE_NAMES = [
  'a/b',
  'back\\slash',
  'hash#tag',
  'what?now',
  "quote'd",
  'double"quote',
  'percent%2Fencoded',
  'ctrl\u0000\u0001\u001f\u007f\u009f',
  'rtl\u202eexe.txt',
  'emoji😀 and lone \ud800 surrogate',
  '<script>alert(1)</script>',
  "x' or PartitionKey ne '",
  'spaces   and\ttabs\nnewline',
  'long'.repeat(500),
];

describe('hostile characters in IDs and messages', () => {
  test('keys never carry forbidden characters and stay under 1 KiB', () => {
    for (const name of HOSTILE_NAMES) {
      const resourceId = `/subscriptions/${name}/resourceGroups/${name}/providers/x/y/${name}`;
      for (const key of [rowKeyOf('nsg.batch-inbound', resourceId), rowKeyOf(name, resourceId), partitionKeyOfResource(resourceId)]) {
        expect(key).not.toMatch(/[/\\#?\u0000-\u001f\u007f-\u009f]/);
        expect(key.length).toBeLessThan(1024);
      }
    }
  });

  test('findings with hostile IDs, messages, evidence and workspaces round-trip exactly', async () => {
    const store = await azurite.freshStore();
    const evaluations = HOSTILE_NAMES.map((name) =>
      evaluation(subnetId(name), 'fail', {
        message: `NSG rule '${name}' denies it. ${name}`,
        title: `Title ${name}`,
        evidence: { [name]: name, nested: [name, { deeper: name }], n: 1.5, flag: false, none: null },
        workspaceIds: [`/subscriptions/${SUB_A}/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/${name}`],
      }),
    );
    const result = await store.recordEvaluations({ scope: { subscriptionIds: [SUB_A] }, evaluations, evaluatedAt: at(0), complete: true });
    expect(result.opened).toBe(HOSTILE_NAMES.length);
    for (const original of evaluations) {
      const stored = await store.getFinding(original.ruleId, original.resourceId);
      expect(stored, JSON.stringify(original.resourceId.slice(0, 80))).toMatchObject({
        resourceId: original.resourceId,
        message: original.message,
        title: original.title,
        evidence: original.evidence,
        workspaceIds: original.workspaceIds,
      });
    }
    // An unchanged re-sweep of hostile content writes nothing (the hash is stable).
    const again = await store.recordEvaluations({ scope: { subscriptionIds: [SUB_A] }, evaluations, evaluatedAt: at(1), complete: true });
    expect(again.written).toBe(0);
    // Filters with quotes are escaped, not injected.
    expect((await store.listFindings({ ruleId: "x' or RowKey ne '" })).items).toEqual([]);
    const byWorkspace = await store.listFindings({ workspaceId: evaluations[4]?.workspaceIds[0] ?? '' });
    expect(byWorkspace.items.map((item) => item.resourceId)).toEqual([evaluations[4]?.resourceId]);
    expect((await store.listFindings({ resourceId: subnetId('hash#tag') })).items).toHaveLength(1);
  });

  test('a resource ID with a hostile subscription segment gets a safe partition of its own', async () => {
    const store = await azurite.freshStore();
    const weird = '/subscriptions/a#b?c\\d/resourceGroups/rg/providers/x/y/z';
    const result = await store.recordEvaluations({ scope: { resourceKeys: new Set([weird.toLowerCase()]) }, evaluations: [evaluation(weird, 'fail')], evaluatedAt: at(0), complete: true });
    expect(result.opened).toBe(1);
    expect(await store.getFinding('nsg.batch-inbound', weird)).toMatchObject({ resourceId: weird, state: 'open', subscriptionId: 'a#b?c\\d' });
    const noSubscription = '/providers/Microsoft.Management/managementGroups/mg';
    await store.recordEvaluations({ scope: { resourceKeys: new Set([noSubscription.toLowerCase()]) }, evaluations: [evaluation(noSubscription, 'unknown')], evaluatedAt: at(0), complete: true });
    expect(await store.getFinding('nsg.batch-inbound', noSubscription)).toMatchObject({ state: 'open', subscriptionId: null });
  });

  test('oversized evidence and messages are cut with a visible marker, not rejected', async () => {
    const store = await azurite.freshStore();
    const huge = { blob: '\u0000'.repeat(50_000), list: Array.from({ length: 5000 }, (_, index) => `/subscriptions/x/item/${index}`) };
    const longMessage = 'm'.repeat(100_000);
    await store.recordEvaluations({
      scope: { subscriptionIds: [SUB_A] },
      evaluations: [evaluation(subnetId('big'), 'fail', { evidence: huge, message: longMessage })],
      evaluatedAt: at(0),
      complete: true,
    });
    const stored = await store.getFinding('nsg.batch-inbound', subnetId('big'));
    expect(stored?.evidence).toMatchObject({ truncated: true, originalLength: JSON.stringify(huge).length });
    expect(typeof stored?.evidence.preview).toBe('string');
    expect(stored?.message.length).toBeLessThanOrEqual(MAX_PROPERTY_CHARS);
    expect(stored?.message.endsWith('[truncated]')).toBe(true);
    // The content hash is over the full evaluation: the same oversized input is still "unchanged".
    const again = await store.recordEvaluations({
      scope: { subscriptionIds: [SUB_A] },
      evaluations: [evaluation(subnetId('big'), 'fail', { evidence: huge, message: longMessage })],
      evaluatedAt: at(1),
      complete: true,
    });
    expect(again.written).toBe(0);
  });

  test('large findings are split across transactions to stay under the 4 MiB body limit', async () => {
    const store = await azurite.freshStore();
    // About 120 KB each on the wire: 99 of them would be 12 MB, far over the limit.
    const evaluations = Array.from({ length: 60 }, (_, index) =>
      evaluation(subnetId(`big-${index}`), 'fail', { message: `${index} ${'m'.repeat(29_000)}`, evidence: { blob: 'e'.repeat(29_000) } }),
    );
    const result = await store.recordEvaluations({ scope: { subscriptionIds: [SUB_A] }, evaluations, evaluatedAt: at(0), complete: true });
    expect(result.opened).toBe(60);
    // One claim, one sweep record, and more than one transaction.
    expect(result.bookkeepingWrites).toBeGreaterThan(3);
    expect((await store.getFinding('nsg.batch-inbound', subnetId('big-59')))?.message.startsWith('59 ')).toBe(true);
  });
});
