import { DefaultAzureCredential } from '@azure/identity';
import { BlobServiceClient } from '@azure/storage-blob';
import { armResourceClient, resolveCredential } from '../live';
import type { ArmPort } from '../remediation';
import { InventoryArmPort } from './inventory-arm';
import type { RemediationSettings } from './remediation';
import { openFindingsStore } from '../store';
import type { FindingsStore } from '../store';
import type { InventoryProvider } from './inventory';
import { ResourceGraphInventoryProvider, SnapshotInventoryProvider } from './inventory';
import type { FindingChangePublisher } from './ports';
import { eventGridPublisher } from './publisher';
import { createAuditorApp } from './runtime';
import type { AuditorApp } from './service';
import type { Environment, Settings } from './settings';
import { loadSettings } from './settings';
import { BlobSharedStates } from './shared-state';
import type { SharedStates } from './shared-state';

/**
 * Builds the app from app settings, as the Functions host runs it: the findings store on the
 * configured account (managed identity, or a connection string), the inventory (Resource Graph
 * with the app's identity, or a snapshot file), and the optional Event Grid publisher. functions/index.ts
 * (the host's entry) installs it as the runtime's factory.
 */
export async function auditorAppFromEnvironment(env: Environment): Promise<AuditorApp> {
  const settings = loadSettings(env);
  const [store, provider] = await Promise.all([openStore(settings), openProvider(settings, env)]);
  const publisher = openPublisher(settings);
  const remediation = openRemediation(settings, provider, env);
  const sharedStates = openSharedStates(settings);
  return createAuditorApp(settings, {
    store,
    provider,
    ...(publisher !== undefined ? { publisher } : {}),
    ...(remediation !== undefined ? { remediation } : {}),
    ...(sharedStates !== undefined ? { sharedStates } : {}),
  });
}

/** The container of the subscription states sweeps share (src/app/shared-state.ts), in the findings' storage account. */
export const SHARED_STATE_CONTAINER = 'subscription-states';

/** An event waits on a shared state: a store that does not answer costs a few seconds, then the subscription is read as before. */
const SHARED_STATE_CLIENT_OPTIONS = { retryOptions: { maxTries: 2, tryTimeoutInMs: 10_000 } };

/**
 * Shared subscription states in the app's storage account: its blob endpoint beside the table one
 * (https://ACCOUNT.table… → https://ACCOUNT.blob…, with the app's identity), or the connection
 * string's. A connection string that names a table endpoint but no blob endpoint (an emulator on
 * a chosen port) gets none: where its blobs are is not known, and a guess would reach elsewhere.
 */
export function openSharedStates(settings: Settings): SharedStates | undefined {
  let service: BlobServiceClient | undefined;
  if (settings.storage.kind === 'account-url') {
    const blobUrl = settings.storage.url.replace(/\.table\./i, '.blob.');
    if (blobUrl !== settings.storage.url) service = new BlobServiceClient(blobUrl, new DefaultAzureCredential(), SHARED_STATE_CLIENT_OPTIONS);
  } else {
    const connection = settings.storage.connectionString;
    const names = (key: string): boolean => new RegExp(`(^|;)\\s*${key}\\s*=`, 'i').test(connection);
    if (names('BlobEndpoint') || (!names('TableEndpoint') && names('AccountName')) || /^UseDevelopmentStorage=true;?$/i.test(connection)) {
      try {
        service = BlobServiceClient.fromConnectionString(connection, SHARED_STATE_CLIENT_OPTIONS);
      } catch {
        service = undefined;
      }
    }
  }
  return service === undefined ? undefined : new BlobSharedStates(service.getContainerClient(SHARED_STATE_CONTAINER));
}

/**
 * AML_AUDITOR_REMEDIATION and its allowlist and caps, with the writer apply mode uses: src/live's
 * ARM client on the app's identity in Azure, the in-memory estate under `npm start`.
 */
export function openRemediation(settings: Settings, provider: InventoryProvider, env: Environment): { readonly settings: RemediationSettings; readonly arm?: ArmPort } | undefined {
  if (settings.remediation === 'off') return undefined;
  const site = env.WEBSITE_SITE_NAME?.trim();
  const client = env.AZURE_CLIENT_ID?.trim();
  const identity =
    provider instanceof SnapshotInventoryProvider
      ? 'npm start (the in-memory sample estate)'
      : `the managed identity of ${site !== undefined && site !== '' ? `function app ${site}` : 'the function app'}${client !== undefined && client !== '' ? ` (client ID ${client})` : ''}`;
  const remediationSettings: RemediationSettings = {
    mode: settings.remediation,
    rules: new Set(settings.remediationRules),
    maxPerRun: settings.remediationMaxPerRun,
    maxPerHour: settings.remediationMaxPerHour,
    identity,
  };
  if (settings.remediation !== 'apply') return { settings: remediationSettings };
  if (provider instanceof SnapshotInventoryProvider) return { settings: remediationSettings, arm: new InventoryArmPort(provider) };
  const credential = resolveCredential(env, settings.cloud);
  return { settings: remediationSettings, arm: armResourceClient({ credential, cloud: settings.cloud, ...(settings.armEndpoint !== undefined ? { armEndpoint: settings.armEndpoint } : {}) }) };
}

export function openStore(settings: Settings): Promise<FindingsStore> {
  return settings.storage.kind === 'connection-string'
    ? openFindingsStore({ connectionString: settings.storage.connectionString })
    : openFindingsStore({ accountUrl: settings.storage.url });
}

export async function openProvider(settings: Settings, env: Environment): Promise<InventoryProvider> {
  if (settings.inventory.kind === 'snapshot') return SnapshotInventoryProvider.fromFile(settings.inventory.path);
  const credential = resolveCredential(env, settings.cloud);
  return new ResourceGraphInventoryProvider({ credential, cloud: settings.cloud, ...(settings.armEndpoint !== undefined ? { armEndpoint: settings.armEndpoint } : {}) });
}

export function openPublisher(settings: Settings): FindingChangePublisher | undefined {
  if (settings.eventGridTopicEndpoint === undefined) return undefined;
  return eventGridPublisher(settings.eventGridTopicEndpoint, settings.eventGridTopicKey !== undefined ? { key: settings.eventGridTopicKey } : new DefaultAzureCredential());
}
