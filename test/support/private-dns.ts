/**
 * The compliant scenario with every associated resource and the workspace behind private endpoints
 * in vnet-ml, their private DNS zones linked to it, and one thing changed: the fixture of the dns.*
 * rule tests, and the suite every one of them runs (the four rules share one check).
 */
import { describe, expect, it } from 'vitest';
import type { ResourceRow } from '../../src/inventory/types';
import type { AnyRule } from '../../src/rules/types';
import { containerRegistry, endpointConnection, estateOf, keyVault, privateDnsZone, privateDnsZoneLink, privateEndpoint, resourceId, storageAccount, vnet, workspace } from './arm';
import { compliantSubnets } from './compute-fixtures';
import { compliantRows, ids, withRow } from './scenario';
import { verdictFor } from './rules';

export type DnsSubjectKind = 'workspace' | 'storage' | 'keyVault' | 'registry';

/** The endpoints of each subject (name, sub-resource) and the zones they need. */
export const dnsFixture = {
  workspace: { id: ids.workspace, endpoints: [['pe-ws', 'amlworkspace']], zones: ['privatelink.api.azureml.ms', 'privatelink.notebooks.azure.net'] },
  storage: { id: ids.storage, endpoints: [['pe-blob', 'blob'], ['pe-file', 'file']], zones: ['privatelink.blob.core.windows.net', 'privatelink.file.core.windows.net'] },
  keyVault: { id: ids.keyVault, endpoints: [['pe-kv', 'vault']], zones: ['privatelink.vaultcore.azure.net'] },
  registry: { id: ids.registry, endpoints: [['pe-acr', 'registry']], zones: ['privatelink.azurecr.io'] },
} as const;

const ALL_ZONES = Object.values(dnsFixture).flatMap((entry) => entry.zones);
export const otherVnetId = resourceId('Microsoft.Network', 'virtualNetworks', 'vnet-training-west');
const HUB = { resourceGroup: 'rg-dns' };

export interface DnsOptions {
  /** Zones left unlinked from vnet-ml. */
  readonly unlinked?: readonly string[];
  /** Zones that do not exist at all. */
  readonly absent?: readonly string[];
  /** Custom DNS servers of vnet-ml. */
  readonly dnsServers?: readonly string[];
  /** Zones holding their SOA alone (no endpoint registered an A record). */
  readonly empty?: readonly string[];
  /** Leave every zone and link out of the inventory. */
  readonly noZones?: boolean;
  /** Connection status of every endpoint (Approved unless said). */
  readonly status?: string;
}

export function privateDnsRows(options: DnsOptions = {}): ResourceRow[] {
  const endpointId = (name: string): string => resourceId('Microsoft.Network', 'privateEndpoints', name);
  const connections = (kind: DnsSubjectKind): string[] => dnsFixture[kind].endpoints.map(([name]) => endpointId(name));
  let rows = compliantRows();
  const ws = workspace({ name: 'ws-ml', storageAccountId: ids.storage, keyVaultId: ids.keyVault, containerRegistryId: ids.registry, imageBuildCompute: 'cpu-cluster', privateEndpointIds: connections('workspace') });
  rows = withRow(rows, ws);
  rows = withRow(rows, storageAccount({ name: 'stmlws', defaultAction: 'Deny', bypass: 'AzureServices', subnetIds: [ids.trainingSubnet, ids.aksSubnet], privateEndpointIds: connections('storage') }));
  rows = withRow(rows, keyVault({ name: 'kv-ml-ws', defaultAction: 'Deny', bypass: 'AzureServices', subnetIds: [ids.trainingSubnet], privateEndpointIds: connections('keyVault') }));
  rows = withRow(rows, containerRegistry({ name: 'acrmlws', sku: 'Premium', defaultAction: 'Deny', privateEndpointIds: connections('registry') }));
  if (options.dnsServers !== undefined) rows = withRow(rows, vnet({ name: 'vnet-ml', addressPrefixes: ['10.0.0.0/16'], subnets: compliantSubnets, dnsServers: options.dnsServers }));
  for (const entry of Object.values(dnsFixture)) {
    for (const [name, group] of entry.endpoints) rows = withRow(rows, privateEndpoint({ name, subnetId: ids.endpointSubnet, targetId: entry.id, groupId: group }));
  }
  if (options.status !== undefined) {
    rows = rows.map((row) => {
      const properties = row.properties as { privateEndpointConnections?: { properties: { privateEndpoint: { id: string } } }[] } | undefined;
      if (properties?.privateEndpointConnections === undefined) return row;
      return { ...row, properties: { ...properties, privateEndpointConnections: properties.privateEndpointConnections.map((connection) => endpointConnection(connection.properties.privateEndpoint.id, options.status)) } };
    });
  }
  if (options.noZones === true) return rows;
  for (const zone of ALL_ZONES) {
    if (options.absent?.includes(zone) === true) continue;
    const zoneRow = privateDnsZone({ name: zone, ...HUB, ...(options.empty?.includes(zone) === true ? { recordSets: 1 } : {}) });
    rows.push(zoneRow);
    if (options.unlinked?.includes(zone) !== true) rows.push(privateDnsZoneLink(zoneRow, { name: 'link-vnet-ml', vnetId: ids.vnet }));
  }
  return rows;
}

/** What every dns.* rule must say of its subject, the same for the four. */
export function privateDnsSuite(rule: AnyRule, kind: DnsSubjectKind): void {
  const subject = dnsFixture[kind];
  const zone = subject.zones[0];
  const verdict = (options: DnsOptions = {}, rows: ResourceRow[] = privateDnsRows(options)) => verdictFor(rule, estateOf(rows), subject.id);

  describe(`${rule.meta.id} (the dns.* suite)`, () => {
    it('passes when every zone of its endpoints is linked to the VNet of the endpoints and the computes', () => {
      const evaluation = verdict();
      expect(evaluation).toMatchObject({ status: 'pass', messageId: 'linked', evidence: { zones: [...subject.zones].sort(), vnetIds: [ids.vnet] } });
      for (const name of subject.zones) expect(evaluation.message).toContain(name);
    });

    it('fails when a zone exists but is not linked to a VNet that uses it', () => {
      const evaluation = verdict({ unlinked: [zone] });
      expect(evaluation).toMatchObject({ status: 'fail', severity: 'high', messageId: 'notLinked' });
      expect(evaluation.message).toContain(`zone '${zone}' is not linked to VNet 'vnet-ml'`);
      expect(evaluation.evidence?.checks).toContainEqual(expect.objectContaining({ zone, state: 'not-linked', vnetId: ids.vnet }));
    });

    it('fails when the zone is missing while the VNet links other private zones of the inventory', () => {
      const evaluation = verdict({ absent: [zone] });
      expect(evaluation).toMatchObject({ status: 'fail', messageId: 'zoneMissing' });
      expect(evaluation.message).toContain(`no private DNS zone '${zone}'`);
    });

    it('fails when the linked zone holds no record set but its SOA: no endpoint registered its A record', () => {
      const evaluation = verdict({ empty: [zone] });
      expect(evaluation).toMatchObject({ status: 'fail', messageId: 'noRecords' });
      expect(evaluation.message).toContain(`zone '${zone}' linked to VNet 'vnet-ml' holds no record set but its SOA`);
      expect(evaluation.evidence?.checks).toContainEqual(expect.objectContaining({ zone, state: 'no-records' }));
    });

    it('is unknown, not failed, when no zone was read at all, or the VNet uses custom DNS servers', () => {
      expect(verdict({ noZones: true })).toMatchObject({ status: 'unknown', messageId: 'undetermined' });
      expect(verdict({ noZones: true }).message).toContain('no private DNS zone is in the inventory');
      const custom = verdict({ dnsServers: ['10.0.0.4'], unlinked: [zone] });
      expect(custom).toMatchObject({ status: 'unknown', messageId: 'customDns' });
      expect(custom.message).toContain('10.0.0.4');
    });

    it('is unknown when an approved endpoint is not in the inventory', () => {
      const rows = privateDnsRows().filter((row) => row.id !== resourceId('Microsoft.Network', 'privateEndpoints', subject.endpoints[0][0]));
      const evaluation = verdict({}, rows);
      expect(evaluation).toMatchObject({ status: 'unknown', messageId: 'undetermined' });
      expect(evaluation.message).toContain('is not in the inventory');
    });

    it('needs no zone when no endpoint connection is approved', () => {
      expect(verdict({ status: 'Pending' })).toMatchObject({ status: 'not-applicable', messageId: 'noEndpoint' });
    });

    it('judges the VNet of a compute outside the endpoints\' VNet too', () => {
      const rows = privateDnsRows();
      const ws = rows.find((row) => row.id === ids.workspace) as ResourceRow;
      const west = vnet({ name: 'vnet-training-west', addressPrefixes: ['10.8.0.0/16'], subnets: [{ name: 'training', addressPrefix: '10.8.1.0/24' }] });
      const moved = workspace({ name: 'ws-ml', storageAccountId: ids.storage, keyVaultId: ids.keyVault, containerRegistryId: ids.registry, imageBuildCompute: 'cpu-cluster', privateEndpointIds: dnsFixture.workspace.endpoints.map(([name]) => resourceId('Microsoft.Network', 'privateEndpoints', name)), serverlessCompute: { subnetId: `${otherVnetId}/subnets/training`, noPublicIp: true } });
      expect(ws.id).toBe(moved.id);
      const evaluation = verdict({}, [...withRow(rows, moved), west]);
      expect(evaluation).toMatchObject({ status: 'fail', messageId: 'notLinked' });
      expect(evaluation.message).toContain("VNet 'vnet-training-west'");
    });
  });
}
