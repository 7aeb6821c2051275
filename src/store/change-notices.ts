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
 * One row per resource (the newest notice replaces the last), and a complete sweep deletes those
 * its read reflects, so notices are bounded by the resources events changed since the last sweep;
 * row keys sort after the change index and before every finding row key ('.n' < '0'), so no
 * reader of findings or of the index meets them.
 */
import type { TableClient, TableEntityResult, TransactionAction } from '@azure/data-tables';
import { odata } from '@azure/data-tables';
import { idKey, resourceToReadFor } from '../core/ids';
import { asString } from '../core/json';
import { earlierBy } from '../core/time';
import { statusOf, storeFailure } from './errors';
import { resourceHash } from './keys';
import type { ChangeNotice } from './types';

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

/** The upserts of a batch's notices: one row per resource, replacing that resource's last notice. */
export function noticeActions(partitionKey: string, notices: readonly ChangeNotice[]): TransactionAction[] {
  const byRow = new Map<string, ChangeNotice>();
  for (const notice of notices) byRow.set(`${NOTICE_PREFIX}${resourceHash(notice.resourceId)}`, notice);
  return [...byRow].map(([rowKey, notice]) => ['upsert', { partitionKey, rowKey, resourceId: notice.resourceId, version: notice.version, at: notice.at }, 'Replace']);
}

/** The notice rows of a partition, those `at` selects (an OData clause on `at`) when given. */
async function noticeRows(findings: TableClient, endpoint: string, partitionKey: string, at: string | undefined): Promise<TableEntityResult<Record<string, unknown>>[]> {
  const range = odata`PartitionKey eq ${partitionKey} and RowKey ge ${NOTICE_PREFIX} and RowKey lt ${NOTICE_END}`;
  const rows: TableEntityResult<Record<string, unknown>>[] = [];
  try {
    for await (const entity of findings.listEntities<Record<string, unknown>>({ queryOptions: { filter: at === undefined ? range : `${range} and ${at}` } })) rows.push(entity);
  } catch (error) {
    throw storeFailure(error, endpoint, `reading the change notices of partition ${partitionKey}`);
  }
  return rows;
}

/** Notices of a partition whose batch evaluated after `since` (every notice when undefined). */
export async function readNotices(findings: TableClient, endpoint: string, partitionKey: string, since: string | undefined): Promise<ChangeNotice[]> {
  const notices: ChangeNotice[] = [];
  for (const entity of await noticeRows(findings, endpoint, partitionKey, since === undefined ? undefined : odata`at gt ${since}`)) {
    const resourceId = asString(entity['resourceId']);
    const version = asString(entity['version']);
    const at = asString(entity['at']);
    // A row this code did not write is no notice: it names nothing to re-read.
    if (resourceId !== undefined && resourceId !== '' && version !== undefined && at !== undefined) notices.push({ resourceId, version, at });
  }
  return notices;
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
