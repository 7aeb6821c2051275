import { describe, expect, it } from 'vitest';
import type { ResourceRow } from '../../src/inventory/types';
import type { PlanOperation } from '../../src/remediation';
import { applyToRows, holds, mergePatch, sameState } from '../../src/remediation';

const NSG = '/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/networkSecurityGroups/n';
const VNET = '/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/v';

function op(method: 'PUT' | 'PATCH', id: string, body: Record<string, unknown>): PlanOperation {
  return { method, id, apiVersion: '2024-05-01', body: body as PlanOperation['body'], precondition: { readId: id, apiVersion: '2024-05-01', values: {} }, description: '' };
}

describe('ARM writes played on rows', () => {
  it('PATCH merges objects and replaces arrays; PUT replaces the properties and keeps the identity columns', () => {
    const row: ResourceRow = { id: '/subscriptions/s/x', type: 't', subscriptionId: 's', location: 'eastus', properties: { a: { b: 1, c: 2 }, list: [1, 2] } };
    const [patched] = applyToRows([row], [op('PATCH', row.id, { properties: { a: { c: 3 }, list: [9] } })]);
    expect(patched?.properties).toEqual({ a: { b: 1, c: 3 }, list: [9] });
    const [put] = applyToRows([row], [op('PUT', row.id, { location: 'eastus', properties: { z: true } })]);
    expect(put).toMatchObject({ id: row.id, type: 't', subscriptionId: 's', properties: { z: true } });
    expect(mergePatch({ a: 1 }, null)).toBeNull();
  });

  it('writes a child into its parent: a new security rule is appended, an existing subnet replaced, and its own row too', () => {
    const nsg: ResourceRow = { id: NSG, type: 'microsoft.network/networksecuritygroups', properties: { securityRules: [{ name: 'a', properties: { priority: 100 } }] } };
    const vnet: ResourceRow = { id: VNET, type: 'microsoft.network/virtualnetworks', properties: { subnets: [{ name: 's1', properties: { addressPrefix: '10.0.0.0/24', delegations: [] } }] } };
    const subnetRow: ResourceRow = { id: `${VNET}/subnets/s1`, type: 'microsoft.network/virtualnetworks/subnets', properties: { addressPrefix: '10.0.0.0/24' } };
    const rows = applyToRows([nsg, vnet, subnetRow], [op('PUT', `${NSG}/securityRules/b`, { properties: { priority: 110 } }), op('PUT', `${VNET}/subnets/S1`, { properties: { addressPrefix: '10.0.0.0/24', serviceEndpoints: [{ service: 'Microsoft.Storage' }] } })]);
    expect((rows[0]?.properties as { securityRules: { name: string }[] }).securityRules.map((rule) => rule.name)).toEqual(['a', 'b']);
    expect((rows[1]?.properties as { subnets: { properties: { serviceEndpoints: unknown[] } }[] }).subnets[0]?.properties.serviceEndpoints).toEqual([{ service: 'Microsoft.Storage' }]);
    expect((rows[2]?.properties as { serviceEndpoints: unknown[] }).serviceEndpoints).toEqual([{ service: 'Microsoft.Storage' }]);
  });

  it('a malformed parent (properties not an object, a collection not a list) never throws: the child makes a new collection', () => {
    const broken: ResourceRow = { id: NSG, type: 'microsoft.network/networksecuritygroups', properties: 'oops' };
    const [row] = applyToRows([broken], [op('PUT', `${NSG}/securityRules/b`, { properties: { priority: 110 } })]);
    expect((row?.properties as { securityRules: unknown[] }).securityRules).toHaveLength(1);
    const notList: ResourceRow = { id: NSG, type: 'microsoft.network/networksecuritygroups', properties: { securityRules: { a: 1 } } };
    expect(() => applyToRows([notList], [op('PUT', `${NSG}/securityRules/b`, { properties: {} })])).not.toThrow();
  });

  it('a write to a resource the estate lacks adds it (a role assignment)', () => {
    const id = '/subscriptions/s/resourceGroups/g/providers/Microsoft.Authorization/roleAssignments/r1';
    const rows = applyToRows([], [op('PUT', id, { properties: { principalId: 'p' } })]);
    expect(rows).toEqual([expect.objectContaining({ id, type: 'microsoft.authorization/roleassignments', properties: { principalId: 'p' } })]);
  });
});

describe('comparing what ARM answers with what a plan expects', () => {
  it('ignores what ARM adds (etags, provisioning states, ids, empty lists, order of named children, case)', () => {
    const planned = [{ name: 'b', properties: { access: 'Allow', priority: 110 } }, { name: 'a', properties: { access: 'Deny' } }];
    const read = [
      { name: 'a', id: '/x/A', etag: 'W/"1"', properties: { access: 'deny', provisioningState: 'Succeeded', sourcePortRanges: [] } },
      { name: 'b', id: '/x/b', etag: 'W/"2"', properties: { access: 'Allow', priority: 110, destinationPortRanges: [] } },
    ];
    expect(sameState(read, planned)).toBe(true);
    expect(sameState(read, [{ name: 'b', properties: { access: 'Allow', priority: 120 } }, planned[1]])).toBe(false);
  });

  it('holds: every key a write sets is already so', () => {
    expect(holds({ properties: { networkAcls: { bypass: 'AzureServices', defaultAction: 'Deny', ipRules: [] } } }, { properties: { networkAcls: { bypass: 'AzureServices', defaultAction: 'Deny' } } })).toBe(true);
    expect(holds({ properties: { networkAcls: { bypass: 'None' } } }, { properties: { networkAcls: { bypass: 'AzureServices' } } })).toBe(false);
    expect(holds(undefined, { properties: { a: 1 } })).toBe(false);
  });
});
