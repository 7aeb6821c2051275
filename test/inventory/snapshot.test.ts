import { chmod, mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHAPE_PROBLEM, SnapshotError, loadSnapshotFile, locateJsonError, parseSnapshot } from '../../src/inventory/snapshot';

const vnetRow = {
  id: '/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/rg-ml/providers/Microsoft.Network/virtualNetworks/vnet-ml',
  name: 'vnet-ml',
  type: 'microsoft.network/virtualnetworks',
  location: 'eastus',
  properties: { addressSpace: { addressPrefixes: ['10.0.0.0/16'] } },
};
const storageRow = {
  id: '/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/rg-ml/providers/Microsoft.Storage/storageAccounts/stml',
  name: 'stml',
  type: 'microsoft.storage/storageaccounts',
  location: 'eastus',
};
const tag = {
  name: 'BatchNodeManagement.EastUS',
  id: 'BatchNodeManagement.EastUS',
  properties: { region: 'eastus', systemService: 'BatchNodeManagement', addressPrefixes: ['192.0.2.0/27'] },
};

function snapshotError(run: () => unknown): SnapshotError {
  try {
    run();
  } catch (error) {
    if (error instanceof SnapshotError) return error;
    throw error;
  }
  throw new Error('expected a SnapshotError');
}

async function loadError(path: string): Promise<SnapshotError> {
  try {
    await loadSnapshotFile(path);
  } catch (error) {
    if (error instanceof SnapshotError) return error;
    throw error;
  }
  throw new Error('expected a SnapshotError');
}

const ONE_ROW = { id: '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st1', type: 'microsoft.storage/storageaccounts' };

describe('parseSnapshot: the three shapes of docs/interfaces.md', () => {
  it('reads shape 1 with capturedAt, resources and serviceTags', () => {
    const inventory = parseSnapshot(JSON.stringify({ capturedAt: '2026-11-24T10:00:00Z', resources: [vnetRow, storageRow], serviceTags: [tag] }), 'a.json');
    expect(inventory.capturedAt).toBe('2026-11-24T10:00:00Z');
    expect(inventory.resources.map((row) => row.id)).toEqual([vnetRow.id, storageRow.id]);
    expect(inventory.serviceTags).toEqual([tag]);
    expect(inventory.warnings).toEqual([]);
    expect(inventory.gaps).toEqual([]);
  });

  it('reads shape 2, a bare array, with no service-tag data', () => {
    const inventory = parseSnapshot(JSON.stringify([vnetRow, storageRow]), 'b.json');
    expect(inventory.resources).toHaveLength(2);
    expect(inventory.serviceTags).toBeUndefined();
    expect(inventory.capturedAt).toBeUndefined();
  });

  it('reads shape 3, a Resource Graph response as az graph query prints it', () => {
    const response = { count: 2, data: [vnetRow, storageRow], skip_token: null, total_records: 2 };
    const inventory = parseSnapshot(JSON.stringify(response), 'c.json');
    expect(inventory.resources.map((row) => row.name)).toEqual(['vnet-ml', 'stml']);
    expect(inventory.gaps).toEqual([]);
  });

  it('reads a Resource Graph data object keyed "0", "1", … in order', () => {
    const inventory = parseSnapshot(JSON.stringify({ data: { '1': storageRow, '0': vnetRow } }), 'd.json');
    expect(inventory.resources.map((row) => row.name)).toEqual(['vnet-ml', 'stml']);
  });

  it('reports a paged Resource Graph response as a gap', () => {
    const inventory = parseSnapshot(JSON.stringify({ data: [vnetRow], $skipToken: 'ew0KICAiJGlkIjogIjEiLA0K' }), 'paged.json');
    expect(inventory.gaps).toHaveLength(1);
    expect(inventory.gaps[0]?.scope).toBe('paged.json');
  });

  it('keeps rows as parsed, without copies (100k rows load with one parse)', () => {
    const text = JSON.stringify({ resources: [vnetRow] });
    const inventory = parseSnapshot(text, 'x.json');
    expect(inventory.resources[0]).toEqual(vnetRow);
  });

  it('accepts a byte-order mark and the service-tags download wrapper { values: [...] }', () => {
    const inventory = parseSnapshot('\uFEFF' + JSON.stringify({ resources: [vnetRow], serviceTags: { changeNumber: 1, cloud: 'Public', values: [tag] } }), 'bom.json');
    expect(inventory.resources).toHaveLength(1);
    expect(inventory.serviceTags?.map((entry) => entry.name)).toEqual(['BatchNodeManagement.EastUS']);
  });
});

describe('parseSnapshot: rows and tags are validated once, at the edge', () => {
  it('skips rows that are not objects or lack a string id, with ONE warning naming count and positions', () => {
    const rows = [null, vnetRow, 42, 'text', [], { name: 'no-id' }, { id: 17 }, { id: '' }, storageRow];
    const inventory = parseSnapshot(JSON.stringify(rows), 'rows.json');
    expect(inventory.resources.map((row) => row.id)).toEqual([vnetRow.id, storageRow.id]);
    expect(inventory.warnings).toHaveLength(1);
    const warning = inventory.warnings[0] ?? '';
    expect(warning).toContain('rows.json');
    expect(warning).toContain('skipped 7 of 9 rows');
    expect(warning).toContain('positions 0, 2, 3, 4, 5, …');
  });

  it('skips bad service tags with one warning and keeps string prefixes only', () => {
    const tags = [tag, null, { name: 'NoProps' }, { properties: { addressPrefixes: [] } }, { name: 'Mixed', properties: { addressPrefixes: ['198.51.100.0/24', 7, null] } }];
    const inventory = parseSnapshot(JSON.stringify({ resources: [ONE_ROW], serviceTags: tags }), 'tags.json');
    expect(inventory.serviceTags?.map((entry) => entry.name)).toEqual(['BatchNodeManagement.EastUS', 'Mixed']);
    expect(inventory.serviceTags?.[1]?.properties.addressPrefixes).toEqual(['198.51.100.0/24']);
    expect(inventory.warnings).toHaveLength(1);
    expect(inventory.warnings[0]).toContain('skipped 3 of 5 service tags');
  });

  it('ignores serviceTags that are not a list, with a warning', () => {
    const inventory = parseSnapshot(JSON.stringify({ resources: [ONE_ROW], serviceTags: 'all of them' }), 'tags.json');
    expect(inventory.serviceTags).toBeUndefined();
    expect(inventory.warnings[0]).toContain("'serviceTags' is not an array");
  });

  it('ignores a capturedAt that is not a date, with a warning', () => {
    const inventory = parseSnapshot(JSON.stringify({ capturedAt: { $gt: 1 }, resources: [ONE_ROW] }), 'when.json');
    expect(inventory.capturedAt).toBeUndefined();
    expect(inventory.warnings).toHaveLength(1);
  });

  it('survives hostile rows: nulls, wrong types, huge names, deep nesting, __proto__ keys', () => {
    // Built as text: JSON.stringify itself recurses and would overflow on this depth.
    const deep = '{"nested":['.repeat(50_000) + '"bottom"' + ']}'.repeat(50_000);
    const first = { id: vnetRow.id, name: 'x'.repeat(10_000), type: 12, location: null, properties: 'not an object', tags: [1, 2] };
    const text = `[${JSON.stringify(first).replace('"type":12', '"type":12,"__proto__":{"polluted":true}')}, {"id": "${storageRow.id}", "properties": ${deep}}]`;
    const inventory = parseSnapshot(text, 'hostile.json');
    expect(inventory.resources).toHaveLength(2);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(inventory.resources[0], '__proto__')).toBe(true);
  });

  it('survives a million levels of nesting', () => {
    const text = `{"resources": [${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}, ${JSON.stringify(ONE_ROW)}]}`;
    const inventory = parseSnapshot(text, 'deep.json');
    expect(inventory.resources).toEqual([ONE_ROW]);
    expect(inventory.warnings).toHaveLength(1);
  });

  it.each([
    ['no rows', '{"resources": []}', /holds no resources, so there is nothing to audit/],
    ['an empty array', '[]', /holds no resources/],
    ['no usable row', '[null, 7, {"name": "no id"}]', /holds no usable resource: none of its 3 rows is an object with a string 'id'/],
  ])('refuses a snapshot with %s: an audit of nothing would pass', (_, text, message) => {
    expect(() => parseSnapshot(text, 'empty.json')).toThrow(message);
  });
});

describe('parseSnapshot: errors are one line naming the file and the problem', () => {
  it('rejects an empty file', () => {
    expect(snapshotError(() => parseSnapshot('  \n', 'empty.json')).message).toBe('snapshot empty.json: is empty');
  });

  it.each([
    ['{"resources": [}', 1, 16, "unexpected character '}'"],
    ['{\n  "resources": [\n    {"id": "a",}\n  ]\n}', 3, 16, "unexpected character '}'"],
    ['{\n  "resources": [\n    {"id": "a"}\n', 4, 1, 'unexpected end of input'],
    ['[1, 2] x', 1, 8, "unexpected 'x' after the end"],
    ['{"a": "tab\there"}', 1, 11, 'control character U+0009'],
    ['{"a": tru}', 1, 7, 'expected a value'],
    ["{'a': 1}", 1, 2, 'a property name'],
    ['{"a": "unterminated', 1, 20, 'unterminated string'],
    ['[01]', 1, 3, "expected ',' or ']'"],
  ])('reports invalid JSON %j at line %i, column %i', (text, line, column, problem) => {
    const error = snapshotError(() => parseSnapshot(text, 'bad.json'));
    expect(error.message).toContain(`snapshot bad.json: invalid JSON at line ${line}, column ${column}: `);
    expect(error.message).toContain(problem);
    expect(error.message).not.toContain('\n');
  });

  it('agrees with JSON.parse on where the error is when Node names a position', () => {
    const text = '{"a":1';
    let position = -1;
    try {
      JSON.parse(text);
    } catch (error) {
      position = Number(/position (\d+)/.exec((error as Error).message)?.[1]);
    }
    expect(locateJsonError(text)?.offset).toBe(position);
  });

  it('does not echo control characters or escapes of the file in the error', () => {
    const error = snapshotError(() => parseSnapshot('{"a": \u001b[31m}', 'esc.json'));
    expect(error.message).toContain('U+001B');
    expect(error.message).not.toContain('\u001b');
  });

  it.each([
    ['{"value": []}', 'obj.json'],
    ['"just a string"', 'str.json'],
    ['42', 'num.json'],
    ['null', 'null.json'],
  ])('rejects the wrong shape %s', (text, name) => {
    expect(snapshotError(() => parseSnapshot(text, name)).message).toBe(`snapshot ${name}: ${SHAPE_PROBLEM}`);
  });

  it("rejects 'resources' or 'data' that is not an array", () => {
    expect(snapshotError(() => parseSnapshot('{"resources": {"id": "x"}}', 'r.json')).message).toBe(`snapshot r.json: 'resources' is not an array: ${SHAPE_PROBLEM}`);
    expect(snapshotError(() => parseSnapshot('{"data": null}', 'd.json')).message).toBe(`snapshot d.json: 'data' is not an array: ${SHAPE_PROBLEM}`);
  });
});

describe('loadSnapshotFile', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aml-snapshot-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads a file', async () => {
    const path = join(dir, 'ok.json');
    await writeFile(path, JSON.stringify({ resources: [vnetRow] }));
    const inventory = await loadSnapshotFile(path);
    expect(inventory.resources).toHaveLength(1);
  });

  it('names a missing file', async () => {
    const path = join(dir, 'missing.json');
    expect((await loadError(path)).message).toBe(`snapshot ${path}: file not found`);
  });

  it('names a directory', async () => {
    const path = join(dir, 'a-directory');
    await mkdir(path);
    expect((await loadError(path)).message).toBe(`snapshot ${path}: is a directory, not a file`);
  });

  it('names an empty file', async () => {
    const path = join(dir, 'empty.json');
    await writeFile(path, '');
    expect((await loadError(path)).message).toBe(`snapshot ${path}: is empty`);
  });

  it('names invalid JSON with line and column', async () => {
    const path = join(dir, 'broken.json');
    await writeFile(path, '{\n  "resources": [\n    { "id": "x" ]\n}\n');
    expect((await loadError(path)).message).toBe(`snapshot ${path}: invalid JSON at line 3, column 17: unexpected character ']', expected ',' or '}'`);
  });

  it.skipIf(process.getuid?.() === 0)('names an unreadable file', async () => {
    const path = join(dir, 'secret.json');
    await writeFile(path, '[]');
    await chmod(path, 0o000);
    expect((await loadError(path)).message).toBe(`snapshot ${path}: cannot be read (permission denied)`);
  });
});
