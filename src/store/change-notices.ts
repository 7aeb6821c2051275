/**
 * Change notices: what lets several instances judge events of one subscription without one of
 * them overwriting another's verdict from a state that has not seen the other's change.
 *
 * Each instance holds its own state of a subscription (src/app/subscription-state.ts). An event
 * batch first reads the partition's marker and then the notices newer than what its state
 * reflects, and re-reads the resources they name from the source of truth. Then it announces its
 * own changes: one notice row per resource it changed (the resource's ID, the time of its state,
 * `version`, and the batch's evaluatedAt, `at`) and the marker's eventAt moved to its time, in
 * writes conditional on the marker as it read it. If another batch announced in between, nothing
 * is written and the batch reads again. So announcements of one subscription form one order in
 * which each batch has read every change announced before it; a batch judges after it announces,
 * a millisecond after the marker's eventAt, so where a later batch writes, its verdict wins.
 *
 * A notice also carries the state its batch judged (the row, or its deletion), gzipped, when that
 * fits in one binary property: a reader then applies it as read instead of reading the resource
 * from Azure Resource Manager again, so a burst spread over many instances costs no more ARM reads
 * than over one. Listing notices leaves states out; a reader fetches those it needs by point
 * reads, and reads from ARM whatever has none (too large, written by an older version, replaced
 * since, unreadable).
 *
 * One row per resource (the newest notice replaces the last), and a complete sweep deletes those
 * its read reflects, so notices are bounded by the resources events changed since the last sweep;
 * row keys sort after the change index and before every finding row key ('.n' < '0'), so no
 * reader of findings or of the index meets them.
 */
import type { TableClient, TableEntity, TableEntityResult, TransactionAction } from '@azure/data-tables';
import { odata } from '@azure/data-tables';
import { gunzipSync, gzipSync } from 'node:zlib';
import { idKey, resourceToReadFor } from '../core/ids';
import { asString, isObject } from '../core/json';
import { earlierBy } from '../core/time';
import { inParallel } from './concurrency';
import { statusOf, storeFailure } from './errors';
import { resourceHash } from './keys';
import type { ChangeNotice, NoticedRow, NoticedState } from './types';

/**
 * How far before a whole read's capture its reader reads change notices: Resource Graph indexes
 * changes with a lag (most within seconds, with no upper bound), so a whole read (or a sweep's
 * shared state) may not show a change made shortly before it.
 */
export const NOTICE_LAG_MS = 10 * 60_000;

/** The `since` of a notice read for a state or inventory captured at `capturedAt` (every notice when it is not a time). */
export function noticesSince(capturedAt: string): string | undefined {
  return earlierBy(capturedAt, NOTICE_LAG_MS);
}

/** What a reader of notices reads again: each noticed resource as the estate reads it (a subnet through its VNet), once. */
export function resourcesToReadAgain(notices: readonly ChangeNotice[]): string[] {
  return [...new Map(notices.map((notice) => [idKey(resourceToReadFor(notice.resourceId)), resourceToReadFor(notice.resourceId)])).values()];
}

const NOTICE_PREFIX = '.n';
const NOTICE_END = '.o';

export function isNoticeRowKey(rowKey: string): boolean {
  return rowKey.startsWith(NOTICE_PREFIX) && rowKey < NOTICE_END;
}

/**
 * A state is carried when gzipped it fits a binary property (64 KiB in Table Storage), with room
 * to spare; a larger one (a VNet of many subnets) is read from ARM by whoever needs it.
 */
export const MAX_NOTICED_STATE_BYTES = 60_000;

/** A notice row's upsert, and the bytes it adds to a transaction as sent (binary travels as base64). */
export interface NoticeAction {
  readonly action: TransactionAction;
  readonly bytes: number;
}

/** A resource's notice row: one per resource, the newest notice replacing the last. */
function noticeRowKey(resourceId: string): string {
  return `${NOTICE_PREFIX}${resourceHash(resourceId)}`;
}

/** Every notice row of a partition, as an OData filter. */
function noticeRange(partitionKey: string): string {
  return odata`PartitionKey eq ${partitionKey} and RowKey ge ${NOTICE_PREFIX} and RowKey lt ${NOTICE_END}`;
}

/** The upserts of a batch's notices: one row per resource, replacing that resource's last notice (and any state it carried). */
export function noticeActions(partitionKey: string, notices: readonly ChangeNotice[]): NoticeAction[] {
  const byRow = new Map<string, ChangeNotice>();
  for (const notice of notices) byRow.set(noticeRowKey(notice.resourceId), notice);
  return [...byRow].map(([rowKey, notice]) => {
    const entity: TableEntity<Record<string, unknown>> = { partitionKey, rowKey, resourceId: notice.resourceId, version: notice.version, at: notice.at };
    const state = notice.state === undefined ? undefined : encodedState(notice.state);
    if (state !== undefined && state.length <= MAX_NOTICED_STATE_BYTES) entity['state'] = state;
    const bytes = Buffer.byteLength(JSON.stringify({ ...entity, state: undefined }), 'utf8') + (entity['state'] === undefined ? 0 : Math.ceil((state?.length ?? 0) / 3) * 4);
    return { action: ['upsert', entity, 'Replace'], bytes };
  });
}

/**
 * Encoded once per row: a batch that loses the race to announce announces the same rows again, and
 * encoding them each time lengthens the very wait that loses it.
 */
const encodedRows = new WeakMap<object, Uint8Array>();

/** A copy that owns its memory: the SDK sends a Uint8Array's whole underlying buffer, and a small Buffer is a view on a shared 8 KiB pool. */
function gzipped(state: NoticedState): Uint8Array {
  return Uint8Array.from(gzipSync(Buffer.from(JSON.stringify(state), 'utf8')));
}

const DELETED = gzipped({ kind: 'delete' });

function encodedState(state: NoticedState): Uint8Array {
  if (state.kind === 'delete') return DELETED;
  let encoded = encodedRows.get(state.row);
  if (encoded === undefined) {
    encoded = gzipped(state);
    encodedRows.set(state.row, encoded);
  }
  return encoded;
}

/** The notice rows of a partition, those `at` selects (an OData clause on `at`) when given; without the states they carry unless `withStates`. */
async function noticeRows(findings: TableClient, endpoint: string, partitionKey: string, at: string | undefined, withStates = false): Promise<TableEntityResult<Record<string, unknown>>[]> {
  const range = noticeRange(partitionKey);
  const rows: TableEntityResult<Record<string, unknown>>[] = [];
  try {
    const filter = at === undefined ? range : `${range} and ${at}`;
    const queryOptions = withStates ? { filter } : { filter, select: ['RowKey', 'resourceId', 'version', 'at'] };
    for await (const entity of findings.listEntities<Record<string, unknown>>({ queryOptions })) rows.push(entity);
  } catch (error) {
    throw storeFailure(error, endpoint, `reading the change notices of partition ${partitionKey}`);
  }
  return rows;
}

/** A notice row as a notice, or undefined for a row this code did not write (it names nothing to re-read). */
function noticeOf(entity: Record<string, unknown>): ChangeNotice | undefined {
  const resourceId = asString(entity['resourceId']);
  const version = asString(entity['version']);
  const at = asString(entity['at']);
  return resourceId !== undefined && resourceId !== '' && version !== undefined && at !== undefined ? { resourceId, version, at } : undefined;
}

/**
 * Notices of a partition whose batch evaluated after `since` (every notice when undefined), without
 * their states. Given `fromEventAt` (a marker's eventAt the reader read before), only those announced
 * from it on, with the states they carry (undefined: none readable): every notice announced since has
 * `at` ≥ that eventAt, as an announcement is written only over the marker its batch read, a
 * millisecond after its eventAt, and moves the eventAt to its `at` (an announcement cut in several
 * transactions writes each part with the same `at`, hence ≥, not >).
 */
export async function readNotices(
  findings: TableClient,
  endpoint: string,
  partitionKey: string,
  since: string | undefined,
  fromEventAt?: string,
): Promise<{ readonly notices: ChangeNotice[]; readonly states: Map<ChangeNotice, NoticedState | undefined> }> {
  const clauses = [since === undefined ? undefined : odata`at gt ${since}`, fromEventAt === undefined ? undefined : odata`at ge ${fromEventAt}`].filter((clause) => clause !== undefined);
  const withStates = fromEventAt !== undefined;
  const notices: ChangeNotice[] = [];
  const states = new Map<ChangeNotice, NoticedState | undefined>();
  for (const entity of await noticeRows(findings, endpoint, partitionKey, clauses.length === 0 ? undefined : clauses.join(' and '), withStates)) {
    const notice = noticeOf(entity);
    if (notice === undefined) continue;
    notices.push(notice);
    if (withStates) states.set(notice, decodeState(entity['state'], notice.resourceId));
  }
  return { notices, states };
}

/** A reader's notices with those announced since it last read them: each resource's newest notice replaces the one it held, as on the partition. */
export function withNoticesAnnounced(held: readonly ChangeNotice[], announced: readonly ChangeNotice[]): ChangeNotice[] {
  if (announced.length === 0) return [...held];
  const replaced = new Set(announced.map((notice) => idKey(notice.resourceId)));
  return [...held.filter((notice) => !replaced.has(idKey(notice.resourceId))), ...announced];
}

/**
 * Deletes the notices of batches announced before `before`, each under the ETag it was read with:
 * one a newer announcement replaced meanwhile stays.
 */
export async function deleteNoticesBefore(findings: TableClient, endpoint: string, partitionKey: string, before: string): Promise<void> {
  for (const notice of await noticeRows(findings, endpoint, partitionKey, odata`at lt ${before}`)) {
    try {
      await findings.deleteEntity(partitionKey, notice.rowKey ?? '', { etag: notice.etag });
    } catch (error) {
      const status = statusOf(error);
      if (status !== 404 && status !== 412) throw storeFailure(error, endpoint, `deleting a change notice of partition ${partitionKey}`);
    }
  }
}

/** Point reads of notice rows at once: enough to hide their latency, few enough to stay polite. */
const STATE_READS_AT_ONCE = 16;

/**
 * Past this many, the states are listed in one query (a cold instance catching up on every notice
 * since a sweep) rather than read one by one.
 */
const POINT_READS_UP_TO = 32;

/**
 * The states the given notices carry, keyed by resource ID as written. A notice whose row now says
 * something else (a newer batch replaced it), carries none, or whose state does not read back as
 * what was written (not gzip, not JSON, another resource) is left out.
 */
export async function readNoticedStates(findings: TableClient, endpoint: string, partitionKey: string, notices: readonly ChangeNotice[]): Promise<Map<string, NoticedState>> {
  const states = new Map<string, NoticedState>();
  const take = (notice: ChangeNotice, entity: Record<string, unknown>): void => {
    if (entity['resourceId'] !== notice.resourceId || entity['version'] !== notice.version || entity['at'] !== notice.at) return;
    const state = decodeState(entity['state'], notice.resourceId);
    if (state !== undefined) states.set(notice.resourceId, state);
  };

  if (notices.length > POINT_READS_UP_TO) {
    const wanted = new Map(notices.map((notice) => [noticeRowKey(notice.resourceId), notice]));
    const earliest = notices.reduce((first, notice) => (notice.at < first ? notice.at : first), notices[0]?.at ?? '');
    for (const entity of await noticeRows(findings, endpoint, partitionKey, odata`at ge ${earliest}`, true)) {
      const notice = wanted.get(entity.rowKey ?? '');
      if (notice !== undefined) take(notice, entity);
    }
    return states;
  }

  await inParallel(notices, STATE_READS_AT_ONCE, async (notice) => {
    try {
      take(notice, await findings.getEntity<Record<string, unknown>>(partitionKey, noticeRowKey(notice.resourceId)));
    } catch (error) {
      if (statusOf(error) !== 404) throw storeFailure(error, endpoint, `reading a change notice of partition ${partitionKey}`);
    }
  });
  return states;
}

/** A stored state as written by noticeActions, or undefined for anything else. */
function decodeState(value: unknown, resourceId: string): NoticedState | undefined {
  if (!(value instanceof Uint8Array) || value.length === 0 || value.length > MAX_NOTICED_STATE_BYTES) return undefined;
  let parsed: unknown;
  try {
    // Bounded: a state is a row, and a row is never near this large.
    parsed = JSON.parse(gunzipSync(value, { maxOutputLength: 64 * 2 ** 20 }).toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isObject(parsed)) return undefined;
  if (parsed['kind'] === 'delete') return { kind: 'delete' };
  const row = parsed['row'];
  if (parsed['kind'] !== 'upsert' || !isObject(row) || typeof row['id'] !== 'string' || idKey(row['id']) !== idKey(resourceId)) return undefined;
  return { kind: 'upsert', row: row as NoticedRow };
}
