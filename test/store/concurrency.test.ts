import { describe, expect, test } from 'vitest';
import type { Evaluation } from '../../src/core/types';
import { openFindingsStore } from '../../src/store';
import { DEV_ACCOUNT_KEY, DEV_ACCOUNT_NAME } from '../../src/azurite';
import { FAST_RETRY, uniqueTablePrefix, useAzurite } from '../support/azurite';
import { startRelay } from '../support/relay';
import { at, evaluation, SUB_A, subnetId } from './fixtures';

const azurite = useAzurite();
const sweep = { subscriptionIds: [SUB_A] };
const rule = 'nsg.batch-inbound';

/** Two independent stores (own clients) on the same tables: two writers, as two Function instances. */
async function twoWriters(): Promise<[Awaited<ReturnType<typeof openFindingsStore>>, Awaited<ReturnType<typeof openFindingsStore>>]> {
  const tablePrefix = uniqueTablePrefix();
  const connectionString = azurite.server().connectionString;
  return [await openFindingsStore({ connectionString, tablePrefix, retryOptions: FAST_RETRY }), await openFindingsStore({ connectionString, tablePrefix, retryOptions: FAST_RETRY })];
}

function subjects(count: number): string[] {
  return Array.from({ length: count }, (_, index) => subnetId(`s${index}`));
}

describe('no lost or resurrected state', () => {
  test('a stale event never overwrites a newer evaluation', async () => {
    const store = await azurite.freshStore();
    await store.recordEvaluations({ scope: sweep, evaluations: [evaluation(subnetId('a'), 'fail')], evaluatedAt: at(0), complete: true });
    const event = { resourceKeys: new Set([subnetId('a').toLowerCase()]) };
    await store.recordEvaluations({ scope: event, evaluations: [evaluation(subnetId('a'), 'pass')], evaluatedAt: at(10), complete: true });
    const stale = await store.recordEvaluations({ scope: event, evaluations: [evaluation(subnetId('a'), 'fail')], evaluatedAt: at(5), complete: true });
    expect(stale).toMatchObject({ stale: 1, written: 0, reopened: 0, changes: [] });
    expect(await store.getFinding(rule, subnetId('a'))).toMatchObject({ state: 'resolved', evaluatedAt: at(10).toISOString() });
  });

  test('an event older than a complete sweep loses even where the sweep wrote nothing', async () => {
    const store = await azurite.freshStore();
    await store.recordEvaluations({ scope: sweep, evaluations: [evaluation(subnetId('a'), 'fail')], evaluatedAt: at(0), complete: true });
    const resweep = await store.recordEvaluations({ scope: sweep, evaluations: [evaluation(subnetId('a'), 'fail')], evaluatedAt: at(10), complete: true });
    expect(resweep.written).toBe(0);
    const event = await store.recordEvaluations({
      scope: { resourceKeys: new Set([subnetId('a').toLowerCase()]) },
      evaluations: [evaluation(subnetId('a'), 'pass')],
      evaluatedAt: at(5),
      complete: true,
    });
    expect(event).toMatchObject({ stale: 1, resolved: 0 });
    // Nor may it create a finding the sweep saw passing.
    const create = await store.recordEvaluations({
      scope: { resourceKeys: new Set([subnetId('b').toLowerCase()]) },
      evaluations: [evaluation(subnetId('b'), 'fail')],
      evaluatedAt: at(5),
      complete: true,
    });
    expect(create).toMatchObject({ stale: 1, opened: 0 });
    expect(await store.getFinding(rule, subnetId('a'))).toMatchObject({ state: 'open' });
  });

  test('an event confirms what it saw, so an older sweep (complete or not) cannot undo it', async () => {
    const store = await azurite.freshStore();
    await store.recordEvaluations({ scope: sweep, evaluations: [evaluation(subnetId('a'), 'fail')], evaluatedAt: at(0), complete: true });
    const event = await store.recordEvaluations({
      scope: { resourceKeys: new Set([subnetId('a').toLowerCase()]) },
      evaluations: [evaluation(subnetId('a'), 'fail')],
      evaluatedAt: at(10),
      complete: true,
    });
    expect(event).toMatchObject({ unchanged: 1, written: 1, changes: [] });
    expect((await store.getFinding(rule, subnetId('a')))?.lastSeen).toBe(at(10).toISOString());
    const olderIncomplete = await store.recordEvaluations({ scope: sweep, evaluations: [evaluation(subnetId('a'), 'pass')], evaluatedAt: at(5), complete: false });
    expect(olderIncomplete).toMatchObject({ stale: 1, resolved: 0 });
    const olderComplete = await store.recordEvaluations({ scope: sweep, evaluations: [], evaluatedAt: at(6), complete: true });
    expect(olderComplete).toMatchObject({ stale: 1, resolved: 0 });
    expect(await store.getFinding(rule, subnetId('a'))).toMatchObject({ state: 'open', evaluatedAt: at(10).toISOString() });
  });

  test('a complete sweep older than the last complete sweep is superseded and changes nothing', async () => {
    const store = await azurite.freshStore();
    await store.recordEvaluations({ scope: sweep, evaluations: [evaluation(subnetId('a'), 'pass')], evaluatedAt: at(10), complete: true, sweepId: 'new' });
    const old = await store.recordEvaluations({ scope: sweep, evaluations: [evaluation(subnetId('a'), 'fail')], evaluatedAt: at(5), complete: true, sweepId: 'old' });
    expect(old).toMatchObject({ opened: 0, stale: 1, written: 0 });
    expect(await store.getFinding(rule, subnetId('a'))).toBeUndefined();
    expect((await store.listSweeps(SUB_A)).find((record) => record.sweepId === 'old')).toMatchObject({ superseded: true });
  });

  test('two concurrent sweeps, stale and fresh, over 300 findings: the fresh one wins whatever the interleaving', async () => {
    for (const order of ['stale-first', 'fresh-first'] as const) {
      const [writerA, writerB] = await twoWriters();
      const ids = subjects(300);
      await writerA.recordEvaluations({ scope: sweep, evaluations: ids.map((id) => evaluation(id, 'fail')), evaluatedAt: at(0), complete: true });
      // Stale: started at minute 5, sees every subject failing with new evidence. Fresh: started at minute 6, sees half fixed.
      const stale = () =>
        writerA.recordEvaluations({ scope: sweep, evaluations: ids.map((id) => evaluation(id, 'fail', { evidence: { stale: true } })), evaluatedAt: at(5), complete: true });
      const fresh = () =>
        writerB.recordEvaluations({
          scope: sweep,
          evaluations: ids.map((id, index) => evaluation(id, index % 2 === 0 ? 'pass' : 'fail', { evidence: { fresh: true } })),
          evaluatedAt: at(6),
          complete: true,
        });
      const [staleResult, freshResult] = order === 'stale-first' ? await Promise.all([stale(), fresh()]) : (await Promise.all([fresh(), stale()])).reverse();
      expect(staleResult, order).toBeDefined();
      expect(freshResult, order).toBeDefined();
      const { items } = await writerA.listFindings({ top: 1000 });
      expect(items).toHaveLength(300);
      for (const finding of items) {
        const index = Number(/\/s(\d+)$/.exec(finding.resourceId)?.[1]);
        if (index % 2 === 0) expect(finding, `${order} ${finding.resourceId}`).toMatchObject({ state: 'resolved', evaluatedAt: at(6).toISOString() });
        else expect(finding, `${order} ${finding.resourceId}`).toMatchObject({ state: 'open', evidence: { fresh: true }, evaluatedAt: at(6).toISOString() });
      }
    }
  });

  test('a sweep that a newer complete sweep claims between its transactions stops there, superseded, and the newer verdicts stay', async () => {
    const tablePrefix = uniqueTablePrefix();
    const ids = subjects(300);
    const fresh = await openFindingsStore({ connectionString: azurite.server().connectionString, tablePrefix, retryOptions: FAST_RETRY });
    await fresh.recordEvaluations({ scope: sweep, evaluations: ids.map((id) => evaluation(id, 'fail')), evaluatedAt: at(0), complete: true, sweepId: 'first' });
    let freshSweep: Promise<unknown> | undefined;
    // The stale sweep's first findings transaction lands; before its second, the fresh sweep runs whole.
    const relay = await startRelay(
      () => azurite.server().port,
      async (count) => {
        if (count !== 2) return;
        freshSweep = fresh.recordEvaluations({
          scope: sweep,
          evaluations: ids.map((id, index) => evaluation(id, index % 2 === 0 ? 'pass' : 'fail', { evidence: { fresh: true } })),
          evaluatedAt: at(6),
          complete: true,
          sweepId: 'fresh',
        });
        await freshSweep;
      },
    );
    try {
      const staleWriter = await openFindingsStore({ connectionString: `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT_NAME};AccountKey=${DEV_ACCOUNT_KEY};TableEndpoint=http://127.0.0.1:${relay.port}/${DEV_ACCOUNT_NAME};`, tablePrefix, retryOptions: FAST_RETRY });
      const stale = await staleWriter.recordEvaluations({ scope: sweep, evaluations: ids.map((id) => evaluation(id, 'fail', { evidence: { stale: true } })), evaluatedAt: at(5), complete: true, sweepId: 'stale' });
      expect(freshSweep).toBeDefined();
      // One transaction of the stale sweep was written before the fresh one claimed the partition; nothing after.
      expect(stale.written).toBeGreaterThan(0);
      expect(stale.written).toBeLessThan(ids.length);
      expect(stale.stale).toBeGreaterThan(0);
      const { items } = await fresh.listFindings({ top: 1000 });
      expect(items).toHaveLength(300);
      for (const finding of items) {
        const index = Number(/\/s(\d+)$/.exec(finding.resourceId)?.[1]);
        expect(finding, finding.resourceId).toMatchObject(index % 2 === 0 ? { state: 'resolved', evaluatedAt: at(6).toISOString() } : { state: 'open', evidence: { fresh: true }, evaluatedAt: at(6).toISOString() });
      }
      expect((await fresh.listSweeps(SUB_A)).find((record) => record.sweepId === 'stale')).toMatchObject({ superseded: true });
    } finally {
      await relay.close();
    }
  });

  test('twenty racing events on one subject: the newest verdict is what stays', async () => {
    const [writerA, writerB] = await twoWriters();
    const key = { resourceKeys: new Set([subnetId('a').toLowerCase()]) };
    const minutes = Array.from({ length: 20 }, (_, index) => index + 1).sort(() => Math.random() - 0.5);
    const verdict = (minute: number): Evaluation => evaluation(subnetId('a'), minute % 3 === 0 ? 'pass' : 'fail', { evidence: { minute } });
    await Promise.all(
      minutes.map((minute, index) => (index % 2 === 0 ? writerA : writerB).recordEvaluations({ scope: key, evaluations: [verdict(minute)], evaluatedAt: at(minute), complete: true })),
    );
    // Minute 20 fails (20 % 3 != 0): the finding is open with minute 20's evidence.
    expect(await writerA.getFinding(rule, subnetId('a'))).toMatchObject({ state: 'open', evidence: { minute: 20 }, evaluatedAt: at(20).toISOString() });
  });

  test('an event racing a sweep: the newer evaluation wins, in both orders', async () => {
    for (let round = 0; round < 6; round++) {
      const [writerA, writerB] = await twoWriters();
      const ids = subjects(120);
      await writerA.recordEvaluations({ scope: sweep, evaluations: ids.map((id) => evaluation(id, 'fail')), evaluatedAt: at(0), complete: true });
      const eventIsNewer = round % 2 === 0;
      const target = ids[7] as string;
      await Promise.all([
        writerA.recordEvaluations({ scope: sweep, evaluations: ids.map((id) => evaluation(id, 'fail')), evaluatedAt: at(10), complete: true }),
        writerB.recordEvaluations({ scope: { resourceKeys: new Set([target.toLowerCase()]) }, evaluations: [evaluation(target, 'pass')], evaluatedAt: at(eventIsNewer ? 11 : 9), complete: true }),
      ]);
      expect((await writerA.getFinding(rule, target))?.state, `round ${round}`).toBe(eventIsNewer ? 'resolved' : 'open');
    }
  });
});

describe('incomplete sweeps', () => {
  test('an incomplete sweep resolves nothing it did not re-evaluate', async () => {
    const store = await azurite.freshStore();
    await store.recordEvaluations({ scope: sweep, evaluations: [evaluation(subnetId('a'), 'fail'), evaluation(subnetId('b'), 'fail'), evaluation(subnetId('c'), 'fail')], evaluatedAt: at(0), complete: true });
    const partial = await store.recordEvaluations({ scope: sweep, evaluations: [evaluation(subnetId('a'), 'pass'), evaluation(subnetId('d'), 'fail')], evaluatedAt: at(1), complete: false });
    expect(partial).toMatchObject({ resolved: 1, opened: 1 });
    expect(await store.getFinding(rule, subnetId('b'))).toMatchObject({ state: 'open', lastSeen: at(0).toISOString() });
    expect(await store.getFinding(rule, subnetId('c'))).toMatchObject({ state: 'open' });
    expect((await store.listSweeps(SUB_A))[0]).toMatchObject({ complete: false });
  });

  test('a subscription with inventory gaps is incomplete even when the run says complete', async () => {
    const store = await azurite.freshStore();
    await store.recordEvaluations({ scope: sweep, evaluations: [evaluation(subnetId('a'), 'fail')], evaluatedAt: at(0), complete: true });
    const result = await store.recordEvaluations({ scope: { subscriptionIds: [SUB_A], incompleteSubscriptionIds: [SUB_A.toUpperCase()] }, evaluations: [], evaluatedAt: at(1), complete: true });
    expect(result.resolved).toBe(0);
    expect(await store.getFinding(rule, subnetId('a'))).toMatchObject({ state: 'open', lastSeen: at(0).toISOString() });
  });

  test('an event judged on an incomplete inventory resolves nothing by absence', async () => {
    const store = await azurite.freshStore();
    await store.recordEvaluations({ scope: sweep, evaluations: [evaluation(subnetId('a'), 'fail'), evaluation(subnetId('a'), 'fail', { ruleId: 'nsg.ssh-exposed' })], evaluatedAt: at(0), complete: true });
    const result = await store.recordEvaluations({
      scope: { resourceKeys: new Set([subnetId('a').toLowerCase()]) },
      evaluations: [evaluation(subnetId('a'), 'pass')],
      evaluatedAt: at(1),
      complete: false,
    });
    expect(result).toMatchObject({ resolved: 1 });
    expect(await store.getFinding(rule, subnetId('a'))).toMatchObject({ state: 'resolved' });
    expect(await store.getFinding('nsg.ssh-exposed', subnetId('a'))).toMatchObject({ state: 'open' });
  });

  test('lastSeen is not advanced by an incomplete sweep record, only by complete ones', async () => {
    const store = await azurite.freshStore();
    await store.recordEvaluations({ scope: sweep, evaluations: [evaluation(subnetId('a'), 'fail'), evaluation(subnetId('b'), 'fail')], evaluatedAt: at(0), complete: true });
    await store.recordEvaluations({ scope: sweep, evaluations: [evaluation(subnetId('a'), 'fail')], evaluatedAt: at(2), complete: false });
    expect((await store.getFinding(rule, subnetId('a')))?.lastSeen).toBe(at(2).toISOString());
    expect((await store.getFinding(rule, subnetId('b')))?.lastSeen).toBe(at(0).toISOString());
  });
});
