/**
 * Regression tests for the ways a store write could freeze or lose findings, against Azurite
 * (which, like the service, refuses an entity group transaction over 4 MiB with 413).
 */
import { TableClient } from '@azure/data-tables';
import { describe, expect, test } from 'vitest';
import { MAX_CLOCK_SKEW_MS, StoreInputError } from '../../src/store';
import { uniqueTablePrefix, useAzurite } from '../support/azurite';
import { NOT_READ_MESSAGE_ID } from '../../src/core/types';
import { at, evaluation, SUB_A, subnetId } from './fixtures';

const azurite = useAzurite();

describe('times', () => {
  test('an evaluation dated beyond now plus the allowed clock skew is refused, and writes nothing', async () => {
    const now = new Date('2026-12-01T12:00:00Z');
    const store = await azurite.freshStore({ now: () => now });
    const future = new Date(now.getTime() + MAX_CLOCK_SKEW_MS + 1_000);
    await expect(store.recordEvaluations({ scope: { subscriptionIds: [SUB_A] }, evaluations: [evaluation(subnetId('a'), 'fail')], evaluatedAt: future, complete: true })).rejects.toBeInstanceOf(StoreInputError);
    await expect(store.recordEvaluations({ scope: { resourceKeys: new Set([subnetId('a').toLowerCase()]) }, evaluations: [evaluation(subnetId('a'), 'fail')], evaluatedAt: new Date('2999-01-01T00:00:00Z'), complete: true })).rejects.toThrow(/ahead of this clock/);
    expect((await store.listFindings()).items).toEqual([]);
    // Within the skew is accepted (hosts' clocks differ by seconds).
    const slightlyAhead = new Date(now.getTime() + 60_000);
    const recorded = await store.recordEvaluations({ scope: { subscriptionIds: [SUB_A] }, evaluations: [evaluation(subnetId('a'), 'fail')], evaluatedAt: slightlyAhead, complete: true });
    expect(recorded.opened).toBe(1);
  });

  test('repair brings back markers and findings poisoned by a future time, so sweeps judge again', async () => {
    const now = new Date('2026-12-01T12:00:00Z');
    const prefix = uniqueTablePrefix();
    const store = await azurite.freshStore({ tablePrefix: prefix, now: () => now });
    const subnet = subnetId('frozen');
    await store.recordEvaluations({ scope: { subscriptionIds: [SUB_A] }, evaluations: [evaluation(subnet, 'fail')], evaluatedAt: new Date('2026-12-01T11:00:00Z'), complete: true });

    // What an older version let an event dated 2999 write: the marker claimed and the finding "evaluated" then.
    const table = TableClient.fromConnectionString(azurite.server().connectionString, `${prefix}findings`, { allowInsecureConnection: true });
    const entities = [];
    for await (const entity of table.listEntities<Record<string, unknown>>()) entities.push(entity);
    const finding = entities.find((entity) => entity.ruleId === 'nsg.batch-inbound');
    const marker = entities.find((entity) => entity.ruleId === undefined);
    expect(finding).toBeDefined();
    expect(marker).toBeDefined();
    await table.updateEntity({ partitionKey: finding!.partitionKey!, rowKey: finding!.rowKey!, evaluatedAt: '2999-01-01T00:00:00.000Z', lastChangedAt: '2999-01-01T00:00:00.000Z' }, 'Merge');
    await table.updateEntity({ partitionKey: marker!.partitionKey!, rowKey: marker!.rowKey!, sweptAt: '2999-01-01T00:00:00.000Z' }, 'Merge');

    // Frozen: a current sweep that finds the subnet passing is superseded and resolves nothing.
    const frozen = await store.recordEvaluations({ scope: { subscriptionIds: [SUB_A] }, evaluations: [evaluation(subnet, 'pass')], evaluatedAt: new Date('2026-12-01T11:30:00Z'), complete: true });
    expect(frozen.resolved).toBe(0);

    const dry = await store.repairFutureTimes({ dryRun: true });
    expect(dry).toMatchObject({ markers: [marker!.partitionKey], findings: 1, dryRun: true });
    const repaired = await store.repairFutureTimes();
    expect(repaired).toMatchObject({ repairedAt: now.toISOString(), markers: [marker!.partitionKey], findings: 1, dryRun: false });
    expect((await store.repairFutureTimes({ dryRun: true })).findings).toBe(0);

    const later = new Date(now.getTime() + 1_000);
    const thawed = await store.recordEvaluations({ scope: { subscriptionIds: [SUB_A] }, evaluations: [evaluation(subnet, 'pass')], evaluatedAt: later, complete: true });
    expect(thawed.resolved).toBe(1);
  });
});

describe('transaction size', () => {
  test('findings with non-ASCII text are batched by the bytes sent, never over the 4 MiB transaction limit', async () => {
    const store = await azurite.freshStore();
    // 30,000 CJK characters: 60 KB in UTF-16 units, 90 KB as the UTF-8 JSON actually sent.
    const wide = 'あ'.repeat(30_000);
    const evaluations = Array.from({ length: 99 }, (_, index) => evaluation(subnetId(`snet-${index}`), 'fail', { message: wide, title: `タイトル ${index}` }));
    const recorded = await store.recordEvaluations({ scope: { subscriptionIds: [SUB_A] }, evaluations, evaluatedAt: at(1), complete: true });
    expect(recorded.opened).toBe(99);
    const page = await store.listFindings({ top: 1000 });
    expect(page.items).toHaveLength(99);
    expect(page.items.every((item) => item.message.length <= 30_000 && item.message.startsWith('あ'))).toBe(true);
  });
});

describe('whole-subscription judgements that do not claim the partition', () => {
  test('judge the partition whole (resolving absent findings) without making a later-recorded, earlier-started sweep stale', async () => {
    const store = await azurite.freshStore();
    const [a, b] = [subnetId('a'), subnetId('b')];
    await store.recordEvaluations({ scope: { subscriptionIds: [SUB_A] }, evaluations: [evaluation(a, 'fail'), evaluation(b, 'fail')], evaluatedAt: at(0), complete: true });
    // An event batch re-judges the whole subscription at minute 20: b is gone.
    const wide = await store.recordEvaluations({ scope: { subscriptionIds: [SUB_A], claim: false }, evaluations: [evaluation(a, 'fail')], evaluatedAt: at(20), complete: true });
    expect(wide.resolved).toBe(1);
    expect(wide.sweepId).toBeNull();
    // A sweep that started at minute 10 finishes now: it is not superseded by the event's time.
    const sweep = await store.recordEvaluations({ scope: { subscriptionIds: [SUB_A] }, evaluations: [evaluation(a, 'fail'), evaluation(subnetId('c'), 'fail')], evaluatedAt: at(10), complete: true });
    expect(sweep.opened).toBe(1);
    const records = await store.listSweeps(SUB_A);
    expect(records.map((record) => [record.startedAt, record.superseded])).toEqual([
      [at(10).toISOString(), false],
      [at(0).toISOString(), false],
    ]);
  });
});

describe('runs that judge some rules', () => {
  test('a complete sweep of some rules leaves the findings of the others as they were, and does not vouch for them', async () => {
    const store = await azurite.freshStore();
    const subnet = subnetId('mixed');
    const both = [evaluation(subnet, 'fail'), evaluation(subnet, 'fail', { ruleId: 'nsg.ssh-exposed' })];
    await store.recordEvaluations({ scope: { subscriptionIds: [SUB_A] }, evaluations: both, evaluatedAt: at(0), complete: true });
    // A run of nsg.batch-inbound alone (aml-vnet-audit audit --rules nsg.batch-inbound --store, or a profile without the other rule).
    const some = await store.recordEvaluations({ scope: { subscriptionIds: [SUB_A] }, evaluations: [evaluation(subnet, 'fail')], evaluatedAt: at(5), complete: true, ruleIds: ['nsg.batch-inbound'] });
    expect(some.resolved).toBe(0);
    const ssh = await store.getFinding('nsg.ssh-exposed', subnet);
    expect(ssh).toMatchObject({ state: 'open', evaluatedAt: at(0).toISOString(), lastSeen: at(0).toISOString() });
    // The event path: an event judging some rules of a resource leaves the rest of that resource's findings alone.
    const event = await store.recordEvaluations({ scope: { resourceKeys: new Set([subnet.toLowerCase()]) }, evaluations: [evaluation(subnet, 'pass')], evaluatedAt: at(7), complete: true, ruleIds: ['nsg.batch-inbound'] });
    expect(event.resolved).toBe(1);
    expect(await store.getFinding('nsg.ssh-exposed', subnet)).toMatchObject({ state: 'open' });
    // A run of every rule still resolves by absence.
    const all = await store.recordEvaluations({ scope: { subscriptionIds: [SUB_A] }, evaluations: [], evaluatedAt: at(9), complete: true });
    expect(all.resolved).toBe(1);
  });
});

describe('verdicts not given for want of part of the estate', () => {
  test('leave their findings as they were, and keep their partition from resolving anything by absence, even in a complete sweep', async () => {
    const store = await azurite.freshStore();
    const sweep = { subscriptionIds: [SUB_A] };
    await store.recordEvaluations({ scope: sweep, evaluations: [evaluation(subnetId('a'), 'fail'), evaluation(subnetId('b'), 'fail')], evaluatedAt: at(0), complete: true });
    const before = await store.getFinding('nsg.batch-inbound', subnetId('a'));
    // a's verdict was not given (part of what it rests on could not be read); b is absent from the run.
    const notRead = { ...evaluation(subnetId('a'), 'unknown', { message: 'Not judged: part of it could not be read (workspace computes: HTTP 500).' }), messageId: NOT_READ_MESSAGE_ID };
    const result = await store.recordEvaluations({ scope: sweep, evaluations: [notRead], evaluatedAt: at(10), complete: true });
    expect(result).toMatchObject({ notRead: 1, written: 0, resolved: 0, changes: [] });
    expect(await store.getFinding('nsg.batch-inbound', subnetId('a'))).toEqual(before);
    expect((await store.getFinding('nsg.batch-inbound', subnetId('b')))?.state).toBe('open');
    expect((await store.listSweeps(SUB_A))[0]).toMatchObject({ complete: false });

    // The same on the event path: the subject named, its verdict not given.
    const event = await store.recordEvaluations({ scope: { resourceKeys: new Set([subnetId('a').toLowerCase(), subnetId('b').toLowerCase()]) }, evaluations: [notRead], evaluatedAt: at(20), complete: true });
    expect(event).toMatchObject({ notRead: 1, written: 0, resolved: 0 });
    expect((await store.getFinding('nsg.batch-inbound', subnetId('b')))?.state).toBe('open');
  });
});
