/**
 * The table reads of a findings listing. By key: the service's own pages. Newest first, in work
 * proportional to the page (plus one index read per findings partition, i.e. per subscription,
 * since the merge needs every partition's newest row): each partition's change index
 * (change-index.ts, which holds a copy of each finding) is read from the cursor down, and the
 * partitions are merged by change time. Partitions whose index is not trusted (written before it
 * existed) are read whole and sorted here, as every listing did before.
 */
import type { TableClient, TableEntityResult } from '@azure/data-tables';
import { odata } from '@azure/data-tables';
import { indexedRecordOf, indexQuery, registeredPartitions } from './change-index';
import { inParallel, PARTITION_CONCURRENCY } from './concurrency';
import { statusOf, StoreInputError, storeFailure } from './errors';
import { FIRST_FINDING_ROW_KEY } from './keys';
import type { PageCursor } from './paging';
import { compareAsc, compareDesc, isAfter } from './paging';
import type { FindingRecord } from './record';
import { fromEntity } from './record';

/** A finding row a listing keeps: its record and where it sorts. */
export interface ListedRow {
  readonly sortKey: string;
  readonly record: FindingRecord;
  readonly partitionKey: string;
}

/** What the service can filter on, besides the partition. */
export interface ServiceClauses {
  readonly ruleId?: string;
  readonly severity?: string;
  readonly lifecycle?: string;
}

export interface NewestFirstQuery<T> {
  /** Only this partition (a subscription filter); all registered partitions when undefined. */
  readonly partitionKey?: string;
  /** Only these row keys of that partition (one resource's findings): read whole, as they are few. */
  readonly rowKeyRange?: { readonly low: string; readonly high: string };
  readonly clauses: ServiceClauses;
  readonly after: PageCursor | undefined;
  readonly top: number;
  /** The filters applied here (workspace, state), in order: rows they drop do not count towards the page. */
  readonly keep: (rows: readonly ListedRow[]) => Promise<readonly T[]>;
}

interface Candidate {
  readonly changedAt: string;
  readonly sortKey: string;
  readonly partitionKey: string;
  readonly record: FindingRecord;
}

/** A partition's candidates in listing order, read lazily. */
interface Source {
  head(): Promise<Candidate | undefined>;
  advance(): void;
}

function listingOrder(a: Candidate, b: Candidate): number {
  return compareDesc(a.changedAt, b.changedAt) || compareAsc(a.sortKey, b.sortKey);
}

/** The page's rows in listing order, and whether another page has any. */
export async function listNewestFirst<T>(findings: TableClient, endpoint: string, query: NewestFirstQuery<T>): Promise<{ readonly items: readonly T[]; readonly more: boolean }> {
  const partitions =
    query.rowKeyRange !== undefined && query.partitionKey !== undefined
      ? [{ partitionKey: query.partitionKey, indexed: false }]
      : (await registeredPartitions(findings, endpoint)).filter((partition) => query.partitionKey === undefined || partition.partitionKey === query.partitionKey);
  // Read ahead a fair share of the page from each partition; a partition holding more of it pages on.
  const pageSize = Math.min(1000, Math.ceil((query.top + 1) / Math.max(1, partitions.length)) + 10);
  const sources = partitions.map((partition) =>
    partition.indexed ? indexSource(findings, endpoint, partition.partitionKey, query, pageSize) : wholePartitionSource(findings, endpoint, partition.partitionKey, query),
  );

  // Each partition's first index page, a few partitions at a time rather than one after another.
  await inParallel(sources, PARTITION_CONCURRENCY * 2, (source) => source.head());
  const kept: T[] = [];
  // One more than the page, so `more` is only claimed when another page has something to show.
  while (kept.length <= query.top) {
    const batch: Candidate[] = [];
    while (batch.length < query.top + 1 - kept.length) {
      const next = await nextOf(sources);
      if (next === undefined) break;
      if (query.after === undefined || isAfter(next.changedAt, next.sortKey, query.after)) batch.push(next);
    }
    if (batch.length === 0) break;
    kept.push(...(await query.keep(batch.map((candidate) => ({ sortKey: candidate.sortKey, record: candidate.record, partitionKey: candidate.partitionKey })))));
  }
  return { items: kept.slice(0, query.top), more: kept.length > query.top };
}

async function nextOf(sources: readonly Source[]): Promise<Candidate | undefined> {
  let best: { readonly source: Source; readonly candidate: Candidate } | undefined;
  for (const source of sources) {
    const candidate = await source.head();
    if (candidate !== undefined && (best === undefined || listingOrder(candidate, best.candidate) < 0)) best = { source, candidate };
  }
  best?.source.advance();
  return best?.candidate;
}

/** A partition's index rows from the cursor's time down, a service page at a time. */
function indexSource(findings: TableClient, endpoint: string, partitionKey: string, query: NewestFirstQuery<unknown>, pageSize: number): Source {
  const after = query.after === undefined ? undefined : cursorParts(query.after);
  const pages = findings.listEntities<Record<string, unknown>>({ queryOptions: { filter: indexQuery(partitionKey, after, query.clauses) } }).byPage({ maxPageSize: pageSize });
  let buffer: Candidate[] = [];
  let done = false;
  const fill = async (): Promise<void> => {
    while (buffer.length === 0 && !done) {
      let page: IteratorResult<TableEntityResult<Record<string, unknown>>[]>;
      try {
        page = await pages.next();
      } catch (error) {
        throw storeFailure(error, endpoint, `listing the change index of partition ${partitionKey}`);
      }
      if (page.done === true) {
        done = true;
        return;
      }
      // Tombstones (and anything unreadable) are skipped.
      buffer = page.value
        .map(indexedRecordOf)
        .filter((entry) => entry !== undefined)
        .map((entry) => ({ changedAt: entry.record.lastChangedAt, sortKey: `${partitionKey}\n${entry.findingRowKey}`, partitionKey, record: entry.record }));
    }
  };
  return {
    head: async () => {
      await fill();
      return buffer[0];
    },
    advance: () => {
      buffer.shift();
    },
  };
}

/** The cursor's sort key is `partition \n finding row key` (see the candidates' sortKey). */
function cursorParts(cursor: PageCursor): { readonly changedAt: string; readonly partitionKey: string; readonly findingRowKey: string } {
  const split = cursor.sortKey.indexOf('\n');
  return split < 0
    ? { changedAt: cursor.changedAt, partitionKey: cursor.sortKey, findingRowKey: '' }
    : { changedAt: cursor.changedAt, partitionKey: cursor.sortKey.slice(0, split), findingRowKey: cursor.sortKey.slice(split + 1) };
}

/** A partition without a trusted index (or one resource's key range): every finding the clauses select, sorted here. */
function wholePartitionSource(findings: TableClient, endpoint: string, partitionKey: string, query: NewestFirstQuery<unknown>): Source {
  let sorted: Candidate[] | undefined;
  let position = 0;
  return {
    head: async () => {
      if (sorted === undefined) {
        const range = query.rowKeyRange;
        const parts = [
          range === undefined ? odata`PartitionKey eq ${partitionKey} and RowKey ge ${FIRST_FINDING_ROW_KEY}` : odata`PartitionKey eq ${partitionKey} and RowKey ge ${range.low} and RowKey lt ${range.high}`,
        ];
        if (query.clauses.ruleId !== undefined) parts.push(odata`ruleId eq ${query.clauses.ruleId}`);
        if (query.clauses.severity !== undefined) parts.push(odata`severity eq ${query.clauses.severity}`);
        if (query.clauses.lifecycle !== undefined) parts.push(odata`lifecycle eq ${query.clauses.lifecycle}`);
        const candidates: Candidate[] = [];
        try {
          for await (const entity of findings.listEntities<Record<string, unknown>>({ queryOptions: { filter: parts.join(' and ') } })) {
            const record = fromEntity(entity);
            const rowKey = entity.rowKey ?? '';
            if (record !== undefined) candidates.push({ changedAt: record.lastChangedAt, sortKey: `${partitionKey}\n${rowKey}`, partitionKey, record });
          }
        } catch (error) {
          throw storeFailure(error, endpoint, `listing findings of partition ${partitionKey}`);
        }
        sorted = candidates.sort(listingOrder);
      }
      return sorted[position];
    },
    advance: () => {
      position++;
    },
  };
}

/** One page as the table service pages it: at most `top` entities, and where to go on. */
export async function readServicePage(
  findings: TableClient,
  endpoint: string,
  query: string,
  top: number,
  serviceToken: string | undefined,
): Promise<{ readonly entities: readonly TableEntityResult<Record<string, unknown>>[]; readonly continuationToken?: string }> {
  try {
    const pages = findings.listEntities<Record<string, unknown>>({ queryOptions: { filter: query } }).byPage({ maxPageSize: top, ...(serviceToken !== undefined ? { continuationToken: serviceToken } : {}) });
    const next = await pages.next();
    if (next.done === true) return { entities: [] };
    const page = next.value;
    return page.continuationToken !== undefined && page.continuationToken !== '' ? { entities: page, continuationToken: page.continuationToken } : { entities: page };
  } catch (error) {
    // A token the service cannot read fails before any request: the caller's input, not the store.
    if (serviceToken !== undefined && statusOf(error) === undefined) throw new StoreInputError('invalid continuation token');
    throw storeFailure(error, endpoint, 'listing findings');
  }
}
