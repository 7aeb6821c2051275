import { describe, expect, test } from 'vitest';
import { StoreInputError } from '../../src/store';
import { useAzurite } from '../support/azurite';
import { at, evaluation, SUB_A, subnetId } from './fixtures';

const azurite = useAzurite();
const sweep = { subscriptionIds: [SUB_A] };
const rule = 'nsg.batch-inbound';

/** A clock the test moves. */
function clock(start: Date): { now: () => Date; set(date: Date): void } {
  let current = start;
  return { now: () => current, set: (date) => (current = date) };
}

describe('suppressions', () => {
  test('a suppression on a resource turns its finding suppressed until it expires, then it reopens by itself', async () => {
    const time = clock(at(0));
    const store = await azurite.freshStore({ now: time.now });
    await store.recordEvaluations({ scope: sweep, evaluations: [evaluation(subnetId('a'), 'fail'), evaluation(subnetId('b'), 'fail')], evaluatedAt: at(0), complete: true });
    const suppression = await store.addSuppression({ ruleId: rule, scope: subnetId('a').toUpperCase().replace('/SUBSCRIPTIONS/', '/subscriptions/'), reason: 'accepted risk: legacy subnet', createdBy: 'alice@example.com', expiresOn: at(30) });
    expect(await store.getFinding(rule, subnetId('a'))).toMatchObject({
      state: 'suppressed',
      suppression: { id: suppression.id, reason: 'accepted risk: legacy subnet', createdBy: 'alice@example.com', expiresOn: at(30).toISOString() },
    });
    expect(await store.getFinding(rule, subnetId('b'))).toMatchObject({ state: 'open', suppression: null });
    expect((await store.listFindings({ state: 'suppressed' })).items.map((finding) => finding.resourceId)).toEqual([subnetId('a')]);
    expect((await store.listFindings({ state: 'open' })).items.map((finding) => finding.resourceId)).toEqual([subnetId('b')]);

    // Still failing while suppressed: nothing written, still suppressed.
    time.set(at(20));
    const resweep = await store.recordEvaluations({ scope: sweep, evaluations: [evaluation(subnetId('a'), 'fail'), evaluation(subnetId('b'), 'fail')], evaluatedAt: at(20), complete: true });
    expect(resweep.written).toBe(0);
    expect((await store.getFinding(rule, subnetId('a')))?.state).toBe('suppressed');

    time.set(at(31));
    expect(await store.getFinding(rule, subnetId('a'))).toMatchObject({ state: 'open', suppression: null, lastSeen: at(20).toISOString() });
    expect(await store.listSuppressions()).toEqual([]);
    expect((await store.listSuppressions({ includeExpired: true })).map((item) => item.id)).toEqual([suppression.id]);
  });

  test('resource-group and subscription scopes cover what is inside them, and only the named rule', async () => {
    const time = clock(at(0));
    const store = await azurite.freshStore({ now: time.now });
    const other = subnetId('c', SUB_A, 'rg-other');
    await store.recordEvaluations({
      scope: sweep,
      evaluations: [evaluation(subnetId('a'), 'fail'), evaluation(other, 'fail'), evaluation(subnetId('a'), 'fail', { ruleId: 'nsg.ssh-exposed', severity: 'medium' })],
      evaluatedAt: at(0),
      complete: true,
    });
    await store.addSuppression({ ruleId: rule, scope: `/subscriptions/${SUB_A}/resourceGroups/RG-NET`, reason: 'r', createdBy: 'bob', expiresOn: at(60) });
    expect((await store.getFinding(rule, subnetId('a')))?.state).toBe('suppressed');
    expect((await store.getFinding(rule, other))?.state).toBe('open');
    expect((await store.getFinding('nsg.ssh-exposed', subnetId('a')))?.state).toBe('open');
    // A resource group named like a prefix of another is not its parent.
    await store.addSuppression({ ruleId: rule, scope: `/subscriptions/${SUB_A}/resourceGroups/rg-o`, reason: 'r', createdBy: 'bob', expiresOn: at(60) });
    expect((await store.getFinding(rule, other))?.state).toBe('open');
    const whole = await store.addSuppression({ ruleId: '*', scope: SUB_A, reason: 'sandbox subscription', createdBy: 'bob', expiresOn: at(60) });
    expect((await store.listFindings({ state: 'suppressed' })).items).toHaveLength(3);
    expect(await store.removeSuppression(whole.id)).toBe(true);
    expect(await store.removeSuppression(whole.id)).toBe(false);
    expect(await store.removeSuppression('not-an-id/../x')).toBe(false);
    expect((await store.listFindings({ state: 'suppressed' })).items).toHaveLength(1);
  });

  test('a finding opened under an active suppression is counted as suppressed; resolved findings are never suppressed', async () => {
    const time = clock(at(0));
    const store = await azurite.freshStore({ now: time.now });
    await store.addSuppression({ ruleId: rule, scope: subnetId('a'), reason: 'r', createdBy: 'carol', expiresOn: at(60) });
    const result = await store.recordEvaluations({ scope: sweep, evaluations: [evaluation(subnetId('a'), 'fail')], evaluatedAt: at(1), complete: true });
    expect(result).toMatchObject({ opened: 1, suppressed: 1 });
    expect(result.changes[0]?.finding.state).toBe('suppressed');
    await store.recordEvaluations({ scope: sweep, evaluations: [evaluation(subnetId('a'), 'pass')], evaluatedAt: at(2), complete: true });
    expect((await store.getFinding(rule, subnetId('a')))?.state).toBe('resolved');
  });

  test('invalid suppressions are refused with a clear message', async () => {
    const store = await azurite.freshStore({ now: () => at(10) });
    const valid = { ruleId: rule, scope: subnetId('a'), reason: 'r', createdBy: 'dave', expiresOn: at(20) };
    await expect(store.addSuppression({ ...valid, expiresOn: at(5) })).rejects.toThrow(/in the future/);
    await expect(store.addSuppression({ ...valid, scope: 'rg-net' })).rejects.toThrow(StoreInputError);
    await expect(store.addSuppression({ ...valid, reason: '  ' })).rejects.toThrow(/reason/);
    await expect(store.addSuppression({ ...valid, ruleId: 'NSG/#?' })).rejects.toThrow(/rule ID/);
  });
});
