import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JsonRowSplitter, JsonRowsError, LineCounter } from '../../src/inventory/json-rows';
import { loadSnapshotFile, parseSnapshot, READ_TYPES_ONLY, SnapshotError } from '../../src/inventory/snapshot';

/** Splits `text` fed in chunks of `size` bytes; returns the rows (with their array) and the skeleton. */
function split(text: string, size: number): { rows: { value: unknown; array: string; at: number }[]; skeleton: unknown } {
  const rows: { value: unknown; array: string; at: number }[] = [];
  const splitter = new JsonRowSplitter({ row: (value, array, at) => rows.push({ value, array, at }) });
  const bytes = Buffer.from(text, 'utf8');
  for (let offset = 0; offset < bytes.length; offset += size) splitter.write(bytes.subarray(offset, offset + size));
  return { rows, skeleton: splitter.end().skeleton };
}

/** What JSON.parse makes of the document, with every row of a row array replaced by `{}`. */
function expectedSkeleton(text: string): unknown {
  const document = JSON.parse(text) as unknown;
  const blank = (list: unknown[]) => list.map((element) => (typeof element === 'object' && element !== null && !Array.isArray(element) ? {} : element));
  if (Array.isArray(document)) return blank(document);
  const object = { ...(document as Record<string, unknown>) };
  for (const key of ['resources', 'data']) if (Array.isArray(object[key])) object[key] = blank(object[key] as unknown[]);
  return object;
}

const TRICKY = JSON.stringify({
  capturedAt: '2026-11-24T09:30:00.000Z',
  note: 'a string with } ] { [ " \\ and "resources": [ inside',
  nested: { resources: [{ id: 'not a row: nested' }] },
  resources: [
    { id: '/subscriptions/s/a', name: 'braces } ] in "names" \\', properties: { list: [{ a: [1, { b: '}' }] }] } },
    7,
    null,
    { id: '/subscriptions/s/é-ü-日本', tags: { emoji: '😀' } },
    [{ id: 'an array element is no row' }],
    {},
  ],
  serviceTags: [{ name: 'Storage', properties: { addressPrefixes: ['192.0.2.0/24'] } }],
});

describe('JsonRowSplitter', () => {
  it.each([1, 2, 3, 7, 64, 1 << 20])('splits the rows of a tricky document fed %i bytes at a time exactly as JSON.parse reads them', (size) => {
    const { rows, skeleton } = split(TRICKY, size);
    const parsed = JSON.parse(TRICKY) as { resources: unknown[] };
    expect(rows.map((row) => row.value)).toEqual(parsed.resources.filter((element) => typeof element === 'object' && element !== null && !Array.isArray(element)));
    expect(rows.every((row) => row.array === 'resources')).toBe(true);
    expect(skeleton).toEqual(expectedSkeleton(TRICKY));
    // Each row's offset is where its text starts.
    const bytes = Buffer.from(TRICKY, 'utf8');
    for (const row of rows) expect(JSON.parse(bytes.subarray(row.at).toString('utf8', 0, Buffer.byteLength(JSON.stringify(row.value))))).toEqual(row.value);
  });

  it('splits a bare array, a Resource Graph response, a key written with escapes, and skips a byte-order mark', () => {
    expect(split('[{"id":"a"},{"id":"b"}]', 3).rows.map((row) => [row.value, row.array])).toEqual([[{ id: 'a' }, ''], [{ id: 'b' }, '']]);
    expect(split('{"count":1,"data":[{"id":"a"}],"$skipToken":"x"}', 5).rows.map((row) => row.array)).toEqual(['data']);
    expect(split('{"\\u0072esources":[{"id":"a"}]}', 2).rows.map((row) => row.value)).toEqual([{ id: 'a' }]);
    expect(split('\ufeff{"resources":[{"id":"a"}]}', 1).rows).toHaveLength(1);
  });

  it.each([
    ['a row that is not JSON', '{"resources":[{"id":"a",}]}'],
    ['a missing comma between rows', '{"resources":[{"id":"a"} {"id":"b"}]}'],
    ['trailing garbage', '{"resources":[{"id":"a"}]} x'],
    ['two documents', '{"resources":[]}{"resources":[]}'],
    ['an unterminated row', '{"resources":[{"id":"a"'],
    ['an unterminated string', '{"resources":[], "capturedAt": "2026'],
    ['a closing bracket too many', '{"resources":[]}]'],
    ['a mismatched bracket', '{"resources":[{"id":"a"]]}'],
  ])('rejects %s, as JSON.parse does', (_, text) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(() => split(text, 4)).toThrow(JsonRowsError);
  });
});

describe('LineCounter', () => {
  it('gives the 1-based line and column of a byte offset across chunks', () => {
    const counter = new LineCounter(Buffer.byteLength('ab\ncd\nef'));
    for (const piece of ['ab\nc', 'd\ne', 'f\ng']) counter.write(Buffer.from(piece));
    expect(counter.position()).toEqual({ line: 3, column: 3 });
  });
});

describe('loadSnapshotFile (streamed)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'json-rows-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const rows = [
    { id: '/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/v', type: 'microsoft.network/virtualnetworks', properties: {} },
    { id: '/subscriptions/s/resourceGroups/g/providers/Microsoft.Web/sites/app', type: 'microsoft.web/sites', properties: {} },
    42,
  ];

  it('gives the same inventory as parsing the text, and with READ_TYPES_ONLY counts the rows no rule reads instead of keeping them', async () => {
    const text = JSON.stringify({ capturedAt: '2026-11-24T09:30:00.000Z', resources: rows });
    const path = write('mixed.json', text);
    const streamed = await loadSnapshotFile(path);
    expect(streamed).toEqual(parseSnapshot(text, path));
    expect(streamed.resources).toHaveLength(2);
    expect(streamed.warnings).toEqual([`snapshot ${path}: skipped 1 of 3 rows that is not an object with a string 'id' (position 2)`]);
    const audited = await loadSnapshotFile(path, READ_TYPES_ONLY);
    expect(audited.resources.map((row) => row.type)).toEqual(['microsoft.network/virtualnetworks']);
    expect(audited.omittedRows).toBe(1);
  });

  it('reports the bytes read after each chunk, up to the whole file', async () => {
    const padding = 'x'.repeat(2 ** 20);
    const text = JSON.stringify({ resources: Array.from({ length: 10 }, (_, index) => ({ ...(rows[0] as object), id: `/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/v${index}`, tags: { padding } })) });
    const path = write('progress.json', text);
    const seen: [number, number][] = [];
    await loadSnapshotFile(path, { onProgress: (bytesRead, totalBytes) => seen.push([bytesRead, totalBytes]) });
    const size = Buffer.byteLength(text);
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.every(([, total]) => total === size)).toBe(true);
    expect(seen.map(([read]) => read)).toEqual([...seen.map(([read]) => read)].sort((a, b) => a - b));
    expect(seen.at(-1)?.[0]).toBe(size);
  });

  it('places invalid JSON at its line and column, by re-reading the text or, past the string limit, by counting lines', async () => {
    const text = `{\n  "resources": [\n    {"id": "a"},\n    {"id": "b",, "x": 1}\n  ]\n}\n`;
    const path = write('broken.json', text);
    const exact = await loadSnapshotFile(path).catch((error: unknown) => error);
    expect(exact).toBeInstanceOf(SnapshotError);
    expect((exact as Error).message).toBe(`snapshot ${path}: invalid JSON at line 4, column 16: unexpected character ',', expected a property name in double quotes`);
    const streamed = await loadSnapshotFile(path, { exactErrorsUpToBytes: 0 }).catch((error: unknown) => error);
    expect((streamed as Error).message).toBe(`snapshot ${path}: invalid JSON at line 4, column 16: unexpected character ',', expected a property name in double quotes`);
    const outside = write('outside.json', `{\n  "resources": [{"id": "a"}],\n  "capturedAt" "2026"\n}`);
    const placed = await loadSnapshotFile(outside, { exactErrorsUpToBytes: 0 }).catch((error: unknown) => error);
    expect((placed as Error).message).toMatch(new RegExp(`^snapshot ${outside.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: invalid JSON at line 3, column 16: unexpected character '"', expected ':'`));
  });
});
