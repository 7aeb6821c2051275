/**
 * Paging of stored findings. Newest change first: keyset paging, the token names the last item
 * returned. By key: the table service's own continuation, wrapped so a token cannot cross orders
 * or filters.
 */
import { StoreInputError } from './errors';

export function compareDesc(a: string, b: string): number {
  return a < b ? 1 : a > b ? -1 : 0;
}

export function compareAsc(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface PageCursor {
  readonly changedAt: string;
  readonly sortKey: string;
}

export function isAfter(changedAt: string, sortKey: string, cursor: PageCursor): boolean {
  return changedAt < cursor.changedAt || (changedAt === cursor.changedAt && sortKey > cursor.sortKey);
}

/** Keyset paging: the token names the last item returned, so inserts between pages shift nothing. */
export function encodeToken(changedAt: string, sortKey: string, filterHash: string): string {
  return Buffer.from(JSON.stringify({ v: 1, c: changedAt, k: sortKey, f: filterHash }), 'utf8').toString('base64url');
}

export function decodeToken(token: string, filterHash: string): PageCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new StoreInputError('invalid continuation token');
  }
  const value = parsed as { v?: unknown; c?: unknown; k?: unknown; f?: unknown };
  if (typeof parsed === 'object' && parsed !== null && value.v === 2) throw new StoreInputError('continuation token belongs to a query in another order');
  if (typeof parsed !== 'object' || parsed === null || value.v !== 1 || typeof value.c !== 'string' || typeof value.k !== 'string') {
    throw new StoreInputError('invalid continuation token');
  }
  if (value.f !== filterHash) throw new StoreInputError('continuation token belongs to a query with other filters');
  return { changedAt: value.c, sortKey: value.k };
}

/** A page by key: the service's continuation, tied to the filters it was read with. */
export function encodeKeyToken(serviceToken: string, filterHash: string): string {
  return Buffer.from(JSON.stringify({ v: 2, t: serviceToken, f: filterHash }), 'utf8').toString('base64url');
}

export function decodeKeyToken(token: string, filterHash: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new StoreInputError('invalid continuation token');
  }
  const value = parsed as { v?: unknown; t?: unknown; f?: unknown };
  if (typeof parsed !== 'object' || parsed === null) throw new StoreInputError('invalid continuation token');
  if (value.v === 1) throw new StoreInputError('continuation token belongs to a query in another order');
  if (value.v !== 2 || typeof value.t !== 'string') throw new StoreInputError('invalid continuation token');
  if (value.f !== filterHash) throw new StoreInputError('continuation token belongs to a query with other filters');
  return value.t;
}
