import { describe, expect, test } from 'vitest';
import { decide } from '../../src/store';
import { useAzurite } from '../support/azurite';
import { at, evaluation, SUB_A, SUB_B, subnetId, workspaceId } from './fixtures';

const azurite = useAzurite();
const sweep = { subscriptionIds: [SUB_A] };

describe('lifecycle through the store (Azurite)', () => {
  test('a new fail opens a finding with firstSeen, and the change says so', async () => {
    const store = await azurite.freshStore();
    const result = await store.recordEvaluations({ scope: sweep, evaluations: [evaluation(subnetId('a'), 'fail')], evaluatedAt: at(0), complete: true });
    expect(result).toMatchObject({ opened: 1, written: 1, resolved: 0 });
    expect(result.changes).toHaveLength(1);
    expect(result.changes[0]).toMatchObject({ kind: 'opened', finding: { state: 'open', firstSeen: at(0).toISOString(), occurrences: 1 } });
    const stored = await store.getFinding('nsg.batch-inbound', subnetId('a'));
    expect(stored).toMatchObject({ state: 'open', status: 'fail', severity: 'high', firstSeen: at(0).toISOString(), lastSeen: at(0).toISOString(), resolvedAt: null, reopenCount: 0 });
    expect(stored?.evidence).toEqual({ nsgId: `${subnetId('a')}/nsg`, rule: 'deny-all-in', priority: 100 });
    expect(stored?.workspaceIds).toEqual([workspaceId('ws1')]);
  });

  test('unknown opens a finding too; pass and not-applicable open nothing', async () => {
    const store = await azurite.freshStore();
    const result = await store.recordEvaluations({
      scope: sweep,
      evaluations: [evaluation(subnetId('u'), 'unknown'), evaluation(subnetId('p'), 'pass'), evaluation(subnetId('n'), 'not-applicable')],
      evaluatedAt: at(0),
      complete: true,
    });
    expect(result).toMatchObject({ opened: 1, written: 1 });
    expect((await store.getFinding('nsg.batch-inbound', subnetId('u')))?.status).toBe('unknown');
    expect(await store.getFinding('nsg.batch-inbound', subnetId('p'))).toBeUndefined();
  });

  test('still failing keeps it open without a write; lastSeen comes from the complete sweep', async () => {
    const store = await azurite.freshStore();
    await store.recordEvaluations({ scope: sweep, evaluations: [evaluation(subnetId('a'), 'fail')], evaluatedAt: at(0), complete: true });
    const again = await store.recordEvaluations({ scope: sweep, evaluations: [evaluation(subnetId('a'), 'fail')], evaluatedAt: at(10), complete: true });
    expect(again).toMatchObject({ opened: 0, unchanged: 1, written: 0, changes: [] });
    const stored = await store.getFinding('nsg.batch-inbound', subnetId('a'));
    expect(stored).toMatchObject({ state: 'open', firstSeen: at(0).toISOString(), lastSeen: at(10).toISOString(), evaluatedAt: at(0).toISOString() });
  });

  test('a changed message or severity updates the open finding', async () => {
    const store = await azurite.freshStore();
    await store.recordEvaluations({ scope: sweep, evaluations: [evaluation(subnetId('a'), 'fail')], evaluatedAt: at(0), complete: true });
    const result = await store.recordEvaluations({
      scope: sweep,
      evaluations: [evaluation(subnetId('a'), 'fail', { evidence: { nsgId: 'x', rule: 'deny-batch', priority: 200 } })],
      evaluatedAt: at(5),
      complete: true,
    });
    expect(result).toMatchObject({ updated: 1, written: 1 });
    expect(result.changes[0]).toMatchObject({ kind: 'updated', previousState: 'open' });
    expect((await store.getFinding('nsg.batch-inbound', subnetId('a')))?.evidence).toEqual({ nsgId: 'x', rule: 'deny-batch', priority: 200 });
  });

  test('evidence in another key order is the same content (no write)', async () => {
    const store = await azurite.freshStore();
    await store.recordEvaluations({ scope: sweep, evaluations: [evaluation(subnetId('a'), 'fail', { evidence: { a: 1, b: [1, { c: 2, d: 3 }] } })], evaluatedAt: at(0), complete: true });
    const result = await store.recordEvaluations({ scope: sweep, evaluations: [evaluation(subnetId('a'), 'fail', { evidence: { b: [1, { d: 3, c: 2 }], a: 1 } })], evaluatedAt: at(1), complete: true });
    expect(result.written).toBe(0);
  });

  test.each([
    ['pass', 'pass'],
    ['not-applicable', 'not-applicable'],
  ] as const)('%s resolves it (resolvedAt, resolution)', async (verdict, resolution) => {
    const store = await azurite.freshStore();
    await store.recordEvaluations({ scope: sweep, evaluations: [evaluation(subnetId('a'), 'fail')], evaluatedAt: at(0), complete: true });
    const result = await store.recordEvaluations({ scope: sweep, evaluations: [evaluation(subnetId('a'), verdict)], evaluatedAt: at(3), complete: true });
    expect(result).toMatchObject({ resolved: 1, written: 1 });
    expect(result.changes[0]).toMatchObject({ kind: 'resolved', previousState: 'open', finding: { state: 'resolved' } });
    expect(await store.getFinding('nsg.batch-inbound', subnetId('a'))).toMatchObject({
      state: 'resolved',
      resolvedAt: at(3).toISOString(),
      resolution,
      lastSeen: at(0).toISOString(),
      status: 'fail',
    });
  });

  test('a deleted subject (absent from a complete sweep) resolves it', async () => {
    const store = await azurite.freshStore();
    await store.recordEvaluations({ scope: sweep, evaluations: [evaluation(subnetId('a'), 'fail'), evaluation(subnetId('b'), 'fail')], evaluatedAt: at(0), complete: true });
    const result = await store.recordEvaluations({ scope: sweep, evaluations: [evaluation(subnetId('b'), 'fail')], evaluatedAt: at(1), complete: true });
    expect(result).toMatchObject({ resolved: 1, unchanged: 1, written: 1 });
    expect(await store.getFinding('nsg.batch-inbound', subnetId('a'))).toMatchObject({ state: 'resolved', resolution: 'absent' });
    expect(await store.getFinding('nsg.batch-inbound', subnetId('b'))).toMatchObject({ state: 'open' });
  });

  test('a recurrence reopens it: firstSeen kept, occurrences counted', async () => {
    const store = await azurite.freshStore();
    await store.recordEvaluations({ scope: sweep, evaluations: [evaluation(subnetId('a'), 'fail')], evaluatedAt: at(0), complete: true });
    await store.recordEvaluations({ scope: sweep, evaluations: [evaluation(subnetId('a'), 'pass')], evaluatedAt: at(1), complete: true });
    const result = await store.recordEvaluations({ scope: sweep, evaluations: [evaluation(subnetId('a'), 'fail')], evaluatedAt: at(2), complete: true });
    expect(result).toMatchObject({ reopened: 1, written: 1 });
    expect(result.changes[0]).toMatchObject({ kind: 'reopened', previousState: 'resolved' });
    expect(await store.getFinding('nsg.batch-inbound', subnetId('a'))).toMatchObject({
      state: 'open',
      firstSeen: at(0).toISOString(),
      lastSeen: at(2).toISOString(),
      resolvedAt: null,
      resolution: null,
      occurrences: 2,
      reopenCount: 1,
    });
    await store.recordEvaluations({ scope: sweep, evaluations: [], evaluatedAt: at(3), complete: true });
    await store.recordEvaluations({ scope: sweep, evaluations: [evaluation(subnetId('a'), 'fail')], evaluatedAt: at(4), complete: true });
    expect((await store.getFinding('nsg.batch-inbound', subnetId('a').toUpperCase()))?.occurrences).toBe(3);
  });

  test('resource IDs are case-insensitive: one finding per (rule, subject)', async () => {
    const store = await azurite.freshStore();
    await store.recordEvaluations({ scope: sweep, evaluations: [evaluation(subnetId('a'), 'fail')], evaluatedAt: at(0), complete: true });
    const result = await store.recordEvaluations({ scope: sweep, evaluations: [evaluation(subnetId('a').toUpperCase().replace('/SUBSCRIPTIONS/', '/subscriptions/'), 'fail')], evaluatedAt: at(1), complete: true });
    expect(result.opened).toBe(0);
    expect((await store.listFindings()).items).toHaveLength(1);
  });

  test('the event path changes only the named subjects; an absent evaluation there means deleted', async () => {
    const store = await azurite.freshStore();
    await store.recordEvaluations({
      scope: sweep,
      evaluations: [evaluation(subnetId('a'), 'fail'), evaluation(subnetId('b'), 'fail'), evaluation(subnetId('a'), 'fail', { ruleId: 'nsg.ssh-exposed', severity: 'medium' })],
      evaluatedAt: at(0),
      complete: true,
    });
    const result = await store.recordEvaluations({
      scope: { resourceKeys: new Set([subnetId('a').toLowerCase()]) },
      evaluations: [evaluation(subnetId('a'), 'pass'), evaluation(subnetId('b'), 'pass')],
      evaluatedAt: at(1),
      complete: true,
    });
    expect(result).toMatchObject({ resolved: 2, outOfScope: 1 });
    expect(await store.getFinding('nsg.batch-inbound', subnetId('a'))).toMatchObject({ state: 'resolved', resolution: 'pass' });
    expect(await store.getFinding('nsg.ssh-exposed', subnetId('a'))).toMatchObject({ state: 'resolved', resolution: 'absent' });
    expect(await store.getFinding('nsg.batch-inbound', subnetId('b'))).toMatchObject({ state: 'open' });
  });

  test('a sweep of subscription S touches only S', async () => {
    const store = await azurite.freshStore();
    await store.recordEvaluations({
      scope: { subscriptionIds: [SUB_A, SUB_B] },
      evaluations: [evaluation(subnetId('a', SUB_A), 'fail'), evaluation(subnetId('b', SUB_B), 'fail')],
      evaluatedAt: at(0),
      complete: true,
    });
    const result = await store.recordEvaluations({ scope: { subscriptionIds: [SUB_A] }, evaluations: [evaluation(subnetId('b', SUB_B), 'pass')], evaluatedAt: at(1), complete: true });
    expect(result).toMatchObject({ resolved: 1, outOfScope: 1 });
    expect(await store.getFinding('nsg.batch-inbound', subnetId('a', SUB_A))).toMatchObject({ state: 'resolved', resolution: 'absent' });
    expect(await store.getFinding('nsg.batch-inbound', subnetId('b', SUB_B))).toMatchObject({ state: 'open' });
    expect((await store.listSweeps(SUB_B)).length).toBe(1);
  });

  test('sweep records: one per subscription per sweep, counts by severity and rule, newest first', async () => {
    const store = await azurite.freshStore();
    await store.recordEvaluations({
      scope: { subscriptionIds: [SUB_A, SUB_B] },
      evaluations: [
        evaluation(subnetId('a', SUB_A), 'fail'),
        evaluation(subnetId('b', SUB_A), 'unknown', { ruleId: 'nsg.ssh-exposed', severity: 'medium' }),
        evaluation(subnetId('c', SUB_A), 'pass'),
        evaluation(subnetId('d', SUB_B), 'not-applicable'),
      ],
      evaluatedAt: at(0),
      complete: true,
      sweepId: 'sweep-1',
      durationMs: 1234,
    });
    await store.recordEvaluations({ scope: { subscriptionIds: [SUB_A] }, evaluations: [], evaluatedAt: at(5), complete: false, sweepId: 'sweep-2' });
    const sweepsOfA = await store.listSweeps(SUB_A);
    expect(sweepsOfA.map((record) => record.sweepId)).toEqual(['sweep-2', 'sweep-1']);
    expect(sweepsOfA[1]).toMatchObject({
      subscriptionId: SUB_A,
      complete: true,
      evaluations: 3,
      fail: 1,
      unknown: 1,
      pass: 1,
      bySeverity: { high: 1, medium: 1, low: 0, info: 0 },
      byRule: { 'nsg.batch-inbound': 1, 'nsg.ssh-exposed': 1 },
      opened: 2,
      written: 2,
    });
    expect(sweepsOfA[1]?.durationMs).toBeGreaterThanOrEqual(1234);
    expect(sweepsOfA[0]).toMatchObject({ complete: false, evaluations: 0 });
    expect((await store.listSweeps()).map((record) => `${record.sweepId}:${record.subscriptionId.slice(-1)}`)).toEqual(['sweep-2:a', 'sweep-1:a', 'sweep-1:b']);
    expect(await store.listSweeps(undefined, 1)).toHaveLength(1);
    const failed = await store.recordSweep({ subscriptionId: SUB_B, startedAt: at(9), error: 'Resource Graph answered 403' });
    expect(failed).toMatchObject({ complete: false, error: 'Resource Graph answered 403' });
    expect((await store.listSweeps(SUB_B))[0]).toMatchObject({ sweepId: failed.sweepId, error: 'Resource Graph answered 403' });
  });
});

describe('decide (pure)', () => {
  test('an evaluation older than the stored one is stale; so is one older than the floor', () => {
    const opened = decide(undefined, evaluation(subnetId('a'), 'fail'), { at: at(5).toISOString(), confirmUnchanged: false });
    expect(opened.kind).toBe('opened');
    if (!('next' in opened)) throw new Error('expected a record');
    expect(decide(opened.next, evaluation(subnetId('a'), 'pass'), { at: at(4).toISOString(), confirmUnchanged: false }).kind).toBe('stale');
    expect(decide(undefined, evaluation(subnetId('a'), 'fail'), { at: at(4).toISOString(), confirmUnchanged: true, floor: at(5).toISOString() }).kind).toBe('stale');
    expect(decide(opened.next, evaluation(subnetId('a'), 'fail'), { at: at(6).toISOString(), confirmUnchanged: true }).kind).toBe('confirmed');
    expect(decide(opened.next, evaluation(subnetId('a'), 'fail'), { at: at(6).toISOString(), confirmUnchanged: false }).kind).toBe('unchanged');
    expect(decide(undefined, undefined, { at: at(6).toISOString(), confirmUnchanged: false }).kind).toBe('none');
  });
});

describe('sweep records across subscriptions', () => {
  test('the newest first, read by widening time windows, whatever the partitions', async () => {
    const day = 86_400_000;
    const now = new Date(at(0).getTime() + 200 * day);
    const store = await azurite.freshStore({ now: () => now });
    const ago = (days: number) => new Date(now.getTime() - days * day);
    for (const [subscriptionId, days] of [[SUB_B, 100], [SUB_A, 20], [SUB_B, 3], [SUB_A, 0.5], [SUB_B, 45]] as const) {
      await store.recordSweep({ subscriptionId, startedAt: ago(days), error: `${days} days ago` });
    }
    const errors = async (top: number) => (await store.listSweeps(undefined, top)).map((record) => record.error);
    expect(await errors(1)).toEqual(['0.5 days ago']);
    expect(await errors(2)).toEqual(['0.5 days ago', '3 days ago']);
    expect(await errors(3)).toEqual(['0.5 days ago', '3 days ago', '20 days ago']);
    expect(await errors(10)).toEqual(['0.5 days ago', '3 days ago', '20 days ago', '45 days ago', '100 days ago']);
    expect((await store.listSweeps(SUB_B, 2)).map((record) => record.error)).toEqual(['3 days ago', '45 days ago']);
  });
});
