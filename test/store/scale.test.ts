import { describe, expect, test } from 'vitest';
import type { Evaluation } from '../../src/core/types';
import type { StoredFinding } from '../../src/store';
import { NEW_FINDINGS_PER_TRANSACTION } from '../../src/store';
import { useAzurite } from '../support/azurite';
import { at, evaluation, subnetId, workspaceId } from './fixtures';

const azurite = useAzurite();

const SUBSCRIPTIONS = Array.from({ length: 5 }, (_, index) => `00000000-0000-0000-0000-00000000010${index}`);
const RULES = ['nsg.batch-inbound', 'nsg.ssh-exposed', 'storage.default-deny', 'route.forced-tunnel-batch'] as const;

/** 10,000 findings: 5 subscriptions × 500 subnets × 4 rules. */
function estate(): Evaluation[] {
  const evaluations: Evaluation[] = [];
  for (const subscription of SUBSCRIPTIONS) {
    for (let subnet = 0; subnet < 500; subnet++) {
      for (const [index, ruleId] of RULES.entries()) {
        evaluations.push(
          evaluation(subnetId(`subnet-${subnet}`, subscription), index === 3 ? 'unknown' : 'fail', {
            ruleId,
            severity: index === 1 ? 'medium' : 'high',
            workspaceIds: [workspaceId(`ws-${subnet % 7}`, subscription)],
          }),
        );
      }
    }
  }
  return evaluations;
}

describe('10k findings', () => {
  test('round trip: written in batches, re-swept with zero writes, listed newest first page by page', { timeout: 240_000 }, async () => {
    const store = await azurite.freshStore();
    const evaluations = estate();
    expect(evaluations).toHaveLength(10_000);
    const started = performance.now();
    const first = await store.recordEvaluations({ scope: { subscriptionIds: SUBSCRIPTIONS }, evaluations, evaluatedAt: at(0), complete: true });
    const seconds = (performance.now() - started) / 1000;
    expect(first).toMatchObject({ opened: 10_000, written: 10_000 });
    // New findings go 49 to a transaction (each with its change-index row), with the partition marker:
    // 5 partitions × ceil(2000/49) = 205 transactions, plus one claim and one sweep record per partition.
    expect(NEW_FINDINGS_PER_TRANSACTION).toBe(49);
    expect(first.bookkeepingWrites).toBe(5 * Math.ceil(2000 / NEW_FINDINGS_PER_TRANSACTION) + 5 + 5);
    console.info(`10k findings written in ${seconds.toFixed(2)} s (${Math.round(10_000 / seconds)} entities/s)`);

    const resweep = await store.recordEvaluations({ scope: { subscriptionIds: SUBSCRIPTIONS }, evaluations, evaluatedAt: at(10), complete: true });
    expect(resweep).toMatchObject({ written: 0, unchanged: 10_000, changes: [] });
    expect(resweep.bookkeepingWrites).toBe(10); // one claim + one sweep record per subscription

    // Change 1 in 100 by a later sweep: those become the newest.
    const changed = evaluations.map((item, index) => (index % 100 === 0 ? { ...item, status: 'pass' as const } : item));
    const third = await store.recordEvaluations({ scope: { subscriptionIds: SUBSCRIPTIONS }, evaluations: changed, evaluatedAt: at(20), complete: true });
    expect(third).toMatchObject({ resolved: 100, written: 100 });

    const seen: StoredFinding[] = [];
    let token: string | undefined;
    do {
      const page = await store.listFindings({ top: 1000, ...(token === undefined ? {} : { continuationToken: token }) });
      seen.push(...page.items);
      token = page.continuationToken;
    } while (token !== undefined);
    expect(seen).toHaveLength(10_000);
    expect(new Set(seen.map((item) => `${item.ruleId} ${item.resourceId}`)).size).toBe(10_000);
    expect(seen.slice(0, 100).every((item) => item.state === 'resolved')).toBe(true);
    for (let index = 1; index < seen.length; index++) expect((seen[index - 1] as StoredFinding).lastChangedAt >= (seen[index] as StoredFinding).lastChangedAt).toBe(true);
    // Unchanged open findings were confirmed by the last complete sweep.
    expect(seen[100]).toMatchObject({ state: 'open', firstSeen: at(0).toISOString(), lastSeen: at(20).toISOString() });

    const filtered = await store.listFindings({ subscriptionId: SUBSCRIPTIONS[2], severity: 'medium', state: 'open', workspaceId: workspaceId('ws-3', SUBSCRIPTIONS[2]).toUpperCase(), top: 1000 });
    const expected = changed.filter(
      (item, index) => index % 100 !== 0 && item.resourceId.includes(SUBSCRIPTIONS[2] as string) && item.severity === 'medium' && item.workspaceIds[0]?.endsWith('/ws-3'),
    ).length;
    expect(filtered.items).toHaveLength(expected);
    expect(filtered.items.every((item) => item.ruleId === 'nsg.ssh-exposed')).toBe(true);
    expect((await store.listFindings({ ruleId: 'route.forced-tunnel-batch', top: 1 })).items[0]?.status).toBe('unknown');

    // By key, the service pages: the same findings, each once, no page over `top`, in key order.
    const byKey: StoredFinding[] = [];
    let keyToken: string | undefined;
    let pages = 0;
    do {
      const page = await store.listFindings({ order: 'key', top: 1000, ...(keyToken === undefined ? {} : { continuationToken: keyToken }) });
      expect(page.items.length).toBeLessThanOrEqual(1000);
      byKey.push(...page.items);
      keyToken = page.continuationToken;
      pages++;
    } while (keyToken !== undefined);
    expect(pages).toBeGreaterThanOrEqual(10);
    expect(byKey.map((item) => `${item.ruleId} ${item.resourceId}`).sort()).toEqual(seen.map((item) => `${item.ruleId} ${item.resourceId}`).sort());
    expect(byKey.find((item) => item.resourceId === seen[100]?.resourceId && item.ruleId === seen[100]?.ruleId)).toEqual(seen[100]);
    const filter = { subscriptionId: SUBSCRIPTIONS[2], severity: 'medium', state: 'open', workspaceId: workspaceId('ws-3', SUBSCRIPTIONS[2]).toUpperCase(), top: 7 } as const;
    const filteredByKey: StoredFinding[] = [];
    let filteredToken: string | undefined;
    do {
      const page = await store.listFindings({ ...filter, order: 'key', ...(filteredToken === undefined ? {} : { continuationToken: filteredToken }) });
      filteredByKey.push(...page.items);
      filteredToken = page.continuationToken;
    } while (filteredToken !== undefined);
    expect(filteredByKey.map((item) => item.resourceId).sort()).toEqual(filtered.items.map((item) => item.resourceId).sort());

    // A token belongs to its order and its filters.
    const firstByKey = await store.listFindings({ order: 'key', top: 10 });
    const firstByChange = await store.listFindings({ top: 10 });
    await expect(store.listFindings({ top: 10, continuationToken: firstByKey.continuationToken as string })).rejects.toThrow(/another order/);
    await expect(store.listFindings({ order: 'key', top: 10, continuationToken: firstByChange.continuationToken as string })).rejects.toThrow(/another order/);
    await expect(store.listFindings({ order: 'key', top: 10, severity: 'high', continuationToken: firstByKey.continuationToken as string })).rejects.toThrow(/other filters/);
    // A token whose inner part was tampered with is the caller's error, never a store failure.
    const inner = JSON.parse(Buffer.from(firstByKey.continuationToken as string, 'base64url').toString('utf8')) as Record<string, unknown>;
    for (const t of ['not-a-token', Buffer.from('{"nextPartitionKey":', 'utf8').toString('base64')]) {
      const tampered = Buffer.from(JSON.stringify({ ...inner, t }), 'utf8').toString('base64url');
      await expect(store.listFindings({ order: 'key', top: 10, continuationToken: tampered })).rejects.toThrow(/invalid continuation token/);
    }
  });
});
