import { describe, expect, test } from 'vitest';
import { useAzurite } from '../support/azurite';
import { at, evaluation, SUB_A, SUB_B, subnetId } from './fixtures';

const azurite = useAzurite();

describe('retention (Azurite)', () => {
  test('prunes findings resolved, and sweep records started, before the cut-off; never open or suppressed findings', async () => {
    const store = await azurite.freshStore();
    const sweep = (minute: number, failing: readonly string[], subscription = SUB_A) =>
      store.recordEvaluations({
        scope: { subscriptionIds: [subscription] },
        evaluations: ['a', 'b', 'c', 'd'].map((name) => evaluation(subnetId(name, subscription), failing.includes(name) ? 'fail' : 'pass')),
        evaluatedAt: at(minute),
        complete: true,
      });
    await sweep(0, ['a', 'b', 'c', 'd']);
    await sweep(10, ['a', 'c', 'd']); // b resolved at 10
    await sweep(20, ['a', 'd']); // c resolved at 20
    await sweep(0, ['a'], SUB_B);
    await sweep(10, [], SUB_B); // SUB_B's a resolved at 10
    await store.addSuppression({ ruleId: '*', scope: subnetId('d'), reason: 'accepted risk', createdBy: 'test', expiresOn: new Date(Date.UTC(2030, 0, 1)) });

    const dryRun = await store.prune({ before: at(15), dryRun: true });
    expect(dryRun).toEqual({ before: at(15).toISOString(), resolvedFindings: 2, sweepRecords: 4, dryRun: true });
    expect((await store.listFindings({ state: 'resolved' })).items).toHaveLength(3);

    const pruned = await store.prune({ before: at(15) });
    expect(pruned).toMatchObject({ resolvedFindings: 2, sweepRecords: 4, dryRun: false });
    const left = (await store.listFindings()).items.map((item) => [item.resourceId, item.state]);
    expect(left.sort()).toEqual(
      [
        [subnetId('a'), 'open'],
        [subnetId('c'), 'resolved'],
        [subnetId('d'), 'suppressed'],
      ].sort(),
    );
    expect((await store.listSweeps(SUB_A)).map((record) => record.startedAt)).toEqual([at(20).toISOString()]);
    expect(await store.listSweeps(SUB_B)).toEqual([]);
    // Pruning again finds nothing; a pruned finding that fails again opens anew.
    expect(await store.prune({ before: at(15) })).toMatchObject({ resolvedFindings: 0, sweepRecords: 0 });
    expect(await sweep(30, ['a', 'b', 'd'])).toMatchObject({ opened: 1, reopened: 0 });
  });

  test('refuses a cut-off that is not a date', async () => {
    const store = await azurite.freshStore();
    await expect(store.prune({ before: new Date('not a date') })).rejects.toThrow(/not a valid date/);
  });
});
