/**
 * Store maintenance, run rarely and by hand or by the timer: bringing back future times an older
 * version let events write (repair), and deleting history retention no longer keeps (prune). Every
 * write is under the ETag read, so a row written meanwhile by the current protocol is left alone.
 */
import { odata } from '@azure/data-tables';
import type { TableClient } from '@azure/data-tables';
import { asString } from '../core/json';
import { isWriteConflict, statusOf, StoreInputError, storeFailure } from './errors';
import type { TransactionAction } from '@azure/data-tables';
import { deleteTombstones, indexActions, indexEntity, indexRowKey, isIndexRowKey, markIndexed, REGISTRY_PARTITION, registeredPartitions, tombstone, tombstoneLeft } from './change-index';
import { isNoticeRowKey } from './change-notices';
import { FIRST_FINDING_ROW_KEY, MARKER_ROW_KEY } from './keys';
import { NEW_FINDINGS_PER_TRANSACTION, scanTable } from './partition-writer';
import { fromEntity } from './record';
import type { PruneResult, RepairResult } from './types';
import { inParallel, MAX_CLOCK_SKEW_MS, PARTITION_CONCURRENCY } from './concurrency';

/** The ISO times of a finding entity that order evaluations (repairFutureTimes). */
const FINDING_TIME_FIELDS = ['evaluatedAt', 'lastSeen', 'lastChangedAt', 'firstSeen', 'resolvedAt'] as const;

/** The tables maintenance works on, and the endpoint its errors name. */
export interface StoreTables {
  readonly findings: TableClient;
  readonly sweeps: TableClient;
  readonly endpoint: string;
}

export async function repairFutureTimes(tables: StoreTables, now: Date, options: { readonly dryRun?: boolean } = {}): Promise<RepairResult> {
  const repairedAt = now.toISOString();
  const limit = new Date(now.getTime() + MAX_CLOCK_SKEW_MS).toISOString();
  const unindexed = new Set((await registeredPartitions(tables.findings, tables.endpoint)).filter((partition) => !partition.indexed).map((partition) => partition.partitionKey));
  const markers: { partitionKey: string; etag: string }[] = [];
  const findings: { partitionKey: string; rowKey: string; etag: string; fields: Record<string, string>; entity: Record<string, unknown> }[] = [];
  const toIndex: { partitionKey: string; rowKey: string; etag: string; entity: Record<string, unknown> }[] = [];
  await scanTable(tables.findings, tables.endpoint,
    '',
    (entity) => {
      const partitionKey = entity.partitionKey ?? '';
      const rowKey = entity.rowKey ?? '';
      // The registry, the change index and the change notices are bookkeeping of the findings, not findings.
      if (partitionKey === REGISTRY_PARTITION || isIndexRowKey(rowKey) || isNoticeRowKey(rowKey)) return;
      if (rowKey === MARKER_ROW_KEY) {
        const sweptAt = asString(entity.sweptAt) ?? '';
        if (sweptAt > limit) markers.push({ partitionKey, etag: entity.etag });
        return;
      }
      const fields: Record<string, string> = {};
      for (const name of FINDING_TIME_FIELDS) {
        const value = asString(entity[name]);
        if (value !== undefined && value > limit) fields[name] = repairedAt;
      }
      if (Object.keys(fields).length > 0) findings.push({ partitionKey, rowKey, etag: entity.etag, fields, entity });
      else if (unindexed.has(partitionKey)) toIndex.push({ partitionKey, rowKey, etag: entity.etag, entity });
    },
    'scanning for future times',
  );
  if (options.dryRun !== true) {
    // Merge under the ETag read: a row that changed meanwhile was written by a current version and is left alone.
    for (const marker of markers) {
      await io(tables, `releasing the marker of partition ${marker.partitionKey}`, () =>
        tables.findings.updateEntity({ partitionKey: marker.partitionKey, rowKey: MARKER_ROW_KEY, sweptAt: '', sweepId: '', touchedAt: repairedAt }, 'Merge', { etag: marker.etag }).catch((error: unknown) => {
          if (!isWriteConflict(error)) throw error;
        }),
      );
    }
    for (const finding of findings) {
      // The finding and its index row in one transaction: never one without the other.
      const before = fromEntity(finding.entity);
      const repaired = fromEntity({ ...finding.entity, ...finding.fields });
      const actions: TransactionAction[] = [['update', { partitionKey: finding.partitionKey, rowKey: finding.rowKey, ...finding.fields }, 'Merge', { etag: finding.etag }]];
      // Tombstones: the row of a time an older version wrote may not exist, and a delete of it would fail the repair.
      if (repaired !== undefined) actions.push(...indexActions(finding.partitionKey, finding.rowKey, before, repaired, true));
      const committed = await io(tables, `repairing a finding of partition ${finding.partitionKey}`, () =>
        tables.findings.submitTransaction(actions).then(
          () => true,
          (error: unknown) => {
            if (!isWriteConflict(error)) throw error;
            return false;
          },
        ),
      );
      const left = committed ? tombstoneLeft(finding.rowKey, before, repaired) : undefined;
      if (left !== undefined) await deleteTombstones(tables.findings, finding.partitionKey, [left]);
    }
    // Partitions written before the change index: index every finding, then let listings trust it.
    for (const partitionKey of unindexed) {
      await indexPartition(tables, partitionKey, toIndex.filter((row) => row.partitionKey === partitionKey));
      await markIndexed(tables.findings, tables.endpoint, partitionKey);
    }
  }
  return { repairedAt, markers: markers.map((marker) => marker.partitionKey), findings: findings.length, indexedPartitions: [...unindexed].sort(), dryRun: options.dryRun === true };
}

export async function pruneHistory(tables: StoreTables, options: { readonly before: Date; readonly dryRun?: boolean }): Promise<PruneResult> {
  if (Number.isNaN(options.before.getTime())) throw new StoreInputError('prune: before is not a valid date');
  const before = options.before.toISOString();
  const findings: { partitionKey: string; rowKey: string; etag: string; lastChangedAt: string }[] = [];
  await scanTable(
    tables.findings,
    tables.endpoint,
    odata`RowKey ge ${FIRST_FINDING_ROW_KEY} and lifecycle eq ${'resolved'} and resolvedAt lt ${before}`,
    (entity) => findings.push({ partitionKey: entity.partitionKey ?? '', rowKey: entity.rowKey ?? '', etag: entity.etag, lastChangedAt: asString(entity.lastChangedAt) ?? '' }),
    'finding resolved findings to prune',
  );
  const sweeps: { partitionKey: string; rowKey: string }[] = [];
  await scanTable(tables.sweeps, tables.endpoint, odata`startedAt lt ${before}`, (entity) => sweeps.push({ partitionKey: entity.partitionKey ?? '', rowKey: entity.rowKey ?? '' }), 'finding sweep records to prune');
  if (options.dryRun !== true) {
    const partitions = [...new Set(findings.map((finding) => finding.partitionKey))];
    await inParallel(partitions, PARTITION_CONCURRENCY, (partitionKey) => prunePartition(tables, partitionKey, before));
    await inParallel(sweeps, PARTITION_CONCURRENCY, (sweep) =>
      io(tables, `pruning a sweep record of partition ${sweep.partitionKey}`, () =>
        tables.sweeps.deleteEntity(sweep.partitionKey, sweep.rowKey).catch((error: unknown) => {
          if (statusOf(error) !== 404) throw error;
        }),
      ),
    );
  }
  return { before, resolvedFindings: findings.length, sweepRecords: sweeps.length, dryRun: options.dryRun === true };
}

/** Findings of a partition resolved before `before`, as read now. */
async function resolvedBefore(tables: StoreTables, partitionKey: string, before: string): Promise<{ rowKey: string; lastChangedAt: string }[]> {
  const rows: { rowKey: string; lastChangedAt: string }[] = [];
  await scanTable(
    tables.findings,
    tables.endpoint,
    odata`PartitionKey eq ${partitionKey} and RowKey ge ${FIRST_FINDING_ROW_KEY} and lifecycle eq ${'resolved'} and resolvedAt lt ${before}`,
    (entity) => rows.push({ rowKey: entity.rowKey ?? '', lastChangedAt: asString(entity.lastChangedAt) ?? '' }),
    `finding resolved findings of partition ${partitionKey} to prune`,
  );
  return rows;
}

/**
 * Deletes a partition's resolved history under the partition write protocol: each transaction
 * also updates the partition marker under the ETag read before the findings were, so a finding
 * reopened (or otherwise written) meanwhile fails it, and the finding and its index row go
 * together (the row as a tombstone, deleted after). A conflict leaves the rest for the next run.
 */
async function prunePartition(tables: StoreTables, partitionKey: string, before: string): Promise<void> {
  for (;;) {
    let marker: string;
    try {
      marker = (await tables.findings.getEntity(partitionKey, MARKER_ROW_KEY)).etag;
    } catch (error) {
      if (statusOf(error) === 404) return;
      throw storeFailure(error, tables.endpoint, `reading partition ${partitionKey}`);
    }
    // Read after the marker: a write between the two fails the transaction below.
    const chunk = (await resolvedBefore(tables, partitionKey, before)).slice(0, NEW_FINDINGS_PER_TRANSACTION);
    if (chunk.length === 0) return;
    const actions: TransactionAction[] = [['update', { partitionKey, rowKey: MARKER_ROW_KEY }, 'Merge', { etag: marker }]];
    for (const row of chunk) actions.push(['delete', { partitionKey, rowKey: row.rowKey }], tombstone(partitionKey, indexRowKey(row.lastChangedAt, row.rowKey)));
    try {
      await tables.findings.submitTransaction(actions);
    } catch (error) {
      if (isWriteConflict(error)) return;
      throw storeFailure(error, tables.endpoint, `pruning resolved findings of partition ${partitionKey}`);
    }
    await deleteTombstones(tables.findings, partitionKey, chunk.map((row) => indexRowKey(row.lastChangedAt, row.rowKey)));
  }
}

/**
 * Writes the index rows of findings written before the index, each in a transaction with a Merge
 * of nothing under the finding's ETag: a finding changed since it was read fails its transaction
 * (its writer wrote its index row), so no copy older than its finding is ever written.
 */
async function indexPartition(tables: StoreTables, partitionKey: string, rows: readonly { rowKey: string; etag: string; entity: Record<string, unknown> }[]): Promise<void> {
  const actionsOf = (row: { rowKey: string; etag: string; entity: Record<string, unknown> }): TransactionAction[] => {
    const record = fromEntity(row.entity);
    if (record === undefined) return [];
    return [['update', { partitionKey, rowKey: row.rowKey }, 'Merge', { etag: row.etag }], ['upsert', indexEntity(partitionKey, row.rowKey, record), 'Replace']];
  };
  for (let start = 0; start < rows.length; start += 49) {
    const chunk = rows.slice(start, start + 49);
    const actions = chunk.flatMap(actionsOf);
    if (actions.length === 0) continue;
    const whole = await tables.findings.submitTransaction(actions).then(
      () => true,
      (error: unknown) => {
        if (!isWriteConflict(error)) throw storeFailure(error, tables.endpoint, `indexing partition ${partitionKey}`);
        return false;
      },
    );
    if (whole) continue;
    // One of them changed meanwhile: the others one at a time, leaving the changed ones to their writers.
    for (const row of chunk) {
      const single = actionsOf(row);
      if (single.length === 0) continue;
      await tables.findings.submitTransaction(single).catch((error: unknown) => {
        if (!isWriteConflict(error)) throw storeFailure(error, tables.endpoint, `indexing partition ${partitionKey}`);
      });
    }
  }
}

async function io<T>(tables: StoreTables, action: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw storeFailure(error, tables.endpoint, action);
  }
}
