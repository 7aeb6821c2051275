import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeGeneratedSnapshot } from '../../bench/generate';
import type { Estate } from '../../src/estate';
import { buildEstate } from '../../src/estate';
import { isReadBack } from '../../src/inventory/file-backed-row';
import { FOR_ONE_AUDIT, loadSnapshotFile } from '../../src/inventory/snapshot';
import type { Inventory } from '../../src/inventory/types';

// V8's own answer to "do these two objects share a hidden class?". The flag only changes how
// functions compiled after it are parsed, so the check is compiled here, not written in source.
setFlagsFromString('--allow-natives-syntax');
// eslint-disable-next-line @typescript-eslint/no-implied-eval -- the only way to reach a V8 intrinsic
const haveSameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;

/** How many hidden classes the objects use, counting at most `limit`. */
function hiddenClasses(objects: readonly object[], limit = 20): number {
  const representatives: object[] = [];
  for (const object of objects) {
    if (!representatives.some((known) => haveSameMap(known, object))) representatives.push(object);
    if (representatives.length >= limit) break;
  }
  return representatives.length;
}

/**
 * An estate's views of one type share one hidden class. On Node 20 an object spread followed by
 * more properties (`{ ...view, field }`) gave each view its own: ~600 bytes more per view (a
 * quarter of the estate's memory) and megamorphic property reads in every rule, which made index
 * and evaluation of a 100k estate ~30 % slower.
 */
describe('hidden classes of the estate', () => {
  let dir: string;
  let inventory: Inventory;
  let estate: Estate;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'aml-hidden-classes-'));
    const path = join(dir, 'estate.json');
    await writeGeneratedSnapshot(path, { resources: 3_000, seed: 7 });
    inventory = await loadSnapshotFile(path, FOR_ONE_AUDIT);
    estate = buildEstate(inventory);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('tells objects of one shape from objects of many', () => {
    const alike = Array.from({ length: 30 }, (_, index) => ({ id: `r${index}`, size: index }));
    const unalike = Array.from({ length: 30 }, (_, index) => ({ [`field${index}`]: index }));
    expect(hiddenClasses(alike)).toBe(1);
    expect(hiddenClasses(unalike)).toBe(20);
  });

  it.each(['workspaces', 'computes', 'subnets', 'storageAccounts', 'keyVaults', 'containerRegistries', 'aksClusters', 'virtualMachines'] as const)('%s share a few hidden classes, not one each', (collection) => {
    const views = estate[collection] as readonly object[];
    expect(views.length).toBeGreaterThan(20);
    // A type's views may differ in which optional fields hold objects, never one class per view.
    expect(hiddenClasses(views)).toBeLessThanOrEqual(3);
  });

  it('rows left in the file, and the subnet rows that find their properties in them, share a few hidden classes', () => {
    const groups = inventory.resources.filter((row) => String(row.type).toLowerCase() === 'microsoft.network/networksecuritygroups');
    expect(groups.length).toBeGreaterThan(20);
    expect(hiddenClasses(groups)).toBeLessThanOrEqual(2);
    const embedded = estate.subnets.map((subnet) => subnet.raw).filter(isReadBack);
    expect(embedded.length).toBeGreaterThan(20);
    expect(hiddenClasses(embedded)).toBeLessThanOrEqual(2);
  });
});
