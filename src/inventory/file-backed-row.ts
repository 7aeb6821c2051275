import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { isObject } from '../core/json';
import type { ResourceRow } from './types';

/** Where a row's text lies in a snapshot file, and the file as it was when it was read. */
export interface RowPlace {
  readonly path: string;
  readonly byteOffset: number;
  readonly byteLength: number;
  readonly fileSize: number;
  readonly fileMtimeMs: number;
}

/**
 * A row whose `properties` stay in the snapshot file until first read, then are read back from
 * it. Network security groups are two thirds of a tenant's bytes (rules by the hundred), and the
 * estate parses one only when a rule asks about a subnet it guards (src/estate/build.ts): the
 * others cost a few hundred bytes here instead of tens of kilobytes of parsed rules each, which
 * the garbage collector would otherwise trace on every collection. Each read reads them back (the
 * properties `JSON.parse` of the row gave), so none is held longer than its reader holds it. A
 * file that changed since it was read (size, modification time, or the row's ID at its place) is
 * never trusted: reading the properties throws `changed()`'s error.
 */
export function fileBackedRow(row: ResourceRow, place: RowPlace, changed: () => Error): ResourceRow {
  if (row.properties === undefined) return row;
  const backed: Record<string | symbol, unknown> = {};
  // Defined in the row's own key order, so spreading or serialising it gives the same object back.
  for (const key of Object.keys(row)) {
    if (key !== 'properties') backed[key] = row[key];
    else Object.defineProperty(backed, 'properties', PROPERTIES_IN_FILE);
  }
  // Only the ID is kept for the check: the state must not hold the parsed row it replaces.
  const state: BackedState = { id: row.id, place, changed, properties: undefined, assigned: false };
  Object.defineProperty(backed, STATE, { value: state });
  return backed as unknown as ResourceRow;
}

/** What a backed row knows of itself, out of sight of `Object.keys`, spreads and JSON. */
interface BackedState {
  readonly id: string;
  readonly place: RowPlace;
  readonly changed: () => Error;
  /** An assigned value replaces the file's (rows are not written to, but a setter keeps it a plain row to code that does). */
  properties: unknown;
  assigned: boolean;
}

const STATE = Symbol('file-backed row');

/**
 * One getter and setter for every backed row, which find their row's state through `this`: an
 * accessor of its own per row (a closure each) would give every row a hidden class of its own too.
 */
const PROPERTIES_IN_FILE: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  // Not kept once read: the reader (the estate's NSG parser) keeps what it needs, and the few
  // later readers (remediation plans) pay one more read.
  get(this: { readonly [STATE]: BackedState }): unknown {
    const state = this[STATE];
    return state.assigned ? state.properties : readBack(state.id, state.place, state.changed);
  },
  set(this: { readonly [STATE]: BackedState }, value: unknown): void {
    const state = this[STATE];
    state.properties = value;
    state.assigned = true;
  },
};

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
    if (readSync(fd, bytes, 0, place.byteLength, place.byteOffset) !== place.byteLength) throw changed();
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

/** What an embedded row knows of itself: the row it is embedded in, and how to find its properties there. */
interface EmbeddedState {
  readonly parent: ResourceRow;
  readonly find: (parentProperties: unknown) => unknown;
  properties: unknown;
  assigned: boolean;
}

const EMBEDDED = Symbol('embedded row');

/** As PROPERTIES_IN_FILE: one accessor pair for every embedded row. */
const PROPERTIES_IN_PARENT: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: { readonly [EMBEDDED]: EmbeddedState }): unknown {
    const state = this[EMBEDDED];
    return state.assigned ? state.properties : state.find(state.parent.properties);
  },
  set(this: { readonly [EMBEDDED]: EmbeddedState }, value: unknown): void {
    const state = this[EMBEDDED];
    state.properties = value;
    state.assigned = true;
  },
};

/**
 * A row embedded in another row's properties (a subnet in its VNet's `subnets`) whose own
 * properties are found in its parent's each time they are read: when the parent is a row left in
 * the file, holding the embedded row whole would hold what leaving the parent there saved.
 * `find` gets the parent's properties and answers the embedded row's.
 */
export function embeddedRow(row: ResourceRow, parent: ResourceRow, find: (parentProperties: unknown) => unknown): ResourceRow {
  if (row.properties === undefined) return row;
  const embedded: Record<string | symbol, unknown> = {};
  for (const key of Object.keys(row)) {
    if (key !== 'properties') embedded[key] = row[key];
    else Object.defineProperty(embedded, 'properties', PROPERTIES_IN_PARENT);
  }
  const state: EmbeddedState = { parent, find, properties: undefined, assigned: false };
  Object.defineProperty(embedded, EMBEDDED, { value: state });
  return embedded as unknown as ResourceRow;
}

/** Whether a row's properties are read from somewhere else each time (its file, or the row it is embedded in). */
export function isReadBack(row: ResourceRow): boolean {
  return typeof Object.getOwnPropertyDescriptor(row, 'properties')?.get === 'function';
}
