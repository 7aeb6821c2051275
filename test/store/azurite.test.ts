import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { startAzuriteQueue, startAzuriteTable } from '../../src/azurite';
import { openFindingsStore } from '../../src/store';
import { FAST_RETRY, uniqueTablePrefix } from '../support/azurite';
import { at, evaluation, SUB_A, subnetId } from './fixtures';

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describe('embedded Azurite', () => {
  test('the table service binds 127.0.0.1 on a free port; two run side by side', async () => {
    const [one, two] = await Promise.all([startAzuriteTable(), startAzuriteTable()]);
    try {
      expect(one.tableUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1$/);
      expect(one.port).not.toBe(two.port);
      expect(one.connectionString).toContain(`TableEndpoint=${one.tableUrl};`);
    } finally {
      await Promise.all([one.stop(), two.stop()]);
    }
    await one.stop(); // twice is fine
  });

  test('with a location, data survives a restart on the same port', async () => {
    const location = mkdtempSync(join(tmpdir(), 'aml-azurite-'));
    folders.push(location);
    const first = await startAzuriteTable({ location });
    const tablePrefix = uniqueTablePrefix();
    const store = await openFindingsStore({ connectionString: first.connectionString, tablePrefix, retryOptions: FAST_RETRY });
    await store.recordEvaluations({ scope: { subscriptionIds: [SUB_A] }, evaluations: [evaluation(subnetId('a'), 'fail')], evaluatedAt: at(0), complete: true });
    await first.stop();
    expect(readdirSync(location)).toContain('__azurite_db_table__.json');
    const second = await startAzuriteTable({ location, port: first.port });
    try {
      expect(await store.getFinding('nsg.batch-inbound', subnetId('a'))).toMatchObject({ state: 'open', firstSeen: at(0).toISOString() });
    } finally {
      await second.stop();
    }
  });

  test('in memory (the default) starts empty every time', async () => {
    const first = await startAzuriteTable();
    const tablePrefix = uniqueTablePrefix();
    const store = await openFindingsStore({ connectionString: first.connectionString, tablePrefix, retryOptions: FAST_RETRY });
    await store.recordEvaluations({ scope: { subscriptionIds: [SUB_A] }, evaluations: [evaluation(subnetId('a'), 'fail')], evaluatedAt: at(0), complete: true });
    await first.stop();
    const second = await startAzuriteTable({ port: first.port });
    try {
      const reopened = await openFindingsStore({ connectionString: second.connectionString, tablePrefix, retryOptions: FAST_RETRY });
      expect((await reopened.listFindings()).items).toEqual([]);
    } finally {
      await second.stop();
    }
  });

  test('the queue service starts in process and answers as Azure Storage does', async () => {
    const queue = await startAzuriteQueue();
    try {
      expect(queue.queueUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1$/);
      expect(queue.connectionString).toContain(`QueueEndpoint=${queue.queueUrl};`);
      // Unsigned: the emulator refuses it with a Storage error, which proves who is listening.
      const response = await fetch(`${queue.queueUrl}?comp=list`);
      expect(response.status).toBe(403);
      expect(await response.text()).toContain('<Code>');
    } finally {
      await queue.stop();
    }
  });
});
