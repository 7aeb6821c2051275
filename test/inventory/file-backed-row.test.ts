import { statSync } from 'node:fs';
import { readFile, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { queryObjects } from 'node:v8';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeGeneratedSnapshot } from '../../bench/generate';
import { auditEstate } from '../../src/engine/audit';
import { buildEstate } from '../../src/estate';
import { embeddedRow, fileBackedRow, isReadBack } from '../../src/inventory/file-backed-row';
import { JsonRowSplitter } from '../../src/inventory/json-rows';
import { FOR_ONE_AUDIT, loadSnapshotFile, READ_TYPES_ONLY, SnapshotError } from '../../src/inventory/snapshot';
import type { ResourceRow } from '../../src/inventory/types';
import { subnetIdOf, vnet } from '../support/arm';

/**
 * FOR_ONE_AUDIT leaves large network security groups in the snapshot file until a rule reads
 * them (src/inventory/file-backed-row.ts): the audit must not be able to tell.
 */
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aml-file-backed-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const isBacked = (row: ResourceRow): boolean => Object.getOwnPropertyDescriptor(row, 'properties')?.get !== undefined;
const NSG = 'microsoft.network/networksecuritygroups';
const VNET = 'microsoft.network/virtualnetworks';

describe('rows left in the snapshot file', () => {
  it('judge a generated estate exactly as rows held whole, while only large groups and VNets stay in the file', async () => {
    const path = join(dir, 'estate.json');
    await writeGeneratedSnapshot(path, { resources: 3000, seed: 20261201 });
    const whole = await loadSnapshotFile(path, READ_TYPES_ONLY);
    const backed = await loadSnapshotFile(path, FOR_ONE_AUDIT);
    const backedRows = backed.resources.filter(isBacked);
    const backedTypes = new Set(backedRows.map((row) => String(row.type).toLowerCase()));
    expect(backedRows.length).toBeGreaterThan(100);
    expect([...backedTypes].sort()).toEqual([NSG, VNET]);
    // Read back, a row is the row: same keys in the same order, same values.
    expect(JSON.stringify(backed.resources)).toBe(JSON.stringify(whole.resources));
    const built = buildEstate(whole);
    const estate = buildEstate(backed);
    const expected = auditEstate(built);
    const actual = auditEstate(estate);
    expect(actual.evaluations.length).toBeGreaterThan(1000);
    expect(actual.evaluations).toEqual(expected.evaluations);
    expect(actual.ruleErrors).toEqual([]);
    // The subnets of a VNet left in the file find their rows' properties in the VNet's (remediation plans read them).
    const embedded = estate.subnets.filter((subnet) => isBacked(subnet.raw));
    expect(embedded.length).toBeGreaterThan(50);
    for (const subnet of embedded) expect(JSON.stringify(subnet.raw)).toBe(JSON.stringify(built.subnet(subnet.id)?.raw));
  });

  it('read back exactly when their text arrived over several reads of the file', async () => {
    const path = join(dir, 'spanning.json');
    await writeGeneratedSnapshot(path, { resources: 400, seed: 11 });
    const whole = await loadSnapshotFile(path, READ_TYPES_ONLY);
    // 1 KiB at a time: every row left in the file (4 KiB or more) spans chunks, so its checksum is taken over joined pieces.
    const backed = await loadSnapshotFile(path, { ...FOR_ONE_AUDIT, chunkBytes: 1024 });
    expect(backed.resources.filter(isBacked).length).toBeGreaterThan(10);
    expect(JSON.stringify(backed.resources)).toBe(JSON.stringify(whole.resources));
  });

  it('never read a subnet from a VNet whose file changed: a clear error', async () => {
    const path = join(dir, 'vnet.json');
    const subnets = Array.from({ length: 40 }, (_, index) => ({ name: `snet-${index}`, addressPrefix: `10.0.${index}.0/24` }));
    const row = vnet({ name: 'vnet-large', addressPrefixes: ['10.0.0.0/16'], subnets });
    await writeFile(path, JSON.stringify([row]));
    const subnet = buildEstate(await loadSnapshotFile(path, FOR_ONE_AUDIT)).subnet(subnetIdOf(row, 'snet-7'));
    expect(subnet !== undefined && isBacked(subnet.raw)).toBe(true);
    expect(subnet?.raw.properties).toMatchObject({ addressPrefix: '10.0.7.0/24' });
    await writeFile(path, JSON.stringify([{ ...row, name: 'renamed-meanwhile' }]));
    expect(() => subnet?.raw.properties).toThrow(SnapshotError);
  });

  it('are placed by bytes, past a byte-order mark and characters of several bytes; a small group stays whole', async () => {
    const rules = Array.from({ length: 40 }, (_, index) => ({ name: `règle-${index}-ü€`, properties: { priority: 100 + index, direction: 'Inbound', access: 'Deny', protocol: 'Tcp', sourceAddressPrefix: '*', sourcePortRange: '*', destinationAddressPrefix: '*', destinationPortRange: String(1000 + index) } }));
    const nsg = { id: '/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg-é', name: 'nsg-é', type: 'Microsoft.Network/networkSecurityGroups', properties: { securityRules: rules } };
    const small = { ...nsg, id: `${nsg.id}-small`, properties: { securityRules: rules.slice(0, 1) } };
    const path = join(dir, 'bom.json');
    await writeFile(path, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ resources: [{ id: '/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/stü', type: 'microsoft.storage/storageaccounts', properties: {} }, nsg, small] }, null, 2))]));
    const [, row, smallRow] = (await loadSnapshotFile(path, FOR_ONE_AUDIT)).resources;
    expect(smallRow !== undefined && isBacked(smallRow)).toBe(false);
    expect(smallRow).toEqual(small);
    expect(row !== undefined && isBacked(row)).toBe(true);
    expect(row?.properties).toEqual(nsg.properties);
    expect({ ...row }).toEqual(nsg);
  });

  it('are never read from a file that changed since: a clear error, never another row', async () => {
    const path = join(dir, 'changing.json');
    await writeGeneratedSnapshot(path, { resources: 500, seed: 7 });
    const inventory = await loadSnapshotFile(path, FOR_ONE_AUDIT);
    const row = inventory.resources.find(isBacked);
    expect(row).toBeDefined();
    const text = await readFile(path, 'utf8');
    // Same size, other content at the row's place.
    await writeFile(path, text.replace(/"Allow"/, '"Deny" '));
    expect(() => row?.properties).toThrow(SnapshotError);
    expect(() => row?.properties).toThrow(/changed while it was being audited; run the audit again/);
    expect(() => buildEstate(inventory)).toThrow(SnapshotError);

    // A place that holds another row (the file's size and time as given) is refused too.
    await writeFile(path, text);
    const info = statSync(path);
    const first = text.indexOf('{', text.indexOf('['));
    const byteLength = text.indexOf('},{"id"', first) + 1 - first;
    const checksum = crc32(Buffer.from(text).subarray(first, first + byteLength));
    const other = fileBackedRow({ id: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/not-this', properties: {} }, { path, byteOffset: first, byteLength, fileSize: info.size, fileMtimeMs: info.mtimeMs, checksum }, () => new Error('refused'));
    expect(() => other.properties).toThrow('refused');

    await rm(path);
    expect(() => row?.properties).toThrow(SnapshotError);
  });

  it('are refused when the file was rewritten with the same size and modification time, and the same ID at their place', async () => {
    const path = join(dir, 'same-time.json');
    await writeGeneratedSnapshot(path, { resources: 500, seed: 10 });
    // A file system that keeps whole seconds (or a copy that keeps times) cannot tell the two files apart by time.
    const time = new Date('2026-11-30T12:00:00Z');
    await utimes(path, time, time);
    const inventory = await loadSnapshotFile(path, FOR_ONE_AUDIT);
    const row = inventory.resources.find((candidate) => isBacked(candidate) && String(candidate.type).toLowerCase() === NSG);
    const text = await readFile(path, 'utf8');
    const start = text.indexOf(`{"id":${JSON.stringify(row?.id)}`);
    const allow = text.indexOf('"Allow"', start);
    expect(start).toBeGreaterThan(0);
    expect(allow).toBeGreaterThan(start);
    // Inside the row: a rule that allowed now denies; same length, same ID.
    await writeFile(path, `${text.slice(0, allow)}"Deny" ${text.slice(allow + '"Allow"'.length)}`);
    await utimes(path, time, time);
    expect(statSync(path).size).toBe(Buffer.byteLength(text));
    expect(() => row?.properties).toThrow(/changed while it was being audited/);
  });

  it('hold nothing of the reader that placed them: its splitter (the skeleton, a place per row) is collected', async () => {
    const path = join(dir, 'held.json');
    await writeGeneratedSnapshot(path, { resources: 500, seed: 9 });
    const inventory = await loadSnapshotFile(path, FOR_ONE_AUDIT);
    expect(inventory.resources.some(isBacked)).toBe(true);
    // queryObjects collects garbage first, then counts what is still reachable; the rows are.
    expect(queryObjects(JsonRowSplitter)).toBe(0);
    expect(inventory.resources.length).toBeGreaterThan(0);
  });

  it('an assigned value replaces what the file holds', async () => {
    const path = join(dir, 'assigned.json');
    await writeGeneratedSnapshot(path, { resources: 500, seed: 8 });
    const row = (await loadSnapshotFile(path, FOR_ONE_AUDIT)).resources.find(isBacked) as { properties: unknown };
    row.properties = { securityRules: [] };
    expect(row.properties).toEqual({ securityRules: [] });
  });
});

describe('embedded rows', () => {
  const parent: ResourceRow = { id: '/p', properties: { subnets: [{ id: '/p/subnets/a', name: 'a', properties: { addressPrefix: '10.0.0.0/24' } }] } };
  const find = (properties: unknown): unknown => (properties as { subnets: { properties: unknown }[] }).subnets[0]?.properties;

  it('read their properties from their parent each time, and read as the row they stand for', () => {
    const plain: ResourceRow = { id: '/p/subnets/a', name: 'a', properties: { addressPrefix: '10.0.0.0/24' } };
    const embedded = embeddedRow(plain, parent, find);
    expect(isReadBack(embedded)).toBe(true);
    expect(isReadBack(plain)).toBe(false);
    expect(embedded.properties).toEqual(plain.properties);
    expect(Object.keys(embedded)).toEqual(Object.keys(plain));
    expect(JSON.stringify(embedded)).toBe(JSON.stringify(plain));
  });

  it('keep a value assigned to them, and leave a row without properties as it is', () => {
    const embedded = embeddedRow({ id: '/p/subnets/a', properties: {} }, parent, find);
    (embedded as { properties: unknown }).properties = { addressPrefix: '192.168.0.0/24' };
    expect(embedded.properties).toEqual({ addressPrefix: '192.168.0.0/24' });
    const bare: ResourceRow = { id: '/p/subnets/b' };
    expect(embeddedRow(bare, parent, find)).toBe(bare);
  });
});
