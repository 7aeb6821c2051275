/**
 * Azurite for tests: one in-process Table server per test file, and a fresh store (its own
 * table prefix) per test, so tests never see each other's rows. Table Storage is never mocked.
 *
 *   const azurite = useAzurite();               // beforeAll/afterAll inside
 *   const store = await azurite.freshStore();   // in a test
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { BlobServiceClient } from '@azure/storage-blob';
import type { ContainerClient } from '@azure/storage-blob';
import type { AzuriteOptions, RunningAzuriteBlob, RunningAzuriteTable } from '../../src/azurite';
import { startAzuriteBlob, startAzuriteTable } from '../../src/azurite';
import type { FindingsStore, OpenStoreOptions } from '../../src/store';
import { openFindingsStore } from '../../src/store';

/** Fail fast when the emulator is down instead of the SDK's multi-second default backoff. */
export const FAST_RETRY = { maxRetries: 1, retryDelayInMs: 20, maxRetryDelayInMs: 50 } as const;

export function uniqueTablePrefix(): string {
  return `t${randomBytes(6).toString('hex')}`;
}

export interface AzuriteForTests {
  readonly server: () => RunningAzuriteTable;
  freshStore(options?: Omit<OpenStoreOptions, 'connectionString' | 'accountUrl'>): Promise<FindingsStore>;
}

export function useAzurite(options: AzuriteOptions = {}): AzuriteForTests {
  let running: RunningAzuriteTable | undefined;
  beforeAll(async () => {
    running = await startAzuriteTable({ inMemory: true, ...options });
  });
  afterAll(async () => {
    await running?.stop();
  });
  const server = (): RunningAzuriteTable => {
    if (running === undefined) throw new Error('Azurite is not running (call useAzurite() at the top of the test file)');
    return running;
  };
  return {
    server,
    freshStore: (storeOptions = {}) =>
      openFindingsStore({ retryOptions: FAST_RETRY, tablePrefix: uniqueTablePrefix(), ...storeOptions, connectionString: server().connectionString }),
  };
}

export interface AzuriteBlobForTests {
  readonly connectionString: () => string;
  /** A fresh container, so tests never see each other's blobs. */
  container(): ContainerClient;
}

/** Azurite's Blob service for one test file (beforeAll/afterAll inside), and a fresh container per call. */
export function useAzuriteBlob(): AzuriteBlobForTests {
  let running: RunningAzuriteBlob | undefined;
  let containers = 0;
  beforeAll(async () => {
    running = await startAzuriteBlob({ inMemory: true });
  });
  afterAll(async () => {
    await running?.stop();
  });
  const connectionString = (): string => {
    if (running === undefined) throw new Error('Azurite Blob is not running (call useAzuriteBlob() at the top of the test file)');
    return running.connectionString;
  };
  return { connectionString, container: () => BlobServiceClient.fromConnectionString(connectionString()).getContainerClient(`container-${containers++}`) };
}
