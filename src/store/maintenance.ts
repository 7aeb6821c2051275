/**
 * Store maintenance, run rarely and by hand or by the timer: bringing back future times an older
 * version let events write (repair), and deleting history retention no longer keeps (prune). Every
 * write is under the ETag read, so a row written meanwhile by the current protocol is left alone.
 */
import { odata } from '@azure/data-tables';
import type { TableClient } from '@azure/data-tables';
import { asString } from '../core/json';
import { isWriteConflict, statusOf, StoreInputError, storeFailure } from './errors';
import { FIRST_FINDING_ROW_KEY, MARKER_ROW_KEY } from './keys';
import { scanTable } from './partition-writer';
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
  const markers: { partitionKey: string; etag: string }[] = [];
  const findings: { partitionKey: string; rowKey: string; etag: string; fields: Record<string, string> }[] = [];
  await scanTable(tables.findings, tables.endpoint,
    '',
    (entity) => {
      const partitionKey = entity.partitionKey ?? '';
      const rowKey = entity.rowKey ?? '';
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
      if (Object.keys(fields).length > 0) findings.push({ partitionKey, rowKey, etag: entity.etag, fields });
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
      await io(tables, `repairing a finding of partition ${finding.partitionKey}`, () =>
        tables.findings.updateEntity({ partitionKey: finding.partitionKey, rowKey: finding.rowKey, ...finding.fields }, 'Merge', { etag: finding.etag }).catch((error: unknown) => {
          if (!isWriteConflict(error)) throw error;
        }),
      );
    }
  }
  return { repairedAt, markers: markers.map((marker) => marker.partitionKey), findings: findings.length, dryRun: options.dryRun === true };
}

export async function pruneHistory(tables: StoreTables, options: { readonly before: Date; readonly dryRun?: boolean }): Promise<PruneResult> {
  if (Number.isNaN(options.before.getTime())) throw new StoreInputError('prune: before is not a valid date');
  const before = options.before.toISOString();
  const findings: { partitionKey: string; rowKey: string; etag: string }[] = [];
  await scanTable(
    tables.findings,
    tables.endpoint,
    odata`RowKey ge ${FIRST_FINDING_ROW_KEY} and lifecycle eq ${'resolved'} and resolvedAt lt ${before}`,
    (entity) => findings.push({ partitionKey: entity.partitionKey ?? '', rowKey: entity.rowKey ?? '', etag: entity.etag }),
    'finding resolved findings to prune',
  );
  const sweeps: { partitionKey: string; rowKey: string }[] = [];
  await scanTable(tables.sweeps, tables.endpoint, odata`startedAt lt ${before}`, (entity) => sweeps.push({ partitionKey: entity.partitionKey ?? '', rowKey: entity.rowKey ?? '' }), 'finding sweep records to prune');
  if (options.dryRun !== true) {
    // Under the ETag read: a finding reopened (or otherwise written) since is no longer resolved history.
    await inParallel(findings, PARTITION_CONCURRENCY, (finding) =>
      io(tables, `pruning a resolved finding of partition ${finding.partitionKey}`, () =>
        tables.findings.deleteEntity(finding.partitionKey, finding.rowKey, { etag: finding.etag }).catch((error: unknown) => {
          if (!isWriteConflict(error)) throw error;
        }),
      ),
    );
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

async function io<T>(tables: StoreTables, action: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw storeFailure(error, tables.endpoint, action);
  }
}
