import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { isObject } from '../core/json';
import type { ResourceRow } from './types';

/** Where a row's text lies in a snapshot file, and the file as it was when it was read. */
export interface RowPlace {
  readonly path: string;
  readonly byteOffset: number;
  readonly byteLength: number;
  readonly fileSize: number;
  readonly fileMtimeMs: number;
  /**
   * CRC-32 of the row's bytes as read: a file rewritten with the same size within the modification
   * time's granularity (a second or two on some file systems), the same ID at the same place but
   * other content, is still refused.
   */
  readonly checksum: number;
}

/**
 * A row whose `properties` stay in the snapshot file until first read, then are read back from
 * it. Network security groups are two thirds of a tenant's bytes (rules by the hundred), and the
 * estate parses one only when a rule asks about a subnet it guards (src/estate/build.ts): the
 * others cost a few hundred bytes here instead of tens of kilobytes of parsed rules each, which
 * the garbage collector would otherwise trace on every collection. Large VNets are read once,
 * while the estate is built (their subnets' rows are embeddedRow). Each read reads them back (the
 * properties `JSON.parse` of the row gave), so none is held longer than its reader holds it. A
 * file that changed since it was read (size, modification time, the row's bytes at its place) is
 * never trusted: reading the properties throws `changed()`'s error.
 */
export function fileBackedRow(row: ResourceRow, place: RowPlace, changed: () => Error): ResourceRow {
  // Only the ID is kept for the check: the state must not hold the parsed row it replaces.
  return readElsewhere(row, IN_FILE, { id: row.id, place, changed, properties: undefined, assigned: false });
}

/** What a row whose properties are read elsewhere knows of itself, out of sight of `Object.keys`, spreads and JSON. */
interface ElsewhereState {
  /** An assigned value replaces what is read (rows are not written to, but a setter keeps it a plain row to code that does). */
  properties: unknown;
  assigned: boolean;
}

interface FileState extends ElsewhereState {
  readonly id: string;
  readonly place: RowPlace;
  readonly changed: () => Error;
}

interface ParentState extends ElsewhereState {
  readonly parent: ResourceRow;
  readonly find: (parentProperties: unknown) => unknown;
}

/** Where one kind of row reads its properties: the accessor every row of the kind shares, and the key of its state. */
interface Elsewhere {
  readonly state: symbol;
  readonly properties: PropertyDescriptor;
}

/**
 * One getter and setter for every row of a kind, which find their row's state through `this`: an
 * accessor of its own per row (a closure each) would give every row a hidden class of its own too.
 */
function elsewhere<S extends ElsewhereState>(name: string, read: (state: S) => unknown): Elsewhere {
  const state = Symbol(name);
  return {
    state,
    properties: {
      enumerable: true,
      configurable: true,
      get(this: Record<symbol, S>): unknown {
        const own = this[state] as S;
        return own.assigned ? own.properties : read(own);
      },
      set(this: Record<symbol, S>, value: unknown): void {
        const own = this[state] as S;
        own.properties = value;
        own.assigned = true;
      },
    },
  };
}

// Not kept once read: the reader (the estate) keeps what it needs, and the few later readers
// (remediation plans) pay one more read.
const IN_FILE = elsewhere<FileState>('file-backed row', (state) => readBack(state.id, state.place, state.changed));
const IN_PARENT = elsewhere<ParentState>('embedded row', (state) => state.find(state.parent.properties));

/** A copy of `row` whose `properties` are read through `kind`; a row without properties stays as it is. */
function readElsewhere<S extends ElsewhereState>(row: ResourceRow, kind: Elsewhere, state: S): ResourceRow {
  if (row.properties === undefined) return row;
  const copy: Record<string | symbol, unknown> = {};
  // Defined in the row's own key order, so spreading or serialising it gives the same object back.
  for (const key of Object.keys(row)) {
    if (key !== 'properties') copy[key] = row[key];
    else Object.defineProperty(copy, 'properties', kind.properties);
  }
  Object.defineProperty(copy, kind.state, { value: state });
  return copy as unknown as ResourceRow;
}

function readBack(id: string, place: RowPlace, changed: () => Error): unknown {
  let fd: number;
  try {
    fd = openSync(place.path, 'r');
  } catch {
    throw changed();
  }
  try {
    const info = fstatSync(fd);
    if (info.size !== place.fileSize || info.mtimeMs !== place.fileMtimeMs) throw changed();
    const bytes = Buffer.allocUnsafe(place.byteLength);
    if (readSync(fd, bytes, 0, place.byteLength, place.byteOffset) !== place.byteLength || crc32(bytes) !== place.checksum) throw changed();
    let value: unknown;
    try {
      value = JSON.parse(bytes.toString('utf8'));
    } catch {
      throw changed();
    }
    if (!isObject(value) || value.id !== id) throw changed();
    return value.properties;
  } finally {
    closeSync(fd);
  }
}

/**
 * A row embedded in another row's properties (a subnet in its VNet's `subnets`) whose own
 * properties are found in its parent's each time they are read: when the parent is a row left in
 * the file, holding the embedded row whole would hold what leaving the parent there saved.
 * `find` gets the parent's properties and answers the embedded row's.
 */
export function embeddedRow(row: ResourceRow, parent: ResourceRow, find: (parentProperties: unknown) => unknown): ResourceRow {
  return readElsewhere(row, IN_PARENT, { parent, find, properties: undefined, assigned: false });
}

/** Whether a row's properties are read from somewhere else each time (its file, or the row it is embedded in). */
export function isReadBack(row: ResourceRow): boolean {
  return typeof Object.getOwnPropertyDescriptor(row, 'properties')?.get === 'function';
}
