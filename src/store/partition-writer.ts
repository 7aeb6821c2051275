/**
 * The partition write protocol of the findings store: how evaluations become finding writes.
 *
 * Concurrency design (no lost or resurrected state):
 * - Every partition (subscription) has a marker row. Every write to a partition's findings is an
 *   entity-group transaction that also updates the marker under its ETag, and each finding write
 *   carries the finding's own ETag (or is a create). So any two writers of one partition are
 *   serialised: the loser gets 412/409, re-reads, and decides again.
 * - A complete sweep first claims the marker (`sweptAt` = its evaluatedAt); evaluations older
 *   than the claim (events, incomplete or older sweeps) are refused from then on. This is what
 *   lets a complete sweep leave unchanged findings unwritten (0 entity writes on an unchanged
 *   estate) without an older event slipping in behind it.
 * - Events and incomplete sweeps confirm the findings they saw unchanged (evaluatedAt moves
 *   forward), so an older sweep cannot overwrite them either.
 * - An evaluation older than a finding's stored evaluatedAt never overwrites it.
 * - A sweep record is written after its partition's findings: a sweep that fails halfway leaves
 *   no record, and nothing derived from sweep records claims it happened.
 * - An event batch announces what it changed before it judges (change-notices.ts): its notices,
 *   and the partition's eventAt moved to its time, in writes conditional on the marker it read
 *   with the notices of others. A conflict there means someone announced since, possibly a change
 *   the batch has not seen: PartitionMovedError, and the batch reads again. Once its announcement
 *   is in, every later batch reads it (its own is conditional on a marker read after) and judges
 *   later than this one, so the batch's findings are written as anyone's: where a later batch
 *   wrote, its newer verdict, which has seen this batch's changes, stays.
 */
import type { TableEntityResult, TableClient, TableTransactionResponse, TransactionAction } from '@azure/data-tables';
import { odata } from '@azure/data-tables';
import { asString } from '../core/json';
import { maxTime } from '../core/time';
import type { Evaluation } from '../core/types';
import { deleteTombstones, indexActions, registerPartition, tombstoneLeft } from './change-index';
import { inParallel } from './concurrency';
import { noticeActions } from './change-notices';
import { isWriteConflict, PartitionMovedError, statusOf, StoreError, storeFailure } from './errors';
import { FIRST_FINDING_ROW_KEY, MARKER_ROW_KEY, resourceRowKeyRange } from './keys';
import type { Decision } from './lifecycle';
import { decide } from './lifecycle';
import type { FindingRecord } from './record';
import { fromEntity, toEntityProperties } from './record';
import type { Tally } from './sweep-records';
import { storedFindingOf } from './stored-finding';
import { matchSuppression } from './suppression';
import type { ChangeNotice, FindingChange, PartitionMarker, Suppression } from './types';

const OPERATION_OVERHEAD_BYTES = 1024;

const MAX_CONFLICT_RETRIES = 12;

/** Findings re-read at once after a conflict: enough to hide their latency, few enough to stay polite. */
const FINDING_READS_AT_ONCE = 16;

export type Marker = PartitionMarker;

export interface Loaded {
  readonly record: FindingRecord | undefined;
  readonly etag: string | undefined;
}

interface PendingWrite {
  readonly rowKey: string;
  readonly decision: Extract<Decision, { next: FindingRecord }>;
  readonly previous: FindingRecord | undefined;
  readonly etag: string | undefined;
}

export interface PartitionWork {
  readonly partitionKey: string;
  /** Evaluations by row key. */
  readonly evaluations: Map<string, Evaluation>;
  /** The stored findings in play: the whole partition (sweeps) or those of some resources (events). */
  readonly resources: 'partition' | readonly string[];
  /** Stored findings in play that were not re-evaluated are resolved (the subject is gone or no longer applies). */
  readonly resolveAbsent: boolean;
  /** A complete sweep: claim the partition, do not confirm unchanged findings. */
  readonly claim: { readonly sweepId: string } | undefined;
  /** The rules judged; stored findings of others are not in play. Undefined: every rule. */
  readonly ruleIds?: ReadonlySet<string>;
}

/** The finding write and its change-index writes (see change-index.ts): one transaction holds them all. */
function actionsOf(write: PendingWrite, partitionKey: string, tombstones: boolean): TransactionAction[] {
  const entity = { partitionKey, rowKey: write.rowKey, ...toEntityProperties(write.decision.next) };
  const finding: TransactionAction = write.etag === undefined ? ['create', entity] : ['update', entity, 'Replace', { etag: write.etag }];
  return [finding, ...indexActions(partitionKey, write.rowKey, write.previous, write.decision.next, tombstones)];
}

function takeBatch(pending: readonly PendingWrite[], partitionKey: string): PendingWrite[] {
  const count = fittingCount(pending, 0, (write) => {
    // Sized as the larger form (tombstones), so a retry in that form fits too.
    const actions = actionsOf(write, partitionKey, true);
    return { operations: actions.length, bytes: actions.reduce((sum, action) => sum + Buffer.byteLength(JSON.stringify(action[1]), 'utf8') + OPERATION_OVERHEAD_BYTES, 0) };
  });
  return pending.slice(0, count);
}

/** How many items from `start` one transaction takes: the first always, then as many as fit the operation and body limits. */
function fittingCount<T>(items: readonly T[], start: number, costOf: (item: T) => { readonly operations: number; readonly bytes: number }): number {
  let end = start;
  let operations = 0;
  let bytes = 0;
  while (end < items.length) {
    const cost = costOf(items[end] as T);
    if (end > start && (operations + cost.operations > OPERATIONS_PER_TRANSACTION || bytes + cost.bytes > TRANSACTION_BUDGET_BYTES)) break;
    operations += cost.operations;
    bytes += cost.bytes;
    end++;
  }
  return end - start;
}

function pause(attempt: number): Promise<void> {
  // Jittered backoff so racing writers do not collide again in lockstep.
  const ms = Math.min(500, 10 * 2 ** Math.min(attempt, 6)) * (0.5 + Math.random());
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Operations per transaction: 100 is the service limit, one slot is the partition marker. */
export const OPERATIONS_PER_TRANSACTION = 99;

/**
 * Finding changes per transaction: each is the finding, its change-index row and the delete (or
 * tombstone) of its previous index row (change-index.ts). New findings go 49 to a transaction.
 */
export const CHANGES_PER_TRANSACTION = Math.floor(OPERATIONS_PER_TRANSACTION / 3);
export const NEW_FINDINGS_PER_TRANSACTION = Math.floor(OPERATIONS_PER_TRANSACTION / 2);

/**
 * A transaction body is at most 4 MiB as sent. Entities are measured as the JSON the SDK sends
 * (UTF-8, escapes included) plus each operation's multipart headers; keep a margin below the limit.
 */
export const TRANSACTION_BUDGET_BYTES = 3_500_000;

/** Writes evaluations into the findings table, one partition (subscription) at a time. */
export class PartitionWriter {
  /** Partitions this writer has seen registered (change-index.ts), so it registers each once. */
  private readonly registered = new Set<string>();

  constructor(
    private readonly findings: TableClient,
    private readonly endpoint: string,
  ) {}

  /** Decides and writes one partition; see the concurrency design at the top of this file. */
  async apply(work: PartitionWork, at: string, suppressions: readonly Suppression[], now: Date, tally: Tally, seenAt: string = at): Promise<void> {
    const { partitionKey } = work;
    let marker: Marker | undefined;
    let floor: string | undefined;
    if (work.claim !== undefined) {
      const claimed = await this.claimPartition(partitionKey, at, work.claim.sweepId, tally);
      if (claimed === 'superseded') {
        tally.superseded = true;
        tally.stale += work.evaluations.size;
        return;
      }
      marker = claimed;
    } else {
      marker = await this.readMarker(partitionKey);
      floor = marker?.sweptAt || undefined;
      await this.register(partitionKey, marker === undefined);
    }

    const loaded = await this.loadForWork(work);
    const rowKeys = new Set<string>(work.evaluations.keys());
    for (const rowKey of loaded.keys()) rowKeys.add(rowKey);
    const options = { at, seenAt, confirmUnchanged: work.claim === undefined, floor };
    let pending: PendingWrite[] = [];
    for (const rowKey of rowKeys) {
      const current = loaded.get(rowKey);
      const decision = decide(current?.record, work.evaluations.get(rowKey), options);
      this.collect(rowKey, decision, current, pending, tally);
    }

    while (pending.length > 0) {
      const batch = takeBatch(pending, partitionKey);
      pending = pending.slice(batch.length);
      let attempt = 0;
      let current = batch;
      // After a 404 (an index row missing, in a partition written before the index), old rows become tombstones.
      let tombstones = false;
      while (current.length > 0) {
        const actions: TransactionAction[] = current.flatMap((write) => actionsOf(write, partitionKey, tombstones));
        actions.push(markerAction(partitionKey, marker, at));
        try {
          const response = await this.findings.submitTransaction(actions);
          const markerEtag = markerEtagOf(response, actions.length - 1);
          marker = markerEtag === undefined ? await this.readMarker(partitionKey) : afterWrite(marker, markerEtag);
          for (const write of current) this.commit(write, suppressions, now, tally);
          tally.bookkeepingWrites++;
          if (tombstones) {
            await deleteTombstones(this.findings, partitionKey, current.map((write) => tombstoneLeft(write.rowKey, write.previous, write.decision.next)).filter((key): key is string => key !== undefined));
          }
          break;
        } catch (error) {
          if (!isWriteConflict(error)) throw storeFailure(error, this.endpoint, `writing findings of partition ${partitionKey}`);
          if (statusOf(error) === 404) tombstones = true;
          attempt++;
          if (attempt > MAX_CONFLICT_RETRIES) {
            throw new StoreError(`findings store: partition ${partitionKey} kept changing under this write (${attempt} conflicts); nothing of this batch was written`, { cause: error });
          }
          await pause(attempt);
          // Someone else wrote first: re-read the marker and these findings, and decide again.
          marker = await this.readMarker(partitionKey);
          if (work.claim !== undefined && (marker === undefined || marker.sweptAt > at || (marker.sweptAt === at && marker.sweepId !== work.claim.sweepId))) {
            // A newer complete sweep claimed the partition: what is left of ours is stale.
            tally.superseded = true;
            tally.stale += current.length + pending.length;
            return;
          }
          const retryOptions = { at, seenAt, confirmUnchanged: work.claim === undefined, floor: work.claim === undefined ? marker?.sweptAt || undefined : undefined };
          const retry: PendingWrite[] = [];
          // At once, not one after the other: the longer the re-read, the likelier the next write conflicts too.
          const reread = await inParallel(current, FINDING_READS_AT_ONCE, (write) => this.readFinding(partitionKey, write.rowKey));
          current.forEach((write, index) => {
            const fresh = reread[index] as Loaded;
            this.collect(write.rowKey, decide(fresh.record, work.evaluations.get(write.rowKey), retryOptions), fresh, retry, tally);
          });
          // Decided again, a write may take more operations than before (the other writer created
          // findings this batch meant to create: each is now a change with an index row to
          // replace), so the batch is cut again to the limit and the rest waits its turn.
          current = retry.length > 0 ? takeBatch(retry, partitionKey) : retry;
          pending = [...retry.slice(current.length), ...pending];
        }
      }
    }
  }

  /**
   * An event batch's announcement (see the top of this file): its notices, and eventAt moved to
   * `at`, each transaction conditional on the marker the batch read (or creating it). A conflict
   * is PartitionMovedError.
   */
  async announce(partitionKey: string, notices: readonly ChangeNotice[], marker: Marker | undefined, at: string): Promise<void> {
    await this.register(partitionKey, marker === undefined);
    const actions = noticeActions(partitionKey, notices);
    let current = marker;
    for (let start = 0; start < actions.length; ) {
      // Cut at the operation limit, or sooner where the states they carry would pass the body limit.
      const end = start + fittingCount(actions, start, (notice) => ({ operations: 1, bytes: notice.bytes + OPERATION_OVERHEAD_BYTES }));
      const transaction = [...actions.slice(start, end).map((notice) => notice.action), markerAction(partitionKey, current, at, maxTime(current?.eventAt, at))];
      start = end;
      let response;
      try {
        response = await this.findings.submitTransaction(transaction);
      } catch (error) {
        if (isWriteConflict(error)) throw new PartitionMovedError(partitionKey, { cause: error });
        throw storeFailure(error, this.endpoint, `writing the change notices of partition ${partitionKey}`);
      }
      const etag = markerEtagOf(response, transaction.length - 1);
      // Without the marker's new ETag the rest cannot be conditional on this write: the batch starts again.
      if (etag === undefined) throw new PartitionMovedError(partitionKey);
      current = afterWrite(current, etag, maxTime(current?.eventAt, at));
    }
  }

  /** Registers the partition before its first finding is written; `isNew` when it has no marker yet. */
  private async register(partitionKey: string, isNew: boolean): Promise<void> {
    if (this.registered.has(partitionKey)) return;
    await registerPartition(this.findings, this.endpoint, partitionKey, isNew);
    this.registered.add(partitionKey);
  }

  private collect(rowKey: string, decision: Decision, current: Loaded | undefined, pending: PendingWrite[], tally: Tally): void {
    if (!('next' in decision)) {
      if (decision.kind === 'unchanged') tally.unchanged++;
      else if (decision.kind === 'stale') tally.stale++;
      return;
    }
    pending.push({ rowKey, decision, previous: current?.record, etag: current?.etag });
  }

  private commit(write: PendingWrite, suppressions: readonly Suppression[], now: Date, tally: Tally): void {
    tally.written++;
    const { kind, next } = write.decision;
    if (kind === 'confirmed') {
      tally.unchanged++;
      return;
    }
    tally[kind]++;
    const finding = storedFindingOf(next, suppressions, now, undefined);
    if ((kind === 'opened' || kind === 'reopened') && finding.state === 'suppressed') tally.suppressed++;
    const change: FindingChange =
      write.previous === undefined
        ? { kind, finding }
        : { kind, finding, previousState: write.previous.lifecycle === 'resolved' ? 'resolved' : matchSuppression(suppressions, next.ruleId, next.resourceId, now) ? 'suppressed' : 'open' };
    tally.changes.push(change);
  }

  /** Sets the marker's sweptAt to `at` under its ETag; 'superseded' when a newer complete sweep holds it. */
  private async claimPartition(partitionKey: string, at: string, sweepId: string, tally: Tally): Promise<Marker | 'superseded'> {
    for (let attempt = 1; ; attempt++) {
      const marker = await this.readMarker(partitionKey);
      await this.register(partitionKey, marker === undefined);
      if (marker !== undefined && (marker.sweptAt > at || (marker.sweptAt === at && marker.sweepId !== sweepId))) return 'superseded';
      const entity = { partitionKey, rowKey: MARKER_ROW_KEY, sweptAt: at, sweepId, touchedAt: at };
      try {
        const response = await (marker === undefined ? this.findings.createEntity(entity) : this.findings.updateEntity(entity, 'Merge', { etag: marker.etag }));
        tally.bookkeepingWrites++;
        if (response.etag !== undefined) return { etag: response.etag, sweptAt: at, sweepId, eventAt: marker?.eventAt ?? '' };
        const reread = await this.readMarker(partitionKey);
        if (reread === undefined) throw new StoreError(`findings store: the marker of partition ${partitionKey} vanished`);
        return reread;
      } catch (error) {
        if (!isWriteConflict(error)) throw storeFailure(error, this.endpoint, `claiming partition ${partitionKey}`);
        if (attempt > MAX_CONFLICT_RETRIES) throw new StoreError(`findings store: could not claim partition ${partitionKey} (${attempt} conflicts)`, { cause: error });
        await pause(attempt);
      }
    }
  }

  async readMarker(partitionKey: string): Promise<Marker | undefined> {
    try {
      const entity = await this.findings.getEntity(partitionKey, MARKER_ROW_KEY);
      return { etag: entity.etag, sweptAt: asString(entity.sweptAt) ?? '', sweepId: asString(entity.sweepId) ?? '', eventAt: asString(entity.eventAt) ?? '' };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw storeFailure(error, this.endpoint, `reading partition ${partitionKey}`);
    }
  }

  async readFinding(partitionKey: string, rowKey: string): Promise<Loaded> {
    try {
      const entity = await this.findings.getEntity(partitionKey, rowKey);
      return { record: fromEntity(entity), etag: entity.etag };
    } catch (error) {
      if (statusOf(error) === 404) return { record: undefined, etag: undefined };
      throw storeFailure(error, this.endpoint, `reading a finding of partition ${partitionKey}`);
    }
  }

  /** The stored findings a piece of work may change: the partition for sweeps, each resource's key range for events. */
  private async loadForWork(work: PartitionWork): Promise<Map<string, Loaded>> {
    const loaded = new Map<string, Loaded>();
    const keep = (entity: TableEntityResult<Record<string, unknown>>): void => {
      const rowKey = entity.rowKey ?? '';
      if (work.evaluations.has(rowKey)) {
        loaded.set(rowKey, { record: fromEntity(entity), etag: entity.etag });
        return;
      }
      // Incomplete runs only touch what they re-evaluated; a run of some rules, only findings of those.
      if (!work.resolveAbsent) return;
      const record = fromEntity(entity);
      if (work.ruleIds !== undefined && (record === undefined || !work.ruleIds.has(record.ruleId))) return;
      loaded.set(rowKey, { record, etag: entity.etag });
    };
    if (work.resources === 'partition') {
      await scanTable(this.findings, this.endpoint, odata`PartitionKey eq ${work.partitionKey} and RowKey ge ${FIRST_FINDING_ROW_KEY}`, keep, 'loading findings');
    } else {
      for (const resourceId of work.resources) {
        const range = resourceRowKeyRange(resourceId);
        await scanTable(this.findings, this.endpoint, odata`PartitionKey eq ${work.partitionKey} and RowKey ge ${range.low} and RowKey lt ${range.high}`, keep, 'loading findings');
      }
    }
    return loaded;
  }

}

/**
 * The marker's write in a transaction: created when the partition has none, else merged under the
 * ETag read. An event batch's announcement also sets the partition's eventAt.
 */
function markerAction(partitionKey: string, marker: Marker | undefined, at: string, eventAt?: string): TransactionAction {
  const entity = { partitionKey, rowKey: MARKER_ROW_KEY, touchedAt: at, ...(eventAt !== undefined ? { eventAt } : {}) };
  return marker === undefined ? ['create', { eventAt: '', ...entity, sweptAt: '', sweepId: '' }] : ['update', entity, 'Merge', { etag: marker.etag }];
}

/** The marker as a transaction with markerAction left it. */
function afterWrite(marker: Marker | undefined, etag: string, eventAt: string = marker?.eventAt ?? ''): Marker {
  return { etag, sweptAt: marker?.sweptAt ?? '', sweepId: marker?.sweepId ?? '', eventAt };
}

/**
 * The marker's new ETag from a transaction's answer. Sub-responses come in the order of the
 * operations; only a create names its row (an update's answer carries no Location), so the
 * marker's is found by its place, then by its key.
 */
function markerEtagOf(response: TableTransactionResponse, markerIndex: number): string | undefined {
  const byPlace = response.subResponses.length > markerIndex ? response.subResponses[markerIndex] : undefined;
  if (byPlace !== undefined && (byPlace.rowKey === undefined || byPlace.rowKey === MARKER_ROW_KEY)) return byPlace.etag;
  return response.subResponses.find((sub) => sub.rowKey === MARKER_ROW_KEY)?.etag;
}

/** Every entity of `client` that `filter` selects, visited as the service pages them. */
export async function scanTable(client: TableClient, endpoint: string, filter: string, visit: (entity: TableEntityResult<Record<string, unknown>>) => void, action: string): Promise<void> {
  try {
    for await (const entity of client.listEntities<Record<string, unknown>>(filter === '' ? {} : { queryOptions: { filter } })) visit(entity);
  } catch (error) {
    throw storeFailure(error, endpoint, action);
  }
}
