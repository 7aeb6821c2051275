/**
 * The change index: what lets the newest-first listing read one page without reading the table.
 *
 * Tables index only PartitionKey and RowKey. Beside each finding row its partition holds one
 * index row whose key starts with the finding's lastChangedAt inverted (newest sorts first), then
 * the finding's row key, and which holds a copy of the finding (its properties prefixed `ix_`, so
 * no reader of findings takes it for one). Every finding write is one entity-group transaction
 * with its index row: the copy written (created at a new change time, replaced at the same one),
 * and the row of the previous change time deleted (or, where it may be missing, turned into a
 * tombstone, deleted after the transaction, best effort; readers skip any left). So the index is
 * never behind the findings, and a listing reads index rows only: a page costs about its own size.
 *
 * The registry (partition `~partitions`) names every findings partition, so a listing across
 * subscriptions reads the registry instead of scanning for markers. A partition is `indexed` when
 * every finding in it was written by index-keeping code (it was new when registered, or `repair`
 * rebuilt its index); listings read other partitions whole, as before.
 */
import type { TableClient, TableEntityResult, TransactionAction } from '@azure/data-tables';
import { odata } from '@azure/data-tables';
import { asString } from '../core/json';
import { statusOf, storeFailure } from './errors';
import { MARKER_ROW_KEY } from './keys';
import type { FindingRecord } from './record';
import { fromEntity, toEntityProperties } from './record';

/** Index row keys sort after the marker ('!') and before every finding row key (hex digits, '0'). */
const INDEX_PREFIX = '.c';
const INDEX_END = '.d';
/** The registry's partition: '~' sorts after every subscription partition key ([0-9a-z] or 'h-…'). */
export const REGISTRY_PARTITION = '~partitions';
/** The registry row saying every partition that existed before the registry was registered. */
const REGISTRY_COMPLETE_ROW = '!complete';

/**
 * Digits inverted, so that the newer of two ISO times of one format sorts first as a key.
 * Anything that is not the ISO form we write sorts last (oldest); its finding is still listed.
 */
export function invertedChangeTime(lastChangedAt: string): string {
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(lastChangedAt)) return '9999-99-99T99:99:99.999Z';
  return lastChangedAt.replace(/\d/g, (digit) => String(9 - Number(digit)));
}

export function isIndexRowKey(rowKey: string): boolean {
  return rowKey.startsWith(INDEX_PREFIX);
}

export function indexRowKey(lastChangedAt: string, findingRowKey: string): string {
  return `${INDEX_PREFIX}${invertedChangeTime(lastChangedAt)}_${findingRowKey}`;
}

const COPY_PREFIX = 'ix_';

/** The index row of a finding as written now: its key, and a copy of the finding. */
export function indexEntity(partitionKey: string, findingRowKey: string, record: FindingRecord): { partitionKey: string; rowKey: string } & Record<string, string | number> {
  const entity: { partitionKey: string; rowKey: string } & Record<string, string | number> = { partitionKey, rowKey: indexRowKey(record.lastChangedAt, findingRowKey), ixFinding: findingRowKey };
  for (const [name, value] of Object.entries(toEntityProperties(record))) entity[`${COPY_PREFIX}${name}`] = value;
  return entity;
}

/**
 * What a transaction writes to the index beside a finding going from `previous` to `next`. The
 * previous change time's row is deleted in the same transaction; `tombstones` turns it into a
 * tombstone instead, for when it may be missing (a partition written before the index), which would
 * fail a delete and with it the transaction.
 */
export function indexActions(partitionKey: string, findingRowKey: string, previous: FindingRecord | undefined, next: FindingRecord, tombstones = false): TransactionAction[] {
  const entity = indexEntity(partitionKey, findingRowKey, next);
  const previousKey = previous === undefined ? undefined : indexRowKey(previous.lastChangedAt, findingRowKey);
  // Same change time: the copy is replaced in place (evaluatedAt and lastSeen move on confirmations).
  if (previousKey === entity.rowKey) return [['upsert', entity, 'Replace']];
  // A new change time is a new key (times only move forward): created, and the old row removed.
  const actions: TransactionAction[] = [['create', entity]];
  if (previousKey !== undefined) actions.push(tombstones ? tombstone(partitionKey, previousKey) : ['delete', { partitionKey, rowKey: previousKey }]);
  return actions;
}

/** Turns an index row into a tombstone (an upsert: it succeeds whether or not the row was there). */
export function tombstone(partitionKey: string, rowKey: string): TransactionAction {
  return ['upsert', { partitionKey, rowKey, ixStale: true }, 'Replace'];
}

/** The tombstone a write from `previous` to `next` left (deleted after the transaction), if any. */
export function tombstoneLeft(findingRowKey: string, previous: FindingRecord | undefined, next: FindingRecord | undefined): string | undefined {
  if (previous === undefined) return undefined;
  const old = indexRowKey(previous.lastChangedAt, findingRowKey);
  return next !== undefined && indexRowKey(next.lastChangedAt, findingRowKey) === old ? undefined : old;
}

/**
 * Deletes tombstones, a transaction of them at a time (one request instead of one each); when a
 * transaction fails (a row already gone fails it whole), one by one. One left is skipped by readers.
 */
export async function deleteTombstones(findings: TableClient, partitionKey: string, rowKeys: readonly string[]): Promise<void> {
  for (let start = 0; start < rowKeys.length; start += 100) {
    const chunk = rowKeys.slice(start, start + 100);
    try {
      await findings.submitTransaction(chunk.map((rowKey): TransactionAction => ['delete', { partitionKey, rowKey }]));
    } catch {
      await Promise.all(
        chunk.map((rowKey) =>
          findings.deleteEntity(partitionKey, rowKey).catch(() => {
            // Best effort by design (see the header): a tombstone left is skipped by readers.
          }),
        ),
      );
    }
  }
}

/** The finding an index row holds a copy of; undefined for a tombstone or anything unreadable. */
export function indexedRecordOf(entity: TableEntityResult<Record<string, unknown>>): { readonly findingRowKey: string; readonly record: FindingRecord } | undefined {
  const findingRowKey = asString(entity.ixFinding);
  if (findingRowKey === undefined) return undefined;
  const copy: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(entity)) if (name.startsWith(COPY_PREFIX)) copy[name.slice(COPY_PREFIX.length)] = value;
  const record = fromEntity(copy);
  return record === undefined ? undefined : { findingRowKey, record };
}

/**
 * The OData filter of a partition's index rows after a cursor (all when undefined), with property
 * clauses. The cursor orders by change time, then partition, then finding row key, as the listing
 * does: ties on the cursor's time are cut by key, so pages of findings changed at one moment (a
 * first sweep) do not read that moment's rows again.
 */
export function indexQuery(partitionKey: string, after: { readonly changedAt: string; readonly partitionKey: string; readonly findingRowKey: string } | undefined, clauses: { readonly ruleId?: string; readonly severity?: string; readonly lifecycle?: string }): string {
  let low = odata`RowKey ge ${INDEX_PREFIX}`;
  if (after !== undefined) {
    const moment = `${INDEX_PREFIX}${invertedChangeTime(after.changedAt)}`;
    if (partitionKey === after.partitionKey) low = odata`RowKey gt ${indexRowKey(after.changedAt, after.findingRowKey)}`;
    else if (partitionKey > after.partitionKey) low = odata`RowKey ge ${moment}`;
    // '`' follows '_': past every row of that moment.
    else low = odata`RowKey ge ${`${moment}\``}`;
  }
  const parts = [odata`PartitionKey eq ${partitionKey} and RowKey lt ${INDEX_END}`, low];
  if (clauses.ruleId !== undefined) parts.push(odata`ix_ruleId eq ${clauses.ruleId}`);
  if (clauses.severity !== undefined) parts.push(odata`ix_severity eq ${clauses.severity}`);
  if (clauses.lifecycle !== undefined) parts.push(odata`ix_lifecycle eq ${clauses.lifecycle}`);
  return parts.join(' and ');
}

/** A partition the registry names, and whether the listing may trust its index. */
export interface RegisteredPartition {
  readonly partitionKey: string;
  readonly indexed: boolean;
}

/**
 * Registers a partition before its first finding is written: `indexed` when it has no marker yet
 * (nothing in it predates the index). An existing registration is kept as it is.
 */
export async function registerPartition(findings: TableClient, endpoint: string, partitionKey: string, indexed: boolean): Promise<void> {
  try {
    await findings.createEntity({ partitionKey: REGISTRY_PARTITION, rowKey: partitionKey, indexed });
  } catch (error) {
    if (statusOf(error) === 409) return;
    throw storeFailure(error, endpoint, `registering partition ${partitionKey}`);
  }
}

/** Marks a partition's index complete (after `repair` rebuilt it). */
export async function markIndexed(findings: TableClient, endpoint: string, partitionKey: string): Promise<void> {
  try {
    await findings.upsertEntity({ partitionKey: REGISTRY_PARTITION, rowKey: partitionKey, indexed: true }, 'Merge');
  } catch (error) {
    throw storeFailure(error, endpoint, `marking the index of partition ${partitionKey}`);
  }
}

/**
 * Every registered partition. The first time a store is opened by index-keeping code the
 * registry is filled from the partition markers already there (one scan, then never again).
 */
export async function registeredPartitions(findings: TableClient, endpoint: string): Promise<RegisteredPartition[]> {
  const partitions: RegisteredPartition[] = [];
  let complete = false;
  try {
    for await (const entity of findings.listEntities<Record<string, unknown>>({ queryOptions: { filter: odata`PartitionKey eq ${REGISTRY_PARTITION}` } })) {
      if (entity.rowKey === REGISTRY_COMPLETE_ROW) complete = true;
      else if (entity.rowKey !== undefined) partitions.push({ partitionKey: entity.rowKey, indexed: entity.indexed === true });
    }
  } catch (error) {
    throw storeFailure(error, endpoint, 'reading the partition registry');
  }
  if (complete) return partitions;
  await registerExistingPartitions(findings, endpoint);
  return registeredPartitions(findings, endpoint);
}

async function registerExistingPartitions(findings: TableClient, endpoint: string): Promise<void> {
  const known: string[] = [];
  try {
    for await (const entity of findings.listEntities<Record<string, unknown>>({ queryOptions: { filter: odata`RowKey eq ${MARKER_ROW_KEY}`, select: ['PartitionKey'] } })) {
      if (entity.partitionKey !== undefined) known.push(entity.partitionKey);
    }
  } catch (error) {
    throw storeFailure(error, endpoint, 'finding the partitions to register');
  }
  // Partitions written before the registry: their findings have no index rows, so not indexed.
  for (const partitionKey of known) await registerPartition(findings, endpoint, partitionKey, false);
  try {
    await findings.upsertEntity({ partitionKey: REGISTRY_PARTITION, rowKey: REGISTRY_COMPLETE_ROW }, 'Replace');
  } catch (error) {
    throw storeFailure(error, endpoint, 'completing the partition registry');
  }
}
