import { readFile, stat } from 'node:fs/promises';
import { isObject } from '../core/json';
import type { InventoryGap } from '../core/types';
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

export const SHAPE_PROBLEM = "expected an object with 'resources', an array of rows, or a Resource Graph response with 'data'";

/** How many skipped positions a warning lists before "…". */
const POSITIONS_SHOWN = 5;

export async function loadSnapshotFile(path: string): Promise<Inventory> {
  let size: number;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new SnapshotError(path, 'is a directory, not a file');
    if (!info.isFile()) throw new SnapshotError(path, 'is not a regular file');
    size = info.size;
  } catch (error) {
    if (error instanceof SnapshotError) throw error;
    throw new SnapshotError(path, describeFsError(error));
  }
  // V8 strings stop at ~512 MiB; say so instead of failing deep inside readFile.
  if (size > 0x1fff_ffe8) throw new SnapshotError(path, `is too large to load (${Math.round(size / 2 ** 20)} MiB; split it by subscription)`);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new SnapshotError(path, describeFsError(error));
  }
  return parseSnapshot(text, path);
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
export function parseSnapshot(text: string, sourceName: string): Inventory {
  // az CLI on Windows and some editors write a byte-order mark; JSON.parse rejects it.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') throw new SnapshotError(sourceName, 'is empty');
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch (error) {
    throw new SnapshotError(sourceName, describeParseError(body, error));
  }

  const warnings: string[] = [];
  const gaps: InventoryGap[] = [];
  let rowsValue: unknown;
  let capturedAt: string | undefined;
  let serviceTagsValue: unknown;
  let rowsField: string;

  if (Array.isArray(document)) {
    rowsValue = document;
    rowsField = 'the top-level array';
  } else if (isObject(document) && 'resources' in document) {
    rowsValue = document['resources'];
    rowsField = "'resources'";
    capturedAt = readCapturedAt(document['capturedAt'], sourceName, warnings);
    serviceTagsValue = document['serviceTags'];
    // A snapshot captured from an incomplete live read says so (src/live); auditing it must not look complete.
    gaps.push(...recordedGaps(document['gaps'], document['incomplete'], sourceName));
  } else if (isObject(document) && 'data' in document) {
    rowsValue = resourceGraphRows(document['data']);
    rowsField = "'data'";
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

  const resources = validRows(rowsValue, sourceName, warnings);
  if (resources.length === 0) {
    // An audit of nothing would pass: say so instead (an empty capture is usually a sign-in or access problem).
    throw new SnapshotError(
      sourceName,
      rowsValue.length === 0
        ? `holds no resources, so there is nothing to audit (a capture of subscriptions the identity cannot read comes back empty)`
        : `holds no usable resource: none of its ${rowsValue.length} row${rowsValue.length === 1 ? ' is an object' : 's is an object'} with a string 'id'`,
    );
  }
  const serviceTags = serviceTagsValue === undefined || serviceTagsValue === null ? undefined : validServiceTags(serviceTagsValue, sourceName, warnings);
  return { ...(capturedAt !== undefined ? { capturedAt } : {}), resources, ...(serviceTags !== undefined ? { serviceTags } : {}), warnings, gaps };
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

function validRows(rows: readonly unknown[], sourceName: string, warnings: string[]): ResourceRow[] {
  const valid: ResourceRow[] = [];
  const skipped: number[] = [];
  let skippedCount = 0;
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index];
    if (isObject(row) && typeof row['id'] === 'string' && row['id'].trim() !== '') {
      valid.push(row as ResourceRow);
    } else {
      skippedCount++;
      if (skipped.length < POSITIONS_SHOWN) skipped.push(index);
    }
  }
  if (skippedCount > 0) {
    const positions = skipped.join(', ') + (skippedCount > skipped.length ? ', …' : '');
    warnings.push(
      `snapshot ${sourceName}: skipped ${skippedCount} of ${rows.length} row${rows.length === 1 ? '' : 's'} that ${skippedCount === 1 ? 'is not an object' : 'are not objects'} with a string 'id' (position${skippedCount === 1 ? '' : 's'} ${positions})`,
    );
  }
  return valid;
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

/**
 * Where a JSON text first goes wrong. Node 20's JSON.parse names a position for some errors
 * ("… in JSON at position 6") but not for others ("Unexpected token '}', "…" is not valid
 * JSON"), and its message quotes the offending text, which in a snapshot is attacker-controlled.
 * This scanner runs only after JSON.parse has failed, and gives a position and a description
 * of our own. It is iterative (no recursion), so deeply nested input cannot overflow the stack.
 */
export interface JsonErrorLocation {
  /** 0-based offset in the text (UTF-16 code units). */
  readonly offset: number;
  /** 1-based line and column of the offset. */
  readonly line: number;
  readonly column: number;
  /** What is wrong there, in a few words, without quoting more than one character. */
  readonly problem: string;
}

type State = 'value' | 'value-or-end' | 'key' | 'key-or-end' | 'colon' | 'comma-or-end' | 'done';

export function locateJsonError(text: string): JsonErrorLocation | undefined {
  const found = scan(text);
  if (found === undefined) return undefined;
  return { ...lineAndColumn(text, found.offset), offset: found.offset, problem: found.problem };
}

/** 1-based line and column of an offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let index = text.indexOf('\n'); index !== -1 && index < end; index = text.indexOf('\n', index + 1)) {
    line++;
    lineStart = index + 1;
  }
  return { line, column: end - lineStart + 1 };
}

function describeChar(char: string | undefined): string {
  if (char === undefined) return 'end of input';
  const code = char.charCodeAt(0);
  // Printable ASCII is shown as is; anything else by code point, so no control character or
  // terminal escape from the file reaches the error line.
  if (code >= 0x21 && code <= 0x7e) return `'${char}'`;
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

function scan(text: string): { offset: number; problem: string } | undefined {
  const stack: Array<'{' | '['> = [];
  let state: State = 'value';
  let i = 0;
  const length = text.length;
  const unexpected = (at: number, expected: string) => ({
    offset: at,
    problem: at >= length ? `unexpected end of input, expected ${expected}` : `unexpected character ${describeChar(text[at])}, expected ${expected}`,
  });

  const afterValue = (): State => (stack.length === 0 ? 'done' : 'comma-or-end');

  while (true) {
    // Skip JSON whitespace.
    while (i < length) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
    if (i >= length) {
      return state === 'done' ? undefined : unexpected(i, expectedFor(state, stack));
    }
    const char = text[i] as string;
    switch (state) {
      case 'done':
        return { offset: i, problem: `unexpected ${describeChar(char)} after the end of the document` };
      case 'colon':
        if (char !== ':') return unexpected(i, "':'");
        i++;
        state = 'value';
        continue;
      case 'comma-or-end': {
        const top = stack[stack.length - 1];
        if (char === ',') {
          i++;
          state = top === '{' ? 'key' : 'value';
          continue;
        }
        if ((top === '{' && char === '}') || (top === '[' && char === ']')) {
          stack.pop();
          i++;
          state = afterValue();
          continue;
        }
        return unexpected(i, top === '{' ? "',' or '}'" : "',' or ']'");
      }
      case 'key':
      case 'key-or-end': {
        if (state === 'key-or-end' && char === '}') {
          stack.pop();
          i++;
          state = afterValue();
          continue;
        }
        if (char !== '"') return unexpected(i, state === 'key' ? 'a property name in double quotes' : "a property name in double quotes or '}'");
        const end = scanString(text, i);
        if (typeof end !== 'number') return end;
        i = end;
        state = 'colon';
        continue;
      }
      case 'value':
      case 'value-or-end': {
        if (state === 'value-or-end' && char === ']') {
          stack.pop();
          i++;
          state = afterValue();
          continue;
        }
        if (char === '{') {
          stack.push('{');
          i++;
          state = 'key-or-end';
          continue;
        }
        if (char === '[') {
          stack.push('[');
          i++;
          state = 'value-or-end';
          continue;
        }
        if (char === '"') {
          const end = scanString(text, i);
          if (typeof end !== 'number') return end;
          i = end;
          state = afterValue();
          continue;
        }
        const literal = ['true', 'false', 'null'].find((word) => text.startsWith(word, i));
        if (literal !== undefined) {
          i += literal.length;
          state = afterValue();
          continue;
        }
        const number = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
        if (number !== null && number[0] !== '-') {
          i += number[0].length;
          state = afterValue();
          continue;
        }
        return unexpected(i, 'a value');
      }
    }
  }
}

function expectedFor(state: State, stack: ReadonlyArray<'{' | '['>): string {
  switch (state) {
    case 'colon':
      return "':'";
    case 'key':
      return 'a property name';
    case 'key-or-end':
      return "a property name or '}'";
    case 'comma-or-end':
      return stack[stack.length - 1] === '{' ? "',' or '}'" : "',' or ']'";
    default:
      return 'a value';
  }
}

/** Offset just past the closing quote, or the error inside the string. */
function scanString(text: string, start: number): number | { offset: number; problem: string } {
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c < 0x20) return { offset: i, problem: `control character ${describeChar(text[i])} inside a string` };
    if (c === 0x5c) {
      const next = text[i + 1];
      if (next === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return { offset: i, problem: 'bad \\u escape inside a string' };
        i += 6;
        continue;
      }
      if (next === undefined || !'"\\/bfnrt'.includes(next)) return { offset: i, problem: 'bad escape inside a string' };
      i += 2;
      continue;
    }
    i++;
  }
  return { offset: text.length, problem: 'unterminated string' };
}

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
