import { DefaultAzureCredential } from '@azure/identity';
import { cloudSettings, resolveCredential } from '../live';
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
import { armSubscriptionLister } from './subscriptions';

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
  return createAuditorApp(settings, { store, provider, ...(publisher !== undefined ? { publisher } : {}) });
}

export function openStore(settings: Settings): Promise<FindingsStore> {
  return settings.storage.kind === 'connection-string'
    ? openFindingsStore({ connectionString: settings.storage.connectionString })
    : openFindingsStore({ accountUrl: settings.storage.url });
}

export async function openProvider(settings: Settings, env: Environment): Promise<InventoryProvider> {
  if (settings.inventory.kind === 'snapshot') return SnapshotInventoryProvider.fromFile(settings.inventory.path);
  const credential = resolveCredential(env, settings.cloud);
  const cloud = cloudSettings(settings.cloud, settings.armEndpoint);
  return new ResourceGraphInventoryProvider(
    { credential, cloud: settings.cloud, ...(settings.armEndpoint !== undefined ? { armEndpoint: settings.armEndpoint } : {}) },
    armSubscriptionLister(cloud.armEndpoint, cloud.armScope, credential),
  );
}

export function openPublisher(settings: Settings): FindingChangePublisher | undefined {
  if (settings.eventGridTopicEndpoint === undefined) return undefined;
  return eventGridPublisher(settings.eventGridTopicEndpoint, settings.eventGridTopicKey !== undefined ? { key: settings.eventGridTopicKey } : new DefaultAzureCredential());
}
