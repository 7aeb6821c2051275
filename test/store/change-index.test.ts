/**
 * The change index (src/store/change-index.ts) against Azurite: a newest-first page reads about
 * its own size, the index moves with every write (tombstones never show), and stores written
 * before the index are listed whole until `repair` indexes them.
 */
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { TableClient } from '@azure/data-tables';
import { describe, expect, test } from 'vitest';
import type { FindingsStore, StoredFinding } from '../../src/store';
import { openFindingsStore } from '../../src/store';
import { uniqueTablePrefix, useAzurite } from '../support/azurite';
import { at, evaluation, SUB_A, SUB_B, subnetId } from './fixtures';

const azurite = useAzurite();

/** Counts the entities the service returns through the clients it is given to. */
function entityCounter(): { readonly policy: PipelinePolicy; entities(): number; reset(): void } {
  let entities = 0;
  const policy: PipelinePolicy = {
    name: 'count-entities',
    async sendRequest(request, next) {
      const response = await next(request);
      const body = request.method === 'GET' ? response.bodyAsText : undefined;
      if (typeof body === 'string' && body.startsWith('{')) {
        const parsed = JSON.parse(body) as { value?: unknown[] };
        entities += Array.isArray(parsed.value) ? parsed.value.length : 1;
      }
      return response;
    },
  };
  return {
    policy,
    entities: () => entities,
    reset: () => {
      entities = 0;
    },
  };
}

function rawTable(prefix: string): TableClient {
  return TableClient.fromConnectionString(azurite.server().connectionString, `${prefix}findings`, { allowInsecureConnection: true });
}

async function rawEntities(prefix: string): Promise<Record<string, unknown>[]> {
  const entities: Record<string, unknown>[] = [];
  for await (const entity of rawTable(prefix).listEntities<Record<string, unknown>>()) entities.push(entity);
  return entities;
}

async function everyPage(store: FindingsStore, top: number): Promise<StoredFinding[]> {
  const seen: StoredFinding[] = [];
  let token: string | undefined;
  do {
    const page = await store.listFindings({ top, ...(token === undefined ? {} : { continuationToken: token }) });
    seen.push(...page.items);
    token = page.continuationToken;
  } while (token !== undefined);
  return seen;
}

function keyOf(finding: StoredFinding): string {
  return `${finding.ruleId} ${finding.resourceId}`;
}

/** 300 findings over two subscriptions, changed at three different times. */
async function seeded(prefix: string): Promise<FindingsStore> {
  const store = await azurite.freshStore({ tablePrefix: prefix });
  const ids = [...Array.from({ length: 150 }, (_, index) => subnetId(`a${index}`, SUB_A)), ...Array.from({ length: 150 }, (_, index) => subnetId(`b${index}`, SUB_B))];
  await store.recordEvaluations({ scope: { subscriptionIds: [SUB_A, SUB_B] }, evaluations: ids.map((id) => evaluation(id, 'fail')), evaluatedAt: at(0), complete: true });
  const changed = ids.map((id, index) => evaluation(id, index % 3 === 0 ? 'pass' : 'fail', index % 3 === 1 ? { message: `changed ${index}` } : {}));
  await store.recordEvaluations({ scope: { subscriptionIds: [SUB_A, SUB_B] }, evaluations: changed, evaluatedAt: at(5), complete: true });
  return store;
}

function expectNewestFirst(findings: readonly StoredFinding[]): void {
  for (let index = 1; index < findings.length; index++) {
    expect((findings[index - 1] as StoredFinding).lastChangedAt >= (findings[index] as StoredFinding).lastChangedAt).toBe(true);
  }
}

describe('newest-first listing through the change index', () => {
  test('every page lists each finding once, newest change first, and a page of 10 reads about 10 entities, not the table', async () => {
    const prefix = uniqueTablePrefix();
    const store = await seeded(prefix);
    const all = await everyPage(store, 7);
    expect(all).toHaveLength(300);
    expect(new Set(all.map(keyOf)).size).toBe(300);
    expectNewestFirst(all);
    expect(all.slice(0, 200).every((finding) => finding.lastChangedAt === at(5).toISOString())).toBe(true);

    const counter = entityCounter();
    const counted = await azurite.freshStore({ tablePrefix: prefix, pipelinePolicies: [counter.policy] });
    const page = await counted.listFindings({ top: 10 });
    expect(page.items).toHaveLength(10);
    expect(page.continuationToken).toBeDefined();
    // The registry (2 partitions + its completion row), a fair share of each partition's index,
    // the suppressions and each partition's newest sweep record: nowhere near the 300 findings.
    expect(counter.entities()).toBeLessThan(50);

    // Paging through findings changed at one moment reads each index row about once, not the moment's rows again per page.
    counter.reset();
    expect(await everyPage(counted, 25)).toHaveLength(300);
    // (Each page reads ahead a fair share per partition: about 3 entities per finding in all, here.)
    expect(counter.entities()).toBeLessThan(3 * 300);
  });

  test('filters the service can apply (rule, severity, state) page through the index to the same answer as a full read', async () => {
    const prefix = uniqueTablePrefix();
    const store = await seeded(prefix);
    const resolved = [];
    let token: string | undefined;
    do {
      const page = await store.listFindings({ state: 'resolved', top: 9, ...(token === undefined ? {} : { continuationToken: token }) });
      resolved.push(...page.items);
      token = page.continuationToken;
    } while (token !== undefined);
    expect(resolved).toHaveLength(100);
    expect(resolved.every((finding) => finding.state === 'resolved')).toBe(true);
    const bySubscription = await store.listFindings({ subscriptionId: SUB_B, state: 'open', top: 1000 });
    expect(bySubscription.items).toHaveLength(100);
    expect(bySubscription.items.every((finding) => finding.subscriptionId === SUB_B)).toBe(true);
    expect(bySubscription.continuationToken).toBeUndefined();
  });

  test('tombstones are never listed, and each finding is listed once, at its own change time', async () => {
    const prefix = uniqueTablePrefix();
    const store = await seeded(prefix);
    const table = rawTable(prefix);
    const indexRows = (await rawEntities(prefix)).filter((entity) => String(entity.rowKey).startsWith('.c'));
    // Every finding has exactly one index row: the tombstones of the first change times were deleted.
    expect(indexRows).toHaveLength(300);
    const sample = indexRows[0] as Record<string, unknown>;
    // A tombstone whose deletion failed (the process stopped right after the transaction).
    await table.upsertEntity({ partitionKey: String(sample.partitionKey), rowKey: '.c0000-00-00T00:00:00.000Z_ffff_gone', ixStale: true }, 'Replace');
    const all = await everyPage(store, 13);
    expect(all).toHaveLength(300);
    expect(new Set(all.map(keyOf)).size).toBe(300);
    expectNewestFirst(all);
  });

  test('an event that only confirms a finding moves its evaluatedAt in the listing too', async () => {
    const prefix = uniqueTablePrefix();
    const store = await seeded(prefix);
    const id = subnetId('a1', SUB_A);
    const before = (await store.listFindings({ resourceId: id })).items[0] as StoredFinding;
    await store.recordEvaluations({ scope: { resourceKeys: new Set([id.toLowerCase()]) }, evaluations: [evaluation(id, 'fail', { message: 'changed 1' })], evaluatedAt: at(7), complete: true });
    const listed = (await everyPage(store, 50)).find((finding) => finding.resourceId === id) as StoredFinding;
    expect(listed.lastChangedAt).toBe(before.lastChangedAt);
    expect(listed.evaluatedAt).toBe(at(7).toISOString());
  });

  test('a change moves the finding in the index and removes its old row', async () => {
    const prefix = uniqueTablePrefix();
    const store = await seeded(prefix);
    const id = subnetId('a2', SUB_A);
    await store.recordEvaluations({ scope: { resourceKeys: new Set([id.toLowerCase()]) }, evaluations: [evaluation(id, 'fail', { message: 'newest' })], evaluatedAt: at(9), complete: true });
    const first = await store.listFindings({ top: 1 });
    expect(first.items.map((finding) => [finding.resourceId, finding.message])).toEqual([[id, 'newest']]);
    const indexRows = (await rawEntities(prefix)).filter((entity) => String(entity.rowKey).startsWith('.c'));
    expect(indexRows).toHaveLength(300);
  });
});

describe('stores written before the change index', () => {
  test('are listed whole until repair indexes them, with the same answer before and after', async () => {
    const prefix = uniqueTablePrefix();
    const store = await seeded(prefix);
    const expected = (await everyPage(store, 1000)).map(keyOf);
    // What an older version leaves: no index rows, no registry.
    const table = rawTable(prefix);
    for (const entity of await rawEntities(prefix)) {
      if (String(entity.rowKey).startsWith('.c') || entity.partitionKey === '~partitions') await table.deleteEntity(String(entity.partitionKey), String(entity.rowKey));
    }
    const reopened = await azurite.freshStore({ tablePrefix: prefix });
    expect((await everyPage(reopened, 11)).map(keyOf)).toEqual(expected);

    // Writing there works although the index rows a write would delete are missing.
    const id = subnetId('a4', SUB_A);
    const written = await reopened.recordEvaluations({ scope: { resourceKeys: new Set([id.toLowerCase()]) }, evaluations: [evaluation(id, 'fail', { message: 'after the upgrade' })], evaluatedAt: at(8), complete: true });
    expect(written.updated).toBe(1);
    expected.splice(expected.indexOf(`nsg.batch-inbound ${id}`), 1);
    expected.unshift(`nsg.batch-inbound ${id}`);
    expect((await everyPage(reopened, 11)).map(keyOf)).toEqual(expected);

    const dry = await reopened.repairFutureTimes({ dryRun: true });
    expect(dry.indexedPartitions).toHaveLength(2);
    const repaired = await reopened.repairFutureTimes();
    expect(repaired).toMatchObject({ findings: 0, markers: [] });
    expect(repaired.indexedPartitions).toHaveLength(2);
    expect((await rawEntities(prefix)).filter((entity) => String(entity.rowKey).startsWith('.c'))).toHaveLength(300);
    expect((await everyPage(reopened, 11)).map(keyOf)).toEqual(expected);
    expect((await reopened.repairFutureTimes({ dryRun: true })).indexedPartitions).toEqual([]);
  });

  test('prune removes the index rows of the findings it deletes', async () => {
    const prefix = uniqueTablePrefix();
    const store = await seeded(prefix);
    const pruned = await store.prune({ before: at(60) });
    expect(pruned.resolvedFindings).toBe(100);
    expect((await rawEntities(prefix)).filter((entity) => String(entity.rowKey).startsWith('.c'))).toHaveLength(200);
    expect(await everyPage(store, 50)).toHaveLength(200);
  });
});

describe('the change index under racing writers', () => {
  test('a batch of new findings that another writer created first is decided again and cut again: no transaction over the service limit', async () => {
    const prefix = uniqueTablePrefix();
    const connectionString = azurite.server().connectionString;
    const ids = Array.from({ length: 49 }, (_, index) => subnetId(`n${index}`, SUB_A));
    const scope = { resourceKeys: new Set(ids.map((id) => id.toLowerCase())) };
    const other = await openFindingsStore({ connectionString, tablePrefix: prefix });
    // Just before this writer sends its first transaction (49 new findings: 98 operations and the
    // marker), the other writer creates the same findings. Decided again, each is a change (a new
    // message) of three operations: 147, which Table Storage refuses in one transaction.
    let letOtherWriteFirst: (() => Promise<unknown>) | undefined = () => other.recordEvaluations({ scope, evaluations: ids.map((id) => evaluation(id, 'fail')), evaluatedAt: at(0), complete: true });
    const policy: PipelinePolicy = {
      name: 'let-the-other-writer-first',
      async sendRequest(request, next) {
        if (request.method === 'POST' && request.url.includes('$batch') && letOtherWriteFirst !== undefined) {
          const first = letOtherWriteFirst;
          letOtherWriteFirst = undefined;
          await first();
        }
        return next(request);
      },
    };
    const writer = await openFindingsStore({ connectionString, tablePrefix: prefix, pipelinePolicies: [policy] });
    await writer.recordEvaluations({ scope, evaluations: ids.map((id) => evaluation(id, 'fail', { message: 'seen again, worded otherwise' })), evaluatedAt: at(1), complete: true });
    expect(letOtherWriteFirst).toBeUndefined();
    const entities = await rawEntities(prefix);
    const findings = entities.filter((entity) => /^[0-9a-f]/.test(String(entity.rowKey)) && entity.partitionKey !== '~partitions');
    expect(findings.map((finding) => finding.message)).toEqual(Array.from({ length: 49 }, () => 'seen again, worded otherwise'));
    expect(entities.filter((entity) => String(entity.rowKey).startsWith('.c') && entity.ixFinding !== undefined)).toHaveLength(49);
  }, 60_000);


  test('after two writers race over the same findings, every finding has exactly one index row, a copy of it', async () => {
    const prefix = uniqueTablePrefix();
    const connectionString = azurite.server().connectionString;
    const [one, two] = [await openFindingsStore({ connectionString, tablePrefix: prefix }), await openFindingsStore({ connectionString, tablePrefix: prefix })];
    const ids = Array.from({ length: 60 }, (_, index) => subnetId(`r${index}`, SUB_A));
    await one.recordEvaluations({ scope: { subscriptionIds: [SUB_A] }, evaluations: ids.map((id) => evaluation(id, 'fail')), evaluatedAt: at(0), complete: true });
    // Events from two instances on overlapping resources, at interleaved times, some changing, some confirming.
    const races = [];
    for (let round = 1; round <= 6; round++) {
      const writer = round % 2 === 0 ? one : two;
      const subset = ids.filter((_, index) => index % round === 0);
      const evaluations = subset.map((id, index) => evaluation(id, (index + round) % 3 === 0 ? 'pass' : 'fail', (index + round) % 2 === 0 ? { message: `round ${round}` } : {}));
      races.push(writer.recordEvaluations({ scope: { resourceKeys: new Set(subset.map((id) => id.toLowerCase())) }, evaluations, evaluatedAt: at(round), complete: true }));
    }
    await Promise.all(races);

    const entities = await rawEntities(prefix);
    const findings = entities.filter((entity) => /^[0-9a-f]/.test(String(entity.rowKey)) && entity.partitionKey !== '~partitions');
    const index = entities.filter((entity) => String(entity.rowKey).startsWith('.c') && entity.ixFinding !== undefined);
    expect(findings).toHaveLength(60);
    for (const finding of findings) {
      const rows = index.filter((row) => row.ixFinding === finding.rowKey && row.partitionKey === finding.partitionKey);
      expect(rows, String(finding.resourceId)).toHaveLength(1);
      const copy = rows[0] as Record<string, unknown>;
      for (const field of ['lastChangedAt', 'evaluatedAt', 'lastSeen', 'lifecycle', 'status', 'message', 'contentHash']) expect(copy[`ix_${field}`], `${String(finding.resourceId)} ${field}`).toEqual(finding[field]);
    }
    // And the listing agrees with a full read.
    const listed = await everyPage(one, 17);
    expect(listed.map(keyOf).sort()).toEqual(findings.map((finding) => `${String(finding.ruleId)} ${String(finding.resourceId)}`).sort());
  }, 120_000);
});
