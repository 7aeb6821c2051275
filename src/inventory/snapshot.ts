import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { isObject } from '../core/json';
import type { InventoryGap } from '../core/types';
import { JsonRowError, JsonRowSplitter, JsonRowsError, LineCounter } from './json-rows';
import type { RowArrayKey, RowSink } from './json-rows';
import { locateJsonError, lineAndColumn } from './json-errors';
import { fileBackedRow } from './file-backed-row';
import type { RowPlace } from './file-backed-row';
import { LEFT_IN_FILE_WHEN_LARGE, READ_TYPES } from './resource-types';
import type { Inventory, ResourceRow, ServiceTagEntry } from './types';

/**
 * The snapshot file: the offline inventory (docs/interfaces.md, "Snapshot file"). Three shapes are
 * accepted: `{ capturedAt, resources, serviceTags }`, a bare array of rows, and a Resource
 * Graph response `{ data: [...] }`. The file is validated here, once, at the edge: every row
 * that leaves this module is an object with a string `id`; everything else about it stays
 * untrusted and is read with src/core/json.ts. Rows are kept as JSON.parse made them (no
 * copies): 100k-resource files load with one parse and one pass.
 */

/** A snapshot that cannot be used. `message` is one line naming the file and what is wrong. */
export class SnapshotError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`snapshot ${file}: ${problem}`);
    this.name = 'SnapshotError';
  }
}

export { locateJsonError } from './json-errors';
export type { JsonErrorLocation } from './json-errors';

export const SHAPE_PROBLEM = "expected an object with 'resources', an array of rows, or a Resource Graph response with 'data'";

/** How many skipped positions a warning lists before "…". */
const POSITIONS_SHOWN = 5;

/** What a reader keeps of the rows it reads. */
export interface SnapshotReadOptions {
  /**
   * Rows to keep: the others are counted (Inventory.omittedRows) and dropped the moment they are
   * parsed. Default: every row.
   */
  readonly keepRow?: (row: ResourceRow) => boolean;
  /**
   * A file of invalid JSON up to this size is read again as one string to say exactly where and
   * what is wrong; a larger one is placed by a second streaming pass (default: V8's string limit).
   */
  readonly exactErrorsUpToBytes?: number;
  /**
   * Rows kept of the types LEFT_IN_FILE_WHEN_LARGE names (resource-types.ts), past a few kilobytes,
   * keep only their place in the file until their properties are read (file-backed-row.ts). Only loadSnapshotFile
   * does this, and only for a caller that audits the file once, right away (the CLI): a
   * long-running reader must not depend on the file staying as it was.
   */
  readonly leaveLargeRowsInFile?: boolean;
  /** Called after each chunk loadSnapshotFile reads: the bytes read so far, and the file's size. */
  readonly onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** Bytes loadSnapshotFile reads at a time (default 4 MiB): smaller in tests, so rows span chunks. */
  readonly chunkBytes?: number;
}

/** Keeps the rows of the types the rules read (src/inventory/resource-types.ts): what an audit needs. */
export const READ_TYPES_ONLY: SnapshotReadOptions = {
  keepRow: (row) => typeof row.type === 'string' && READ_TYPES.has(row.type.toLowerCase()),
};

/** What one audit of a file needs: the rows the rules read, the large ones of LEFT_IN_FILE_WHEN_LARGE left in the file. */
export const FOR_ONE_AUDIT: SnapshotReadOptions = { ...READ_TYPES_ONLY, leaveLargeRowsInFile: true };

/** Below this, leaving a row in the file saves too little to pay for reading it back. */
const FILE_BACKED_MIN_BYTES = 4096;

/** V8's longest string: a file of invalid JSON up to this size is read again as one to place the error exactly. */
const MAX_TEXT_BYTES = 0x1fff_ffe8;
const CHUNK_BYTES = 4 * 2 ** 20;

/**
 * Reads a snapshot file as a stream (src/inventory/json-rows.ts): any size, one row in memory at
 * a time beyond those kept.
 */
export async function loadSnapshotFile(path: string, options: SnapshotReadOptions = {}): Promise<Inventory> {
  let size: number;
  let mtimeMs: number;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new SnapshotError(path, 'is a directory, not a file');
    if (!info.isFile()) throw new SnapshotError(path, 'is not a regular file');
    size = info.size;
    mtimeMs = info.mtimeMs;
  } catch (error) {
    if (error instanceof SnapshotError) throw error;
    throw new SnapshotError(path, describeFsError(error));
  }
  const reader = new SnapshotReader(path, options, options.leaveLargeRowsInFile === true ? { path, fileSize: size, fileMtimeMs: mtimeMs } : undefined);
  try {
    let bytesRead = 0;
    for await (const chunk of createReadStream(path, { highWaterMark: options.chunkBytes ?? CHUNK_BYTES })) {
      reader.write(chunk as Buffer);
      bytesRead += (chunk as Buffer).length;
      options.onProgress?.(bytesRead, size);
    }
    return reader.end();
  } catch (error) {
    if (error instanceof SnapshotError) throw error;
    if (error instanceof JsonRowsError) throw new SnapshotError(path, await describeFileJsonError(path, size <= (options.exactErrorsUpToBytes ?? MAX_TEXT_BYTES), reader, error));
    throw new SnapshotError(path, describeFsError(error));
  }
}

/** Where invalid JSON is in a file: exactly as for a text when the file fits in a string, else by a second pass counting lines. */
async function describeFileJsonError(path: string, asText: boolean, reader: SnapshotReader, error: JsonRowsError): Promise<string> {
  if (asText) {
    try {
      const text = await readFile(path, 'utf8');
      return describeParseError(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, error);
    } catch {
      // Fall through to the streaming count.
    }
  }
  const placed = reader.locate(error);
  const counter = new LineCounter(placed.byteOffset);
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES })) if (!counter.write(chunk as Buffer)) break;
  const { line, column } = counter.position();
  return `invalid JSON at line ${line}, column ${column}${placed.problem !== undefined ? `: ${placed.problem}` : ''}`;
}

function describeFsError(error: unknown): string {
  const code = isObject(error) && typeof error['code'] === 'string' ? error['code'] : undefined;
  switch (code) {
    case 'ENOENT':
      return 'file not found';
    case 'EACCES':
    case 'EPERM':
      return 'cannot be read (permission denied)';
    case 'EISDIR':
      return 'is a directory, not a file';
    case 'ENOTDIR':
      return 'file not found (a part of the path is not a directory)';
    case 'ERR_STRING_TOO_LONG':
      return 'is too large to load (split it by subscription)';
    default:
      return `cannot be read (${code ?? (error instanceof Error ? error.message : String(error))})`;
  }
}

/** Parses and validates a snapshot's text. `sourceName` names the file in errors and warnings. */
export function parseSnapshot(text: string, sourceName: string, options: SnapshotReadOptions = {}): Inventory {
  // az CLI on Windows and some editors write a byte-order mark; JSON.parse rejects it.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const reader = new SnapshotReader(sourceName, options);
  try {
    reader.write(Buffer.from(body, 'utf8'));
    return reader.end();
  } catch (error) {
    if (error instanceof JsonRowsError) throw new SnapshotError(sourceName, describeParseError(body, error));
    throw error;
  }
}

/**
 * Made apart from the reader: every row left in the file holds this function for the whole audit,
 * and a closure over the reader would keep its splitter (the skeleton, a place per row) alive too.
 */
function fileChangedError(path: string): () => Error {
  return () => new SnapshotError(path, 'changed while it was being audited; run the audit again on a file that is not being written');
}

/** One array of rows as read: the kept rows in order, and what became of each object element. */
interface RowArray {
  readonly kept: ResourceRow[];
  /** Per object element, in order: KEPT, OMITTED (a type not kept) or INVALID (no string id). */
  readonly fates: number[];
}

const KEPT = 0;
const OMITTED = 1;
const INVALID = 2;

/**
 * A snapshot read chunk by chunk. Rows are checked (an object with a string `id`) and filtered as
 * they arrive; the shape (docs/interfaces.md: an object with `resources`, a bare array of rows, a
 * Resource Graph response with `data`) is decided at the end from the skeleton.
 */
class SnapshotReader implements RowSink {
  private readonly splitter = new JsonRowSplitter(this);
  private readonly arrays = new Map<RowArrayKey, RowArray>();
  private sawContent = false;
  /** The one error of every row left in the file, made when a read finds the file changed. */
  private readonly fileChanged: () => Error;

  constructor(
    private readonly sourceName: string,
    private readonly options: SnapshotReadOptions,
    /** The file rows may be left in (leaveLargeRowsInFile). */
    private readonly file?: Omit<RowPlace, 'byteOffset' | 'byteLength' | 'checksum'>,
  ) {
    this.fileChanged = fileChangedError(file?.path ?? sourceName);
  }

  write(chunk: Buffer): void {
    if (!this.sawContent && chunk.some((byte) => byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09 && byte !== 0xef && byte !== 0xbb && byte !== 0xbf)) this.sawContent = true;
    this.splitter.write(chunk);
  }

  /** Rows of a `data` object keyed "0", "1"… come without a place: they are not split from the input. */
  row(value: unknown, array: RowArrayKey, byteOffset?: number, byteLength?: number, checksum?: () => number): void {
    let rows = this.arrays.get(array);
    if (rows === undefined) this.arrays.set(array, (rows = { kept: [], fates: [] }));
    if (!isObject(value) || typeof value['id'] !== 'string' || value['id'].trim() === '') {
      rows.fates.push(INVALID);
      return;
    }
    const row = value as ResourceRow;
    if (this.options.keepRow === undefined || this.options.keepRow(row)) {
      const file = this.file;
      const inFile = file !== undefined && byteOffset !== undefined && byteLength !== undefined && checksum !== undefined && byteLength >= FILE_BACKED_MIN_BYTES && typeof row.type === 'string' && LEFT_IN_FILE_WHEN_LARGE.has(row.type.toLowerCase()) && isObject(row.properties);
      // Rows whose properties are not an object stay whole: the estate checks their shape (src/estate/shape.ts) without reading rows back.
      // A literal, not `{ ...file, … }`: a spread and more properties give each place a hidden class of its own on Node 20.
      rows.kept.push(inFile ? fileBackedRow(row, { path: file.path, fileSize: file.fileSize, fileMtimeMs: file.fileMtimeMs, byteOffset, byteLength, checksum: checksum() }, this.fileChanged) : row);
      rows.fates.push(KEPT);
    } else rows.fates.push(OMITTED);
  }

  /** Where an error of the splitter is in the input, and what, when it can tell. */
  locate(error: JsonRowsError): { byteOffset: number; problem?: string } {
    if (error instanceof JsonRowError) {
      const within = locateJsonError(error.rowText);
      return within !== undefined ? { byteOffset: error.byteOffset + Buffer.byteLength(error.rowText.slice(0, within.offset)), problem: within.problem } : { byteOffset: error.byteOffset };
    }
    if (error.byteOffset >= 0) return { byteOffset: error.byteOffset, problem: error.detail };
    const skeleton = this.splitter.skeletonText();
    const within = locateJsonError(skeleton);
    if (within === undefined) return { byteOffset: 0 };
    return { byteOffset: this.splitter.inputOffsetOf(Buffer.byteLength(skeleton.slice(0, within.offset))), problem: within.problem };
  }

  end(): Inventory {
    const sourceName = this.sourceName;
    if (!this.sawContent) throw new SnapshotError(sourceName, 'is empty');
    const document = this.splitter.end().skeleton;
    const warnings: string[] = [];
    const gaps: InventoryGap[] = [];
    let rowsValue: unknown;
    let capturedAt: string | undefined;
    let serviceTagsValue: unknown;
    let rowsField: string;
    let key: RowArrayKey;

    if (Array.isArray(document)) {
      rowsValue = document;
      rowsField = 'the top-level array';
      key = '';
    } else if (isObject(document) && 'resources' in document) {
      rowsValue = document['resources'];
      rowsField = "'resources'";
      key = 'resources';
      capturedAt = readCapturedAt(document['capturedAt'], sourceName, warnings);
      serviceTagsValue = document['serviceTags'];
      // A snapshot captured from an incomplete live read says so (src/live); auditing it must not look complete.
      gaps.push(...recordedGaps(document['gaps'], document['incomplete'], sourceName));
    } else if (isObject(document) && 'data' in document) {
      rowsValue = resourceGraphRows(document['data']);
      rowsField = "'data'";
      key = Array.isArray(document['data']) ? 'data' : '(keyed)';
      // A paged response saved without following $skipToken holds only its first page.
      const skipToken = document['$skipToken'] ?? document['skip_token'] ?? document['skipToken'];
      if (typeof skipToken === 'string' && skipToken !== '') {
        gaps.push({ scope: sourceName, reason: 'the Resource Graph response is paged (it has a skip token): only its first page is in the snapshot' });
      }
    } else {
      throw new SnapshotError(sourceName, SHAPE_PROBLEM);
    }
    if (!Array.isArray(rowsValue)) {
      throw new SnapshotError(sourceName, `${rowsField} is not an array: ${SHAPE_PROBLEM}`);
    }

    // Rows of a split array arrived one by one (each object element is a `{}` in the skeleton);
    // the Resource Graph `data` written as an object keyed "0", "1"… was not split, so it is read here.
    if (key === '(keyed)') for (const element of rowsValue) if (isObject(element)) this.row(element, key);
    const split = this.arrays.get(key) ?? { kept: [], fates: [] };
    const { resources, omitted, valid } = this.collect(rowsValue, split, warnings);
    if (valid === 0) {
      // An audit of nothing would pass: say so instead (an empty capture is usually a sign-in or access problem).
      throw new SnapshotError(
        sourceName,
        rowsValue.length === 0
          ? `holds no resources, so there is nothing to audit (a capture of subscriptions the identity cannot read comes back empty)`
          : `holds no usable resource: none of its ${rowsValue.length} row${rowsValue.length === 1 ? ' is an object' : 's is an object'} with a string 'id'`,
      );
    }
    const serviceTags = serviceTagsValue === undefined || serviceTagsValue === null ? undefined : validServiceTags(serviceTagsValue, sourceName, warnings);
    return {
      ...(capturedAt !== undefined ? { capturedAt } : {}),
      resources,
      ...(omitted > 0 ? { omittedRows: omitted } : {}),
      ...(serviceTags !== undefined ? { serviceTags } : {}),
      warnings,
      gaps,
    };
  }

  /** The kept rows, and a warning naming the positions of elements that are not objects with a string `id`. */
  private collect(elements: readonly unknown[], split: RowArray, warnings: string[]): { resources: ResourceRow[]; omitted: number; valid: number } {
    const skipped: number[] = [];
    let skippedCount = 0;
    let omitted = 0;
    let objectIndex = 0;
    for (let index = 0; index < elements.length; index++) {
      const fate = isObject(elements[index]) ? (split.fates[objectIndex++] ?? INVALID) : INVALID;
      if (fate === OMITTED) omitted++;
      else if (fate === INVALID) {
        skippedCount++;
        if (skipped.length < POSITIONS_SHOWN) skipped.push(index);
      }
    }
    if (skippedCount > 0) {
      const positions = skipped.join(', ') + (skippedCount > skipped.length ? ', …' : '');
      warnings.push(
        `snapshot ${this.sourceName}: skipped ${skippedCount} of ${elements.length} row${elements.length === 1 ? '' : 's'} that ${skippedCount === 1 ? 'is not an object' : 'are not objects'} with a string 'id' (position${skippedCount === 1 ? '' : 's'} ${positions})`,
      );
    }
    return { resources: split.kept, omitted, valid: elements.length - skippedCount };
  }
}

function describeParseError(text: string, error: unknown): string {
  const location = locateJsonError(text);
  if (location !== undefined) return `invalid JSON at line ${location.line}, column ${location.column}: ${location.problem}`;
  // JSON.parse failed where our scanner did not (e.g. out of memory); fall back to its position if it gave one.
  const message = error instanceof Error ? error.message : String(error);
  const position = /at position (\d+)/.exec(message);
  if (position?.[1] !== undefined) {
    const { line, column } = lineAndColumn(text, Number(position[1]));
    return `invalid JSON at line ${line}, column ${column}`;
  }
  return `invalid JSON (${error instanceof Error ? error.name : 'parse error'})`;
}

function readCapturedAt(value: unknown, sourceName: string, warnings: string[]): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && value.length <= 64 && !Number.isNaN(Date.parse(value))) return value;
  warnings.push(`snapshot ${sourceName}: 'capturedAt' is not a date-time string; ignored`);
  return undefined;
}

/** `data` is an array; @azure/arm-resourcegraph 5.0.0-beta.4 wrote it as an object keyed "0", "1", …. */
function resourceGraphRows(data: unknown): unknown {
  if (Array.isArray(data)) return data;
  if (isObject(data)) {
    const keys = Object.keys(data);
    if (keys.length > 0 && keys.every((key) => /^\d+$/.test(key))) {
      return keys.sort((a, b) => Number(a) - Number(b)).map((key) => data[key]);
    }
  }
  return data;
}

/**
 * Service tags as the Network `serviceTags` API and the public download write them. The
 * download wraps the list in `{ values: [...] }`; both are accepted. Entries are small and few,
 * so each valid one is copied into a clean ServiceTagEntry (no stray fields reach the index).
 */
function validServiceTags(value: unknown, sourceName: string, warnings: string[]): ServiceTagEntry[] | undefined {
  const list = isObject(value) && Array.isArray(value['values']) ? value['values'] : value;
  if (!Array.isArray(list)) {
    warnings.push(`snapshot ${sourceName}: 'serviceTags' is not an array; service-tag data ignored`);
    return undefined;
  }
  const tags: ServiceTagEntry[] = [];
  const skipped: number[] = [];
  let skippedCount = 0;
  for (let index = 0; index < list.length; index++) {
    const tag = serviceTagEntry(list[index]);
    if (tag !== undefined) tags.push(tag);
    else {
      skippedCount++;
      if (skipped.length < POSITIONS_SHOWN) skipped.push(index);
    }
  }
  if (skippedCount > 0) {
    const positions = skipped.join(', ') + (skippedCount > skipped.length ? ', …' : '');
    warnings.push(
      `snapshot ${sourceName}: skipped ${skippedCount} of ${list.length} service tag${list.length === 1 ? '' : 's'} without a 'name' and 'properties.addressPrefixes' (position${skippedCount === 1 ? '' : 's'} ${positions})`,
    );
  }
  return tags;
}

function serviceTagEntry(value: unknown): ServiceTagEntry | undefined {
  if (!isObject(value)) return undefined;
  const name = value['name'];
  const properties = value['properties'];
  if (typeof name !== 'string' || name.trim() === '' || !isObject(properties)) return undefined;
  const prefixes = properties['addressPrefixes'];
  if (!Array.isArray(prefixes)) return undefined;
  const id = value['id'];
  const region = properties['region'];
  const systemService = properties['systemService'];
  return {
    name,
    ...(typeof id === 'string' ? { id } : {}),
    properties: {
      ...(typeof region === 'string' ? { region } : {}),
      ...(typeof systemService === 'string' ? { systemService } : {}),
      addressPrefixes: prefixes.filter((prefix): prefix is string => typeof prefix === 'string'),
    },
  };
}

// ---- Locating a JSON syntax error ----

/** The `gaps` (and `incomplete`) a snapshot carries; malformed entries still mark it incomplete. */
function recordedGaps(value: unknown, incomplete: unknown, sourceName: string): InventoryGap[] {
  const gaps: InventoryGap[] = [];
  if (Array.isArray(value)) {
    for (const entry of value) {
      const scope = isObject(entry) && typeof entry['scope'] === 'string' ? entry['scope'] : sourceName;
      const reason = isObject(entry) && typeof entry['reason'] === 'string' ? entry['reason'] : 'recorded as missing when the snapshot was captured';
      gaps.push({ scope: scope.slice(0, 2000), reason: reason.slice(0, 2000) });
    }
  }
  if (gaps.length === 0 && incomplete === true) {
    gaps.push({ scope: sourceName, reason: 'the snapshot says it is incomplete' });
  }
  return gaps;
}
