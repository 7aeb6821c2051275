/**
 * Where the CLI's store lives. In order: the `--store` value, the environment variable
 * AML_AUDITOR_STORAGE_CONNECTION, else an embedded Azurite whose data is kept under `.azurite/`
 * in the working directory, so findings persist across CLI runs with nothing installed.
 *
 * A value is a connection string (`…=…;…`), an account URL (`https://ACCOUNT.table.core.windows.net`,
 * signed in with DefaultAzureCredential: `az login` locally, the managed identity in Azure), or
 * `azurite` for the embedded default.
 */
import { join } from 'node:path';
import { startAzuriteTable } from '../azurite';
import { StoreInputError } from './errors';
import type { OpenStoreOptions } from './findings-store';
import { openFindingsStore } from './findings-store';
import type { FindingsStore } from './types';

export const STORAGE_CONNECTION_ENV = 'AML_AUDITOR_STORAGE_CONNECTION';
export const TABLE_PREFIX_ENV = 'AML_AUDITOR_TABLE_PREFIX';
export const EMBEDDED_FOLDER = '.azurite';

export type StoreLocation =
  | { readonly kind: 'connection-string'; readonly connectionString: string }
  | { readonly kind: 'account-url'; readonly accountUrl: string }
  | { readonly kind: 'embedded'; readonly folder: string };

export function resolveStoreLocation(value: string | undefined, env: Readonly<Record<string, string | undefined>>, cwd: string): StoreLocation {
  const chosen = value !== undefined && value.trim() !== '' ? value.trim() : (env[STORAGE_CONNECTION_ENV] ?? '').trim();
  if (chosen === '' || chosen.toLowerCase() === 'azurite') return { kind: 'embedded', folder: join(cwd, EMBEDDED_FOLDER) };
  if (/^https:\/\/[^\s/]+\/?$/i.test(chosen)) return { kind: 'account-url', accountUrl: chosen.replace(/\/$/, '') };
  if (/^UseDevelopmentStorage=true;?$/i.test(chosen) || (/^[A-Za-z]+=/.test(chosen) && chosen.includes(';'))) {
    return { kind: 'connection-string', connectionString: chosen };
  }
  // Never echo the value: it may be a connection string with a key in it.
  throw new StoreInputError('store: expected a connection string (Key=Value;…), an https:// table account URL, or "azurite"');
}

export interface OpenedStore {
  readonly store: FindingsStore;
  /** Stops the embedded emulator (saving its data); a no-op for remote stores. */
  close(): Promise<void>;
}

/** Opens the store a location names, starting the embedded Azurite when that is the choice. */
export async function openStoreAt(
  location: StoreLocation,
  options: Omit<OpenStoreOptions, 'connectionString' | 'accountUrl'> = {},
): Promise<OpenedStore> {
  if (location.kind === 'connection-string') return { store: await openFindingsStore({ ...options, connectionString: location.connectionString }), close: async () => {} };
  if (location.kind === 'account-url') return { store: await openFindingsStore({ ...options, accountUrl: location.accountUrl }), close: async () => {} };
  const azurite = await startAzuriteTable({ location: location.folder });
  try {
    return { store: await openFindingsStore({ ...options, connectionString: azurite.connectionString }), close: () => azurite.stop() };
  } catch (error) {
    await azurite.stop();
    throw error;
  }
}
