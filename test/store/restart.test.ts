import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { RunningAzuriteTable } from '../../src/azurite';
import { DEV_ACCOUNT_KEY, DEV_ACCOUNT_NAME, startAzuriteTable } from '../../src/azurite';
import { CHANGES_PER_TRANSACTION, NEW_FINDINGS_PER_TRANSACTION, openFindingsStore, StoreUnavailableError } from '../../src/store';
import { FAST_RETRY, uniqueTablePrefix } from '../support/azurite';
import { startRelay } from '../support/relay';
import { at, evaluation, SUB_A, subnetId } from './fixtures';

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describe('Azurite restarted mid-run', () => {
  test('the run fails clearly, no sweep record claims it, the stored state stays right, and a re-run converges', { timeout: 120_000 }, async () => {
    const location = mkdtempSync(join(tmpdir(), 'aml-store-restart-'));
    folders.push(location);
    let azurite: RunningAzuriteTable = await startAzuriteTable({ location });
    const port = azurite.port;
    let stopAt = Number.POSITIVE_INFINITY;
    // The emulator stops (saving its data) just before the chosen transaction reaches it, and
    // comes back on the same port once the run has failed.
    const relay = await startRelay(
      () => port,
      async (count) => {
        if (count === stopAt) await azurite.stop();
      },
    );
    try {
    const connectionString = `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT_NAME};AccountKey=${DEV_ACCOUNT_KEY};TableEndpoint=http://127.0.0.1:${relay.port}/${DEV_ACCOUNT_NAME};`;
    const tablePrefix = uniqueTablePrefix();
    const store = await openFindingsStore({ connectionString, tablePrefix, retryOptions: FAST_RETRY });
    const ids = Array.from({ length: 500 }, (_, index) => subnetId(`s${index}`));

    await store.recordEvaluations({ scope: { subscriptionIds: [SUB_A] }, evaluations: ids.map((id) => evaluation(id, 'fail')), evaluatedAt: at(0), complete: true, sweepId: 'first' });

    // Second sweep: everything passes. The emulator goes down before its third transaction.
    const resolveAll = { scope: { subscriptionIds: [SUB_A] }, evaluations: ids.map((id) => evaluation(id, 'pass')), evaluatedAt: at(10), complete: true, sweepId: 'second' } as const;
    stopAt = Math.ceil(500 / NEW_FINDINGS_PER_TRANSACTION) + 3; // the first sweep's transactions, then two of the second's
    const failure = await store.recordEvaluations(resolveAll).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(StoreUnavailableError);
    expect((failure as Error).message).toMatch(/^findings store unreachable at http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1 while writing findings of partition/);
    expect((failure as Error).message).not.toContain('\n');
    azurite = await startAzuriteTable({ location, port });

    const reader = await openFindingsStore({ connectionString, tablePrefix, retryOptions: FAST_RETRY });
    const all = (await reader.listFindings({ top: 1000 })).items;
    expect(all).toHaveLength(500);
    const resolved = all.filter((finding) => finding.state === 'resolved');
    // Exactly the two committed transactions' findings are resolved; each finding is wholly old or wholly new.
    expect(resolved).toHaveLength(2 * CHANGES_PER_TRANSACTION);
    for (const finding of resolved) expect(finding).toMatchObject({ resolvedAt: at(10).toISOString(), evaluatedAt: at(10).toISOString(), resolution: 'pass' });
    for (const finding of all.filter((item) => item.state === 'open')) {
      // The interrupted sweep left no record, so it does not vouch for what it never wrote.
      expect(finding).toMatchObject({ evaluatedAt: at(0).toISOString(), lastSeen: at(0).toISOString() });
    }
    expect((await reader.listSweeps(SUB_A)).map((record) => record.sweepId)).toEqual(['first']);

    // Running the same sweep again finishes the job without redoing what was done.
    const rerun = await reader.recordEvaluations(resolveAll);
    expect(rerun).toMatchObject({ resolved: 500 - 2 * CHANGES_PER_TRANSACTION, unchanged: 2 * CHANGES_PER_TRANSACTION, stale: 0 });
    expect((await reader.listFindings({ state: 'open' })).items).toHaveLength(0);
    expect((await reader.listSweeps(SUB_A)).map((record) => record.sweepId)).toEqual(['second', 'first']);
    // Once more: idempotent, the record is rewritten rather than duplicated or refused.
    expect(await reader.recordEvaluations(resolveAll)).toMatchObject({ written: 0, unchanged: 500 });
    expect((await reader.listSweeps(SUB_A)).map((record) => record.sweepId)).toEqual(['second', 'first']);

    } finally {
      await relay.close();
      await azurite.stop();
    }
  });
});
