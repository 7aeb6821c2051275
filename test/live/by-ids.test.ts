import { afterEach, describe, expect, it } from 'vitest';
import { graphResourceIdOf, readResourcesByIds, touchedByGaps } from '../../src/live';
import { startArmServer } from '../support/arm-server';
import type { ArmServer } from '../support/arm-server';
import { buildTestEstate, SUB_A, SUB_B } from './estate';
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

describe('readResourcesByIds (the event path)', () => {
  it('reads changed resources with one query per table, a subnet as its VNet, and names what is gone', async () => {
    server = await startArmServer({ rows });
    const gone = `/subscriptions/${SUB_B}/resourceGroups/rg-beta/providers/Microsoft.Network/networkSecurityGroups/deleted`;
    const result = await readResourcesByIds([`${vnetA}/subnets/training`, storageB.toUpperCase(), roleA, clusterA, gone], options(server));
    expect(result.gaps).toEqual([]);
    expect(result.resources.map((row) => row.id).sort()).toEqual([vnetA, storageB, roleA, clusterA].sort());
    expect(result.missing).toEqual([gone]);
    const graph = server.requestsOf('graph');
    expect(graph.map((request) => request.table)).toEqual(['resources', 'authorizationresources']);
    expect(new Set(graph[0]?.subscriptions)).toEqual(new Set([SUB_A, SUB_B]));
    expect(server.requestsOf('compute')).toHaveLength(0);
  });

  it('reads a compute through ARM when the graph does not index computes; a deleted one is missing', async () => {
    server = await startArmServer({ rows, graphIndexesComputes: false });
    const deleted = clusterA.replace('cpu-cluster', 'deleted-cluster');
    const result = await readResourcesByIds([clusterA, deleted], options(server));
    expect(result.resources.map((row) => [row.id, row.type])).toEqual([[clusterA, 'microsoft.machinelearningservices/workspaces/computes']]);
    expect(result.resources[0]?.subscriptionId).toBe(SUB_A);
    expect(result.missing).toEqual([deleted]);
    expect(server.requestsOf('compute')).toHaveLength(2);
  });

  it('reports a failed read as a gap, not as a deletion', async () => {
    server = await startArmServer({ rows, faults: [{ when: (request) => request.kind === 'graph', status: 403 }] });
    const result = await readResourcesByIds([storageB], options(server));
    expect(result.missing).toEqual([]);
    expect(result.gaps).toEqual([{ scope: `/subscriptions/${SUB_B}`, reason: expect.stringMatching(/HTTP 403/) }]);
  });

  it('maps embedded children to the resource the graph indexes', () => {
    expect(graphResourceIdOf(`${vnetA}/subnets/training`)).toBe(vnetA);
    expect(graphResourceIdOf('/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/networkSecurityGroups/n/securityRules/r')).toBe('/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/networkSecurityGroups/n');
    expect(graphResourceIdOf(storageB)).toBe(storageB);
  });
});

describe('touchedByGaps', () => {
  const gaps = [{ scope: `/subscriptions/${SUB_B}`, reason: 'resources: HTTP 500' }];
  it('touches findings whose subject or workspace lies under a gap', () => {
    expect(touchedByGaps({ resourceId: storageB.toUpperCase(), workspaceIds: [] }, gaps)).toBe(true);
    expect(touchedByGaps({ resourceId: vnetA, workspaceIds: [`/subscriptions/${SUB_B}/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w`] }, gaps)).toBe(true);
    expect(touchedByGaps({ resourceId: vnetA, workspaceIds: [] }, gaps)).toBe(false);
    expect(touchedByGaps({ resourceId: `/subscriptions/${SUB_B}0`, workspaceIds: [] }, gaps)).toBe(false);
    expect(touchedByGaps({ resourceId: vnetA, workspaceIds: [] }, [{ scope: '/providers/Microsoft.Management/managementGroups/mg', reason: 'x' }])).toBe(true);
    expect(touchedByGaps({ resourceId: vnetA, workspaceIds: [] }, [])).toBe(false);
  });
});
