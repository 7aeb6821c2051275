import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildEstate } from '../../src/estate';
import { malformedProperties } from '../../src/estate/shape';
import { isReadBack } from '../../src/inventory/file-backed-row';
import { loadSnapshotFile } from '../../src/inventory/snapshot';
import { aksCluster, estateOf, nsg, storageAccount, vnet, workspace } from '../support/arm';

const AKS = 'microsoft.containerservice/managedclusters';
const STORAGE = 'microsoft.storage/storageaccounts';

describe('malformedProperties', () => {
  it('refuses properties that are missing or not an object', () => {
    expect(malformedProperties(STORAGE, undefined)).toBe('its properties are missing, not an object');
    expect(malformedProperties(STORAGE, null)).toBe('its properties are null, not an object');
    expect(malformedProperties(STORAGE, 'x')).toBe('its properties are a string, not an object');
    expect(malformedProperties(STORAGE, [])).toBe('its properties are an array, not an object');
  });

  it('accepts what Azure writes for an unset property: absent or null', () => {
    expect(malformedProperties(STORAGE, {})).toBeUndefined();
    expect(malformedProperties(STORAGE, { networkAcls: null, publicNetworkAccess: null })).toBeUndefined();
    expect(malformedProperties(STORAGE, { networkAcls: { defaultAction: 'Deny', virtualNetworkRules: [] } })).toBeUndefined();
  });

  it('names the first property of the wrong JSON kind, at any depth', () => {
    expect(malformedProperties(STORAGE, { publicNetworkAccess: 7 })).toBe('properties.publicNetworkAccess is a number, where Azure writes a string');
    expect(malformedProperties(STORAGE, { networkAcls: 'open' })).toBe('properties.networkAcls is a string, where Azure writes an object');
    expect(malformedProperties(STORAGE, { networkAcls: { virtualNetworkRules: {} } })).toBe('properties.networkAcls.virtualNetworkRules is an object, where Azure writes an array');
  });

  it('checks every element of the lists the readers walk, since a reader skips an element it cannot read', () => {
    const vnetType = 'microsoft.network/virtualnetworks';
    expect(malformedProperties(vnetType, { subnets: [{ properties: {} }, 7] })).toBe('properties.subnets[1] is a number, where Azure writes an object');
    expect(malformedProperties(vnetType, { subnets: [{ properties: 'x' }] })).toBe('properties.subnets[0].properties is a string, where Azure writes an object');
    expect(malformedProperties(vnetType, { subnets: [null] })).toBe('properties.subnets[0] is null, where Azure writes an object');
    expect(malformedProperties(vnetType, { subnets: 'none' })).toBe('properties.subnets is a string, where Azure writes an array');
    expect(malformedProperties(vnetType, { subnets: [{ name: 'flat, as some exports write it' }], dhcpOptions: { dnsServers: ['10.0.0.4'] } })).toBeUndefined();
    expect(malformedProperties(vnetType, { dhcpOptions: { dnsServers: ['10.0.0.4', 4] } })).toBe('properties.dhcpOptions.dnsServers[1] is a number, where Azure writes a string');
  });

  it('asks a reference to another resource for its id', () => {
    const nic = 'microsoft.network/networkinterfaces';
    expect(malformedProperties(nic, { virtualMachine: { id: '/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/virtualMachines/vm' } })).toBeUndefined();
    expect(malformedProperties(nic, { virtualMachine: { name: 'vm' } })).toBe('properties.virtualMachine is an object without an id, where Azure writes a reference ({ "id": … })');
    expect(malformedProperties(nic, { virtualMachine: { id: '' } })).toBe('properties.virtualMachine is an object without an id, where Azure writes a reference ({ "id": … })');
    expect(malformedProperties(nic, { ipConfigurations: [{ properties: { subnet: 'snet' } }] })).toBe('properties.ipConfigurations[0].properties.subnet is a string, where Azure writes a reference ({ "id": … })');
  });

  it('reads booleans and numbers as the readers do: any scalar', () => {
    expect(malformedProperties(AKS, { agentPoolProfiles: [], apiServerAccessProfile: { enablePrivateCluster: 'True' } })).toBeUndefined();
    expect(malformedProperties(AKS, { agentPoolProfiles: [], apiServerAccessProfile: { enablePrivateCluster: 1 } })).toBeUndefined();
    expect(malformedProperties(AKS, { agentPoolProfiles: [], apiServerAccessProfile: { enablePrivateCluster: {} } })).toMatch(/enablePrivateCluster is an object/);
  });

  it('requires what Azure always writes', () => {
    expect(malformedProperties(AKS, {})).toBe('properties.agentPoolProfiles is missing, which Azure always writes');
    expect(malformedProperties('microsoft.machinelearningservices/workspaces/computes', { properties: {} })).toBe('properties.computeType is missing, which Azure always writes');
  });

  it('leaves types it does not know alone', () => {
    expect(malformedProperties('microsoft.web/sites', undefined)).toBeUndefined();
  });
});

describe('buildEstate', () => {
  it('lists malformed rows, subnets embedded in a VNet among them, and still reads them', () => {
    const account = storageAccount({ name: 'stbroken', defaultAction: 'Deny' });
    const network = vnet({ name: 'vnet', subnets: [{ name: 'training', addressPrefix: '10.0.0.0/24' }] });
    const subnets = (network.properties as { subnets: { properties: Record<string, unknown> }[] }).subnets;
    (subnets[0] as { properties: Record<string, unknown> }).properties['networkSecurityGroup'] = 'nsg-by-name';
    const estate = estateOf([{ ...account, properties: 'locked' }, network, workspace({ name: 'ws' })]);
    expect(estate.malformedRows).toEqual([
      { resourceId: account.id, reason: 'its properties are a string, not an object' },
      { resourceId: `${network.id}/subnets/training`, reason: 'properties.networkSecurityGroup is a string, where Azure writes a reference ({ "id": … })' },
    ]);
    expect(estate.storageAccount(account.id)).toBeDefined();
  });

  it('has none for well-formed rows', () => {
    expect(estateOf([storageAccount({ name: 'st', defaultAction: 'Deny' }), aksCluster({ name: 'aks', subnetIds: ['x'] }), workspace({ name: 'ws' })]).malformedRows).toEqual([]);
  });

  describe('a large NSG in a snapshot file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aml-shape-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const rules = Array.from({ length: 40 }, (_, index) => ({ name: `rule-${index}`, priority: 100 + index, direction: 'Inbound' as const, access: 'Allow' as const, protocol: 'Tcp', destinationPorts: String(1000 + index) }));

    it('is left in the file when its properties are an object, kept whole and judged malformed when they are not', async () => {
      const good = nsg({ name: 'nsg-good', rules });
      const bad = { ...nsg({ name: 'nsg-bad', rules }), properties: [good.properties, 'x'.repeat(20_000)] };
      const path = join(dir, 'snapshot.json');
      writeFileSync(path, JSON.stringify({ capturedAt: '2026-11-24T00:00:00Z', resources: [good, bad] }));
      const inventory = await loadSnapshotFile(path, { leaveLargeRowsInFile: true });
      expect(inventory.resources.map(isReadBack)).toEqual([true, false]);
      expect(buildEstate(inventory).malformedRows).toEqual([{ resourceId: bad.id, reason: 'its properties are an array, not an object' }]);
    });
  });
});
