import { describe, expect, it } from 'vitest';
import { generateEstate, seededRandom } from '../../bench/generate';
import { median } from '../../bench/scale';
import { buildEstate } from '../../src/estate';
import { parseSnapshot } from '../../src/inventory/snapshot';

describe('generateEstate', () => {
  const estate = generateEstate({ resources: 1500, seed: 7 });

  it('produces exactly the number of rows asked for', () => {
    expect(estate.resources).toHaveLength(1500);
    expect(generateEstate({ resources: 0, seed: 7 }).resources).toEqual([]);
  });

  it('is deterministic from the seed, and the seed matters', () => {
    expect(JSON.stringify(generateEstate({ resources: 1500, seed: 7 }))).toBe(JSON.stringify(estate));
    expect(JSON.stringify(generateEstate({ resources: 1500, seed: 8 }).resources)).not.toBe(JSON.stringify(estate.resources));
    const a = seededRandom(1);
    const b = seededRandom(1);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });

  it('produces the realistic mix: ML units and a larger share of unrelated resources', () => {
    const types = new Map<string, number>();
    for (const row of estate.resources) types.set(String(row.type), (types.get(String(row.type)) ?? 0) + 1);
    for (const type of [
      'microsoft.machinelearningservices/workspaces',
      'microsoft.machinelearningservices/workspaces/computes',
      'microsoft.network/virtualnetworks',
      'microsoft.network/networksecuritygroups',
      'microsoft.network/routetables',
      'microsoft.storage/storageaccounts',
      'microsoft.keyvault/vaults',
      'microsoft.containerregistry/registries',
      'microsoft.network/privateendpoints',
      'microsoft.network/networkinterfaces',
      'microsoft.compute/virtualmachines',
      'microsoft.containerservice/managedclusters',
      'microsoft.authorization/roleassignments',
      'microsoft.web/sites',
    ]) {
      expect(types.get(type), type).toBeGreaterThan(0);
    }
    const mlRows = estate.resources.filter((row) => /machinelearningservices/.test(String(row.id).toLowerCase()) || /rg-ml-/.test(String(row.id))).length;
    expect(mlRows / estate.resources.length).toBeLessThan(0.5);
    const ids = new Set(estate.resources.map((row) => row.id.toLowerCase()));
    expect(ids.size).toBe(estate.resources.length);
  });

  it('gives ML NSGs 20 to 50 custom rules', () => {
    const nsgs = estate.resources.filter((row) => row.type === 'microsoft.network/networksecuritygroups' && /nsg-ml-/.test(row.id));
    expect(nsgs.length).toBeGreaterThan(0);
    for (const nsg of nsgs) {
      const count = ((nsg.properties as { securityRules: unknown[] }).securityRules ?? []).length;
      expect(count).toBeGreaterThanOrEqual(20);
      expect(count).toBeLessThanOrEqual(52);
    }
  });

  it('builds into an estate whose workspaces are VNet-isolated, with service tags for their regions', () => {
    const inventory = parseSnapshot(JSON.stringify(estate), 'generated.json');
    expect(inventory.warnings).toEqual([]);
    const graph = buildEstate(inventory);
    expect(graph.workspaces.length).toBeGreaterThan(10);
    expect(graph.workspaces.every((workspace) => graph.isVnetIsolated(workspace.id))).toBe(true);
    const regional = new Set((inventory.serviceTags ?? []).filter((tag) => tag.name.startsWith('BatchNodeManagement.')).map((tag) => tag.properties.region));
    for (const workspace of graph.workspaces) expect(regional.has(workspace.location)).toBe(true);
  });
});

describe('median', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
