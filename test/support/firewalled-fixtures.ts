/**
 * Variations of the compliant scenario for the storage, key vault, registry and studio rule
 * tests: each helper changes one thing of test/support/scenario.ts.
 */
import type { ResourceRow } from '../../src/inventory/types';
import { containerRegistry, keyVault, privateEndpoint, resourceId, storageAccount, workspace } from './arm';
import type { FirewallSpec } from './arm';
import { compliantRows, ids, withRow } from './scenario';

type Placement = { subscription?: string; resourceGroup?: string; location?: string };
export type StorageSpec = FirewallSpec & Placement & { kind?: string; isHnsEnabled?: boolean };
export type RegistrySpec = FirewallSpec & Placement & { sku?: 'Basic' | 'Standard' | 'Premium' };
export type WorkspaceSpec = Parameters<typeof workspace>[0];

/** The scenario's rows as compliantRows() writes them. */
export const compliantStorageSpec: StorageSpec = { name: 'stmlws', defaultAction: 'Deny', bypass: 'AzureServices', subnetIds: [ids.trainingSubnet, ids.aksSubnet] };
export const compliantKeyVaultSpec: FirewallSpec = { name: 'kv-ml-ws', defaultAction: 'Deny', bypass: 'AzureServices', subnetIds: [ids.trainingSubnet] };
export const compliantRegistrySpec: RegistrySpec = { name: 'acrmlws', sku: 'Premium', defaultAction: 'Deny', privateEndpointIds: [ids.registryEndpoint] };
export const compliantWorkspaceSpec: WorkspaceSpec = {
  name: 'ws-ml',
  storageAccountId: ids.storage,
  keyVaultId: ids.keyVault,
  containerRegistryId: ids.registry,
  imageBuildCompute: 'cpu-cluster',
};

/** The compliant estate with the storage account row changed (a spec field set to undefined is dropped). */
export function withStorage(changes: Partial<StorageSpec>, rows: readonly ResourceRow[] = compliantRows()): ResourceRow[] {
  return withRow(rows, storageAccount({ ...compliantStorageSpec, ...changes }));
}

export function withKeyVault(changes: Partial<FirewallSpec>, rows: readonly ResourceRow[] = compliantRows()): ResourceRow[] {
  return withRow(rows, keyVault({ ...compliantKeyVaultSpec, ...changes }));
}

export function withRegistry(changes: Partial<RegistrySpec>, rows: readonly ResourceRow[] = compliantRows()): ResourceRow[] {
  return withRow(rows, containerRegistry({ ...compliantRegistrySpec, ...changes }));
}

export function withWorkspace(changes: Partial<WorkspaceSpec>, rows: readonly ResourceRow[] = compliantRows()): ResourceRow[] {
  return withRow(rows, workspace({ ...compliantWorkspaceSpec, ...changes }));
}

/** A row with one property path of `properties` replaced by a raw (possibly malformed) value. */
export function withProperty(row: ResourceRow, key: string, value: unknown): ResourceRow {
  return { ...row, properties: { ...(row.properties as object), [key]: value } };
}

/** A private endpoint of the workspace itself, making it a private-link workspace. */
export const workspaceEndpointId = resourceId('Microsoft.Network', 'privateEndpoints', 'pe-ws-ml');
/** The rows with the scenario's registry given a network rule set that cannot be read (a bare string). */
export function withUnreadableRegistry(rows: readonly ResourceRow[] = compliantRows()): ResourceRow[] {
  const registry = compliantRows().find((row) => row.id === ids.registry) as ResourceRow;
  return withRow(rows, withProperty(registry, 'networkRuleSet', 'Deny'));
}

export function workspaceEndpoint(): ResourceRow {
  return privateEndpoint({ name: 'pe-ws-ml', subnetId: ids.endpointSubnet, targetId: ids.workspace, groupId: 'amlworkspace' });
}

/** The compliant estate made a private-link workspace, with the registry entry the seed's template writes. */
export function privateLinkRows(
  sharedPrivateLinkResources: WorkspaceSpec['sharedPrivateLinkResources'] = [
    { name: 'Acr', privateLinkResourceId: `${ids.registry}/privateLinkResources/registry`, groupId: 'registry', status: 'Approved' },
  ],
): ResourceRow[] {
  return withWorkspace({ privateEndpointIds: [workspaceEndpointId], sharedPrivateLinkResources }, [...compliantRows(), workspaceEndpoint()]);
}
