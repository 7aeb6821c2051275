import { afterEach, describe, expect, it } from 'vitest';
import { resourceToReadFor } from '../../src/core/ids';
import { readResourcesByIds } from '../../src/live';
import { startArmServer } from '../support/arm-server';
import type { ArmServer } from '../support/arm-server';
import { buildTestEstate, SUB_B } from './estate';
import { RecordingCredential, recordedRetry } from './helpers';

let server: ArmServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

const rows = buildTestEstate(0);
const idOfType = (type: string, name: string): string =>
  String(rows.find((row) => row.type === type && String(row.id).includes(name))?.id);

const vnetA = idOfType('microsoft.network/virtualnetworks', 'vnet-alpha');
const storageB = idOfType('microsoft.storage/storageaccounts', 'stbeta');
const roleA = idOfType('microsoft.authorization/roleassignments', 'ra-alpha');
const clusterA = idOfType('microsoft.machinelearningservices/workspaces/computes', 'cpu-cluster');

function options(on: ArmServer) {
  return { credential: new RecordingCredential(), armEndpoint: on.endpoint, tlsOptions: on.tlsOptions, retry: recordedRetry().retry };
}

describe('readResourcesByIds (the event path reads Azure Resource Manager, not the lagging graph)', () => {
  it('GETs each changed resource by ID with its type\'s API version; a subnet as its VNet; names what is gone (404)', async () => {
    server = await startArmServer({ rows });
    const gone = `/subscriptions/${SUB_B}/resourceGroups/rg-beta/providers/Microsoft.Network/networkSecurityGroups/deleted`;
    const result = await readResourcesByIds([`${vnetA}/subnets/training`, storageB.toUpperCase(), roleA, clusterA, gone], options(server));
    expect(result.failures).toEqual([]);
    expect(result.resources.map((row) => row.id).sort()).toEqual([vnetA, storageB, roleA, clusterA].sort());
    expect(result.missing).toEqual([gone]);
    expect(server.requestsOf('graph')).toHaveLength(0);
    const gets = server.requests.filter((request) => request.method === 'GET');
    expect(gets.map((request) => request.query['api-version']).sort()).toEqual(['2022-04-01', '2023-05-01', '2024-04-01', '2024-05-01', '2024-05-01'].sort());
    // ARM's shape becomes the graph's: lowercased type, subscriptionId and resourceGroup columns.
    const storage = result.resources.find((row) => row.id === storageB);
    expect(storage).toMatchObject({ type: 'microsoft.storage/storageaccounts', subscriptionId: SUB_B, resourceGroup: 'rg-beta' });
  });

  it('takes sku, kind and identity from the read, as ARM holds them now', async () => {
    const upgraded = rows.map((row) => (row.id === storageB ? { ...row, sku: { name: 'Standard_ZRS' }, kind: 'StorageV2', identity: { type: 'SystemAssigned', principalId: 'p-1' } } : row));
    server = await startArmServer({ rows: upgraded });
    const result = await readResourcesByIds([storageB], options(server));
    expect(result.resources[0]).toMatchObject({ sku: { name: 'Standard_ZRS' }, kind: 'StorageV2', identity: { principalId: 'p-1' } });
  });

  it('reads children through the resource they belong to: private endpoint connections, agent pools, security rules', async () => {
    server = await startArmServer({ rows });
    const result = await readResourcesByIds([`${storageB}/privateEndpointConnections/pe-1`, `${vnetA.replace(/virtualNetworks\/.*/, 'networkSecurityGroups/nsg-alpha')}/securityRules/r1`], options(server));
    expect(result.resources.map((row) => row.id)).toContain(storageB);
    const paths = server.requests.map((request) => request.path);
    expect(paths).toContain(storageB);
    expect(paths.some((path) => /securityRules/i.test(path))).toBe(false);
  });

  it('reads a private DNS zone link by its own ID, with the Private DNS API version', async () => {
    const link = idOfType('microsoft.network/privatednszones/virtualnetworklinks', 'link-gamma');
    server = await startArmServer({ rows });
    const result = await readResourcesByIds([link], options(server));
    expect(result.resources.map((row) => [row.id, row.type])).toEqual([[link, 'microsoft.network/privatednszones/virtualnetworklinks']]);
    expect(server.requests.filter((request) => request.method === 'GET').map((request) => request.query['api-version'])).toEqual(['2024-06-01']);
  });

  it('reads a role assignment scoped to a VNet by its own ID', async () => {
    const scoped = `${vnetA}/providers/Microsoft.Authorization/roleAssignments/ra-vnet`;
    server = await startArmServer({ rows: [...rows, { id: scoped, name: 'ra-vnet', type: 'microsoft.authorization/roleassignments', properties: { principalId: 'p', roleDefinitionId: '/providers/Microsoft.Authorization/roleDefinitions/4d97b98b-1d4f-4787-a291-c67834d212e7', scope: vnetA } }] });
    const result = await readResourcesByIds([scoped], options(server));
    expect(result.resources.map((row) => [row.id, row.type])).toEqual([[scoped, 'microsoft.authorization/roleassignments']]);
  });

  it('takes only a not-found 404 as a deletion: one for an API version the cloud does not serve, or without ARM\'s error body, is a failure', async () => {
    // A sovereign cloud that does not serve the storage API version the auditor asks for answers 404 InvalidResourceType.
    server = await startArmServer({
      rows,
      apiVersions: { 'microsoft.storage/storageaccounts': ['2019-06-01'] },
      faults: [{ when: (request) => request.path.toLowerCase() === roleA.toLowerCase(), status: 404, body: '<html>Not Found</html>' }],
    });
    const gone = `/subscriptions/${SUB_B}/resourceGroups/rg-beta/providers/Microsoft.Network/networkSecurityGroups/deleted`;
    const result = await readResourcesByIds([storageB, roleA, gone, vnetA], options(server));
    expect(result.missing).toEqual([gone]);
    expect(result.resources.map((row) => row.id)).toEqual([vnetA]);
    expect(result.failures).toEqual(
      expect.arrayContaining([
        { id: storageB, reason: expect.stringMatching(/404: InvalidResourceType .*api version '2023-05-01'/), transient: false },
        { id: roleA, reason: expect.stringMatching(/404/), transient: false },
      ]),
    );
  });

  it('isolates a failed read: a forbidden resource is a permanent failure of its own, a 503 a transient one, and the others are read', async () => {
    server = await startArmServer({
      rows,
      faults: [
        { when: (request) => request.path.toLowerCase() === storageB.toLowerCase(), status: 403 },
        { when: (request) => request.path.toLowerCase() === vnetA.toLowerCase(), status: 503 },
      ],
    });
    const result = await readResourcesByIds([storageB, vnetA, roleA], options(server));
    expect(result.missing).toEqual([]);
    expect(result.resources.map((row) => row.id)).toEqual([roleA]);
    expect(result.failures).toEqual(
      expect.arrayContaining([
        { id: storageB, reason: expect.stringMatching(/HTTP 403/), transient: false },
        { id: vnetA, reason: expect.stringMatching(/HTTP 503/), transient: true },
      ]),
    );
  });

  it('maps children to the resource that is read', () => {
    expect(resourceToReadFor(`${vnetA}/subnets/training`)).toBe(vnetA);
    expect(resourceToReadFor('/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/networkSecurityGroups/n/securityRules/r')).toBe('/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/networkSecurityGroups/n');
    expect(resourceToReadFor('/subscriptions/s/resourceGroups/g/providers/Microsoft.ContainerService/managedClusters/aks/agentPools/np')).toBe('/subscriptions/s/resourceGroups/g/providers/Microsoft.ContainerService/managedClusters/aks');
    expect(resourceToReadFor(`${storageB}/privateEndpointConnections/x`)).toBe(storageB);
    expect(resourceToReadFor(`${vnetA}/providers/Microsoft.Authorization/roleAssignments/x`)).toBe(`${vnetA}/providers/Microsoft.Authorization/roleAssignments/x`);
    expect(resourceToReadFor(storageB)).toBe(storageB);
  });
});
