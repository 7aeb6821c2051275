import { summarize } from '../engine/audit';
/**
 * The findings store over Azure Table Storage: the only code that talks to Tables.
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
 */
import type { TableEntityResult, TransactionAction } from '@azure/data-tables';
import { odata, TableClient } from '@azure/data-tables';
import type { TokenCredential } from '@azure/core-auth';
import { DefaultAzureCredential } from '@azure/identity';
import { randomUUID } from 'node:crypto';
import { idKey, subscriptionOf } from '../core/ids';
import { asBoolean, asNumber, asString } from '../core/json';
import type { Evaluation, Severity } from '../core/types';
import { isFinding, SEVERITIES, severityRank } from '../core/types';
import { isWriteConflict, statusOf, StoreError, StoreInputError, storeFailure } from './errors';
import {
  FIRST_FINDING_ROW_KEY,
  MARKER_ROW_KEY,
  partitionKeyOfResource,
  partitionKeyOfSubscription,
  resourceRowKeyRange,
  rowKeyOf,
  sha256Hex,
  sweepRowKey,
  tableNames,
} from './keys';
import type { Decision } from './lifecycle';
import { decide } from './lifecycle';
import type { FindingRecord } from './record';
import { clip, fromEntity, toEntityProperties } from './record';
import { ANY_RULE, isActive, matchSuppression, normalizeScope } from './suppression';
import type {
  FindingChange,
  FindingFilter,
  FindingPage,
  FindingsStore,
  FindingState,
  RecordEvaluationsInput,
  RecordEvaluationsResult,
  RepairResult,
  StoredFinding,
  Suppression,
  SuppressionInput,
  SweepFailureInput,
  SweepRecord,
} from './types';

export interface OpenStoreOptions {
  /** A storage connection string (Azurite, or a key-based account: keep it out of code). */
  readonly connectionString?: string;
  /** `https://ACCOUNT.table.core.windows.net`: with `credential`, or the Function App's identity via DefaultAzureCredential. */
  readonly accountUrl?: string;
  readonly credential?: TokenCredential;
  /** Prefix of the three table names (letters and digits); default `amlaudit`. */
  readonly tablePrefix?: string;
  /** Transport retries (the SDK's exponential policy); tests lower them to fail fast. */
  readonly retryOptions?: { readonly maxRetries?: number; readonly retryDelayInMs?: number; readonly maxRetryDelayInMs?: number };
  /** Clock for suppression expiry and sweep records (tests). */
  readonly now?: () => Date;
}

export const DEFAULT_TABLE_PREFIX = 'amlaudit';

/** Entities per transaction: 100 is the service limit, one slot is the partition marker. */
export const FINDINGS_PER_TRANSACTION = 99;
/**
 * A transaction body is at most 4 MiB as sent. Entities are measured as the JSON the SDK sends
 * (UTF-8, escapes included) plus each operation's multipart headers; keep a margin below the limit.
 */
export const TRANSACTION_BUDGET_BYTES = 3_500_000;
const OPERATION_OVERHEAD_BYTES = 1024;
/** The ISO times of a finding entity that order evaluations (repairFutureTimes). */
const FINDING_TIME_FIELDS = ['evaluatedAt', 'lastSeen', 'lastChangedAt', 'firstSeen', 'resolvedAt'] as const;
const MAX_CONFLICT_RETRIES = 12;
/** How far ahead of this clock an evaluation time may be (clock skew between hosts); beyond, it is refused. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;
const PARTITION_CONCURRENCY = 4;
const SUPPRESSION_PARTITION = 'suppression';
const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;

/** Opens (and creates when missing) the findings, sweeps and suppressions tables. */
export async function openFindingsStore(options: OpenStoreOptions): Promise<FindingsStore> {
  const names = tableNames(options.tablePrefix ?? DEFAULT_TABLE_PREFIX);
  const clientOptions = options.retryOptions === undefined ? {} : { retryOptions: { ...options.retryOptions } };
  let make: (table: string) => TableClient;
  let endpoint: string;
  if (options.connectionString !== undefined) {
    const connectionString = options.connectionString;
    // Azurite is plain http; the SDK refuses that unless told. Real accounts are https.
    const insecure = /UseDevelopmentStorage=true|=\s*http:\/\//i.test(connectionString);
    make = (table) => TableClient.fromConnectionString(connectionString, table, { ...clientOptions, allowInsecureConnection: insecure });
    endpoint = /TableEndpoint=([^;]+)/i.exec(connectionString)?.[1] ?? /AccountName=([^;]+)/i.exec(connectionString)?.[1] ?? 'the configured account';
  } else if (options.accountUrl !== undefined) {
    const accountUrl = options.accountUrl;
    // In Azure: the Function App's managed identity (no secret in code or settings).
    const credential = options.credential ?? new DefaultAzureCredential();
    make = (table) => new TableClient(accountUrl, table, credential, clientOptions);
    endpoint = accountUrl;
  } else {
    throw new StoreInputError('findings store: give a connection string or an account URL');
  }
  const store = new TableFindingsStore(
    make(names.findings),
    make(names.sweeps),
    make(names.suppressions),
    `${endpoint} (tables ${names.findings}, ${names.sweeps}, ${names.suppressions})`,
    endpoint,
    options.now ?? (() => new Date()),
  );
  await store.createTables();
  return store;
}

interface Marker {
  readonly etag: string;
  readonly sweptAt: string;
  readonly sweepId: string;
}

interface Loaded {
  readonly record: FindingRecord | undefined;
  readonly etag: string | undefined;
}

interface PendingWrite {
  readonly rowKey: string;
  readonly decision: Extract<Decision, { next: FindingRecord }>;
  readonly previous: FindingRecord | undefined;
  readonly etag: string | undefined;
}

interface PartitionWork {
  readonly partitionKey: string;
  /** Evaluations by row key. */
  readonly evaluations: Map<string, Evaluation>;
  /** The stored findings in play: the whole partition (sweeps) or those of some resources (events). */
  readonly resources: 'partition' | readonly string[];
  /** Stored findings in play that were not re-evaluated are resolved (the subject is gone or no longer applies). */
  readonly resolveAbsent: boolean;
  /** A complete sweep: claim the partition, do not confirm unchanged findings. */
  readonly claim: { readonly sweepId: string } | undefined;
}

interface Tally {
  opened: number;
  reopened: number;
  resolved: number;
  updated: number;
  unchanged: number;
  suppressed: number;
  stale: number;
  written: number;
  bookkeepingWrites: number;
  superseded: boolean;
  readonly changes: FindingChange[];
}

function newTally(): Tally {
  return { opened: 0, reopened: 0, resolved: 0, updated: 0, unchanged: 0, suppressed: 0, stale: 0, written: 0, bookkeepingWrites: 0, superseded: false, changes: [] };
}

class TableFindingsStore implements FindingsStore {
  constructor(
    private readonly findings: TableClient,
    private readonly sweeps: TableClient,
    private readonly suppressions: TableClient,
    readonly description: string,
    private readonly endpoint: string,
    private readonly now: () => Date,
  ) {}

  async createTables(): Promise<void> {
    // createTable ignores "already exists"; three tables, created once per process.
    for (const client of [this.findings, this.sweeps, this.suppressions]) {
      await this.io(`creating table ${client.tableName}`, () => client.createTable());
    }
  }

  async recordEvaluations(input: RecordEvaluationsInput): Promise<RecordEvaluationsResult> {
    const started = Date.now();
    const at = input.evaluatedAt.toISOString();
    const seenAt = (input.observedAt ?? input.evaluatedAt).toISOString();
    if (Number.isNaN(input.evaluatedAt.getTime())) throw new StoreInputError('recordEvaluations: evaluatedAt is not a valid date');
    const now = this.now();
    if (input.evaluatedAt.getTime() > now.getTime() + MAX_CLOCK_SKEW_MS) {
      // A time in the future would make every later sweep and event look older: refuse it.
      throw new StoreInputError(`recordEvaluations: evaluatedAt ${at} is more than ${MAX_CLOCK_SKEW_MS / 60_000} minutes ahead of this clock (${now.toISOString()})`);
    }
    const suppressions = (await this.listSuppressions()).filter((suppression) => isActive(suppression, now));
    const total = newTally();
    let outOfScope = 0;
    let recordedSweepId: string | null = null;

    if ('subscriptionIds' in input.scope) {
      const sweepId = input.sweepId ?? randomUUID();
      const claims = input.scope.claim !== false;
      const incomplete = new Set((input.scope.incompleteSubscriptionIds ?? []).map(partitionKeyOfSubscription));
      const bySubscription = new Map<string, { readonly subscriptionId: string; readonly evaluations: Evaluation[] }>();
      for (const subscriptionId of input.scope.subscriptionIds) {
        const key = partitionKeyOfSubscription(subscriptionId);
        if (!bySubscription.has(key)) bySubscription.set(key, { subscriptionId: subscriptionId.trim().toLowerCase(), evaluations: [] });
      }
      for (const evaluation of input.evaluations) {
        const target = bySubscription.get(partitionKeyOfResource(evaluation.resourceId));
        // A sweep of S touches only S: a subject in another subscription is someone else's.
        if (target === undefined) outOfScope++;
        else target.evaluations.push(evaluation);
      }
      // Subscriptions are independent partitions: persist a few at once (Tables scale per partition).
      const tallies = await inParallel([...bySubscription], PARTITION_CONCURRENCY, async ([partitionKey, { subscriptionId, evaluations }]) => {
        const complete = input.complete && !incomplete.has(partitionKey);
        const tally = newTally();
        await this.applyPartition(
          {
            partitionKey,
            evaluations: byRowKey(evaluations),
            resources: 'partition',
            resolveAbsent: complete,
            claim: complete && claims ? { sweepId } : undefined,
          },
          at,
          suppressions,
          now,
          tally,
          seenAt,
        );
        if (!claims) return tally;
        // Written only once the partition's findings are: a sweep that failed halfway leaves no record.
        const record = sweepRecordOf(sweepId, subscriptionId, input, evaluations, complete, tally, started, this.now());
        // An upsert: re-running a sweep that failed in another subscription rewrites this record, it does not collide with it.
        await this.io(`recording sweep ${sweepId}`, () =>
          this.sweeps.upsertEntity({ partitionKey, rowKey: sweepRowKey(input.evaluatedAt, sweepId), ...sweepEntity(record) }, 'Replace'),
        );
        tally.bookkeepingWrites++;
        return tally;
      });
      for (const tally of tallies) addTally(total, tally);
      recordedSweepId = claims ? sweepId : null;
    } else {
      const byPartition = new Map<string, { evaluations: Evaluation[]; resources: Map<string, string> }>();
      for (const key of input.scope.resourceKeys) {
        const partitionKey = partitionKeyOfResource(key);
        const entry = byPartition.get(partitionKey) ?? { evaluations: [], resources: new Map<string, string>() };
        entry.resources.set(idKey(key), key);
        byPartition.set(partitionKey, entry);
      }
      for (const evaluation of input.evaluations) {
        const entry = byPartition.get(partitionKeyOfResource(evaluation.resourceId));
        if (entry === undefined || !entry.resources.has(idKey(evaluation.resourceId))) outOfScope++;
        else entry.evaluations.push(evaluation);
      }
      for (const [partitionKey, entry] of byPartition) {
        await this.applyPartition(
          // With an incomplete inventory, a subject missing from the evaluations may just be unread: resolve nothing by absence.
          { partitionKey, evaluations: byRowKey(entry.evaluations), resources: [...entry.resources.values()], resolveAbsent: input.complete, claim: undefined },
          at,
          suppressions,
          now,
          total,
          seenAt,
        );
      }
    }
    const { superseded: _superseded, ...counts } = total;
    return { ...counts, outOfScope, sweepId: recordedSweepId };
  }

  /** Decides and writes one partition; see the concurrency design at the top of this file. */
  private async applyPartition(work: PartitionWork, at: string, suppressions: readonly Suppression[], now: Date, tally: Tally, seenAt: string = at): Promise<void> {
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
      while (current.length > 0) {
        const actions: TransactionAction[] = current.map((write) => {
          const entity = { partitionKey, rowKey: write.rowKey, ...toEntityProperties(write.decision.next) };
          return write.etag === undefined ? ['create', entity] : ['update', entity, 'Replace', { etag: write.etag }];
        });
        const markerEntity = { partitionKey, rowKey: MARKER_ROW_KEY, touchedAt: at };
        actions.push(marker === undefined ? ['create', { ...markerEntity, sweptAt: '', sweepId: '' }] : ['update', markerEntity, 'Merge', { etag: marker.etag }]);
        try {
          const response = await this.findings.submitTransaction(actions);
          const markerEtag = response.subResponses.find((sub) => sub.rowKey === MARKER_ROW_KEY)?.etag;
          marker = markerEtag === undefined ? await this.readMarker(partitionKey) : { etag: markerEtag, sweptAt: marker?.sweptAt ?? '', sweepId: marker?.sweepId ?? '' };
          for (const write of current) this.commit(write, suppressions, now, tally);
          tally.bookkeepingWrites++;
          break;
        } catch (error) {
          if (!isWriteConflict(error)) throw storeFailure(error, this.endpoint, `writing findings of partition ${partitionKey}`);
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
          for (const write of current) {
            const fresh = await this.readFinding(partitionKey, write.rowKey);
            const evaluation = work.evaluations.get(write.rowKey);
            this.collect(write.rowKey, decide(fresh.record, evaluation, retryOptions), fresh, retry, tally);
          }
          current = retry;
        }
      }
    }
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
      if (marker !== undefined && (marker.sweptAt > at || (marker.sweptAt === at && marker.sweepId !== sweepId))) return 'superseded';
      const entity = { partitionKey, rowKey: MARKER_ROW_KEY, sweptAt: at, sweepId, touchedAt: at };
      try {
        const response = await (marker === undefined ? this.findings.createEntity(entity) : this.findings.updateEntity(entity, 'Merge', { etag: marker.etag }));
        tally.bookkeepingWrites++;
        if (response.etag !== undefined) return { etag: response.etag, sweptAt: at, sweepId };
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

  private async readMarker(partitionKey: string): Promise<Marker | undefined> {
    try {
      const entity = await this.findings.getEntity(partitionKey, MARKER_ROW_KEY);
      return { etag: entity.etag, sweptAt: asString(entity.sweptAt) ?? '', sweepId: asString(entity.sweepId) ?? '' };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw storeFailure(error, this.endpoint, `reading partition ${partitionKey}`);
    }
  }

  private async readFinding(partitionKey: string, rowKey: string): Promise<Loaded> {
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
      // Incomplete runs only touch what they re-evaluated.
      if (work.resolveAbsent || work.evaluations.has(rowKey)) loaded.set(rowKey, { record: fromEntity(entity), etag: entity.etag });
    };
    if (work.resources === 'partition') {
      await this.scan(this.findings, odata`PartitionKey eq ${work.partitionKey} and RowKey ge ${FIRST_FINDING_ROW_KEY}`, keep, 'loading findings');
    } else {
      for (const resourceId of work.resources) {
        const range = resourceRowKeyRange(resourceId);
        await this.scan(this.findings, odata`PartitionKey eq ${work.partitionKey} and RowKey ge ${range.low} and RowKey lt ${range.high}`, keep, 'loading findings');
      }
    }
    return loaded;
  }

  private async scan(client: TableClient, filter: string, visit: (entity: TableEntityResult<Record<string, unknown>>) => void, action: string): Promise<void> {
    try {
      for await (const entity of client.listEntities<Record<string, unknown>>(filter === '' ? {} : { queryOptions: { filter } })) visit(entity);
    } catch (error) {
      throw storeFailure(error, this.endpoint, action);
    }
  }

  async getFinding(ruleId: string, resourceId: string): Promise<StoredFinding | undefined> {
    const partitionKey = partitionKeyOfResource(resourceId);
    const { record } = await this.readFinding(partitionKey, rowKeyOf(ruleId, resourceId));
    if (record === undefined) return undefined;
    const now = this.now();
    const suppressions = await this.listSuppressions();
    const confirmed = record.lifecycle === 'open' ? await this.latestCompleteSweep(partitionKey) : undefined;
    return storedFindingOf(record, suppressions, now, confirmed);
  }

  async listFindings(filter: FindingFilter = {}): Promise<FindingPage> {
    const top = Math.min(MAX_PAGE, Math.max(1, Math.trunc(filter.top ?? DEFAULT_PAGE)));
    const filterHash = sha256Hex(JSON.stringify([filter.state, filter.severity, filter.ruleId, filter.subscriptionId, filter.workspaceId, filter.resourceId])).slice(0, 12);
    const after = filter.continuationToken === undefined ? undefined : decodeToken(filter.continuationToken, filterHash);

    // Tables index only PartitionKey and RowKey: subscription and resource narrow by key; rule,
    // severity and lifecycle are property filters evaluated by the service; workspace and
    // suppression are applied here; ordering (newest change first) is done here too.
    const clauses: string[] = [odata`RowKey ge ${FIRST_FINDING_ROW_KEY}`];
    if (filter.resourceId !== undefined) {
      const range = resourceRowKeyRange(filter.resourceId);
      clauses.push(odata`PartitionKey eq ${partitionKeyOfResource(filter.resourceId)} and RowKey ge ${range.low} and RowKey lt ${range.high}`);
    } else if (filter.subscriptionId !== undefined) {
      clauses.push(odata`PartitionKey eq ${partitionKeyOfSubscription(filter.subscriptionId)}`);
    }
    if (filter.ruleId !== undefined) clauses.push(odata`ruleId eq ${filter.ruleId}`);
    if (filter.severity !== undefined) clauses.push(odata`severity eq ${filter.severity}`);
    if (filter.state === 'resolved') clauses.push(odata`lifecycle eq ${'resolved'}`);
    else if (filter.state !== undefined) clauses.push(odata`lifecycle eq ${'open'}`);

    const now = this.now();
    const suppressions = await this.listSuppressions();
    const workspaceKey = filter.workspaceId === undefined ? undefined : idKey(filter.workspaceId);
    const rows: { readonly sortKey: string; readonly record: FindingRecord; readonly partitionKey: string }[] = [];
    await this.scan(
      this.findings,
      clauses.join(' and '),
      (entity) => {
        const record = fromEntity(entity);
        if (record === undefined) return;
        if (workspaceKey !== undefined && !record.workspaceIds.some((id) => idKey(id) === workspaceKey)) return;
        rows.push({ sortKey: `${entity.partitionKey ?? ''}\n${entity.rowKey ?? ''}`, record, partitionKey: entity.partitionKey ?? '' });
      },
      'listing findings',
    );
    const confirmations = new Map<string, string | undefined>();
    const findings: { readonly sortKey: string; readonly finding: StoredFinding }[] = [];
    for (const row of rows) {
      let confirmed: string | undefined;
      if (row.record.lifecycle === 'open') {
        if (!confirmations.has(row.partitionKey)) confirmations.set(row.partitionKey, await this.latestCompleteSweep(row.partitionKey));
        confirmed = confirmations.get(row.partitionKey);
      }
      const finding = storedFindingOf(row.record, suppressions, now, confirmed);
      if (filter.state !== undefined && finding.state !== filter.state) continue;
      findings.push({ sortKey: row.sortKey, finding });
    }
    findings.sort((a, b) => compareDesc(a.finding.lastChangedAt, b.finding.lastChangedAt) || compareAsc(a.sortKey, b.sortKey));
    const start = after === undefined ? 0 : findings.findIndex((item) => isAfter(item.finding.lastChangedAt, item.sortKey, after));
    const page = start < 0 ? [] : findings.slice(start, start + top);
    const last = page[page.length - 1];
    const more = start >= 0 && start + top < findings.length && last !== undefined;
    return more ? { items: page.map((item) => item.finding), continuationToken: encodeToken(last.finding.lastChangedAt, last.sortKey, filterHash) } : { items: page.map((item) => item.finding) };
  }

  /** When the newest complete, applied, fully recorded sweep of a partition looked (its observedAt, else its start). */
  private async latestCompleteSweep(partitionKey: string): Promise<string | undefined> {
    try {
      const pages = this.sweeps
        .listEntities<Record<string, unknown>>({ queryOptions: { filter: odata`PartitionKey eq ${partitionKey} and complete eq ${true} and superseded eq ${false}`, select: ['startedAt', 'observedAt'] } })
        .byPage({ maxPageSize: 1 });
      for await (const page of pages) {
        const first = page[0];
        if (first !== undefined) return asString(first.observedAt) ?? asString(first.startedAt);
      }
      return undefined;
    } catch (error) {
      throw storeFailure(error, this.endpoint, 'reading sweep records');
    }
  }

  async recordSweep(input: SweepFailureInput): Promise<SweepRecord> {
    const sweepId = input.sweepId ?? randomUUID();
    const finished = this.now();
    const record: SweepRecord = {
      ...emptySweepCounts(),
      sweepId,
      subscriptionId: input.subscriptionId.trim().toLowerCase(),
      startedAt: input.startedAt.toISOString(),
      observedAt: input.startedAt.toISOString(),
      finishedAt: finished.toISOString(),
      durationMs: input.durationMs ?? Math.max(0, finished.getTime() - input.startedAt.getTime()),
      complete: false,
      superseded: false,
      error: clip(input.error),
    };
    await this.io(`recording sweep ${sweepId}`, () =>
      this.sweeps.createEntity({ partitionKey: partitionKeyOfSubscription(input.subscriptionId), rowKey: sweepRowKey(input.startedAt, sweepId), ...sweepEntity(record) }),
    );
    return record;
  }

  async listSweeps(subscriptionId?: string, top = 50): Promise<readonly SweepRecord[]> {
    const limit = Math.max(1, Math.trunc(top));
    const records: SweepRecord[] = [];
    const filter = subscriptionId === undefined ? undefined : odata`PartitionKey eq ${partitionKeyOfSubscription(subscriptionId)}`;
    try {
      for await (const entity of this.sweeps.listEntities<Record<string, unknown>>(filter === undefined ? {} : { queryOptions: { filter } })) {
        const record = sweepFromEntity(entity);
        if (record !== undefined) records.push(record);
        // Within one partition, row keys are newest first: stop early.
        if (subscriptionId !== undefined && records.length >= limit) break;
      }
    } catch (error) {
      throw storeFailure(error, this.endpoint, 'listing sweeps');
    }
    records.sort((a, b) => compareDesc(a.startedAt, b.startedAt) || compareAsc(a.subscriptionId, b.subscriptionId));
    return records.slice(0, limit);
  }

  async addSuppression(input: SuppressionInput): Promise<Suppression> {
    const ruleId = input.ruleId.trim();
    if (ruleId === '' || (ruleId !== ANY_RULE && !/^[a-z0-9][a-z0-9.-]*$/.test(ruleId))) throw new StoreInputError(`suppression: invalid rule ID '${ruleId}'`);
    const scope = normalizeScope(input.scope);
    if ('error' in scope) throw new StoreInputError(`suppression: ${scope.error}`);
    const reason = input.reason.trim();
    const createdBy = input.createdBy.trim();
    if (reason === '') throw new StoreInputError('suppression: a reason is required');
    if (createdBy === '') throw new StoreInputError('suppression: who is suppressing is required');
    const now = this.now();
    if (Number.isNaN(input.expiresOn.getTime()) || input.expiresOn <= now) throw new StoreInputError('suppression: expiresOn must be a date in the future');
    const suppression: Suppression = {
      id: randomUUID(),
      ruleId,
      scope: clip(input.scope.trim()),
      reason: clip(reason),
      createdBy: clip(createdBy),
      createdAt: now.toISOString(),
      expiresOn: input.expiresOn.toISOString(),
    };
    const { id, ...properties } = suppression;
    await this.io('adding a suppression', () => this.suppressions.createEntity({ partitionKey: SUPPRESSION_PARTITION, rowKey: id, ...properties }));
    return suppression;
  }

  async listSuppressions(options: { readonly includeExpired?: boolean } = {}): Promise<readonly Suppression[]> {
    const now = this.now();
    const result: Suppression[] = [];
    await this.scan(
      this.suppressions,
      odata`PartitionKey eq ${SUPPRESSION_PARTITION}`,
      (entity) => {
        const suppression = suppressionFromEntity(entity);
        if (suppression !== undefined && (options.includeExpired === true || isActive(suppression, now))) result.push(suppression);
      },
      'listing suppressions',
    );
    return result.sort((a, b) => compareAsc(a.expiresOn, b.expiresOn) || compareAsc(a.id, b.id));
  }

  async removeSuppression(id: string): Promise<boolean> {
    // Row keys we create are UUIDs; anything else cannot exist and must not reach a key.
    if (!/^[0-9a-f-]{36}$/i.test(id)) return false;
    try {
      await this.suppressions.deleteEntity(SUPPRESSION_PARTITION, id.toLowerCase());
      return true;
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw storeFailure(error, this.endpoint, 'removing a suppression');
    }
  }

  async repairFutureTimes(options: { readonly dryRun?: boolean } = {}): Promise<RepairResult> {
    const now = this.now();
    const repairedAt = now.toISOString();
    const limit = new Date(now.getTime() + MAX_CLOCK_SKEW_MS).toISOString();
    const markers: { partitionKey: string; etag: string }[] = [];
    const findings: { partitionKey: string; rowKey: string; etag: string; fields: Record<string, string> }[] = [];
    await this.scan(
      this.findings,
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
        await this.io(`releasing the marker of partition ${marker.partitionKey}`, () =>
          this.findings.updateEntity({ partitionKey: marker.partitionKey, rowKey: MARKER_ROW_KEY, sweptAt: '', sweepId: '', touchedAt: repairedAt }, 'Merge', { etag: marker.etag }).catch((error: unknown) => {
            if (!isWriteConflict(error)) throw error;
          }),
        );
      }
      for (const finding of findings) {
        await this.io(`repairing a finding of partition ${finding.partitionKey}`, () =>
          this.findings.updateEntity({ partitionKey: finding.partitionKey, rowKey: finding.rowKey, ...finding.fields }, 'Merge', { etag: finding.etag }).catch((error: unknown) => {
            if (!isWriteConflict(error)) throw error;
          }),
        );
      }
    }
    return { repairedAt, markers: markers.map((marker) => marker.partitionKey), findings: findings.length, dryRun: options.dryRun === true };
  }

  private async io<T>(action: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw storeFailure(error, this.endpoint, action);
    }
  }
}

export function storedFindingOf(record: FindingRecord, suppressions: readonly Suppression[], now: Date, confirmedAt: string | undefined): StoredFinding {
  const suppression = record.lifecycle === 'open' ? matchSuppression(suppressions, record.ruleId, record.resourceId, now) : null;
  const state: FindingState = record.lifecycle === 'resolved' ? 'resolved' : suppression !== null ? 'suppressed' : 'open';
  // An open finding a later complete sweep left untouched was confirmed by that sweep (see StoredFinding.lastSeen).
  const lastSeen = record.lifecycle === 'open' && confirmedAt !== undefined && confirmedAt > record.lastSeen ? confirmedAt : record.lastSeen;
  return {
    ruleId: record.ruleId,
    resourceId: record.resourceId,
    status: record.status,
    severity: record.severity,
    title: record.title,
    message: record.message,
    evidence: record.evidence,
    workspaceIds: record.workspaceIds,
    state,
    firstSeen: record.firstSeen,
    lastSeen,
    resolvedAt: record.resolvedAt,
    resolution: record.resolution,
    occurrences: record.occurrences,
    reopenCount: record.occurrences - 1,
    evaluatedAt: record.evaluatedAt,
    lastChangedAt: record.lastChangedAt,
    subscriptionId: subscriptionOf(record.resourceId) ?? null,
    suppression,
  };
}

/**
 * One evaluation per (rule, subject). Duplicates (the same subject written in two cases) keep
 * the most severe verdict: fail, then unknown, then the rest.
 */
function byRowKey(evaluations: readonly Evaluation[]): Map<string, Evaluation> {
  const weight = (evaluation: Evaluation): number => (evaluation.status === 'fail' ? 3 : evaluation.status === 'unknown' ? 2 : 1);
  const result = new Map<string, Evaluation>();
  for (const evaluation of evaluations) {
    const rowKey = rowKeyOf(evaluation.ruleId, evaluation.resourceId);
    const existing = result.get(rowKey);
    if (existing === undefined || weight(evaluation) > weight(existing)) result.set(rowKey, evaluation);
  }
  return result;
}

function takeBatch(pending: readonly PendingWrite[], partitionKey: string): PendingWrite[] {
  const batch: PendingWrite[] = [];
  let bytes = 0;
  for (const write of pending) {
    const size = Buffer.byteLength(JSON.stringify({ PartitionKey: partitionKey, RowKey: write.rowKey, ...toEntityProperties(write.decision.next) }), 'utf8') + OPERATION_OVERHEAD_BYTES;
    if (batch.length > 0 && (batch.length >= FINDINGS_PER_TRANSACTION || bytes + size > TRANSACTION_BUDGET_BYTES)) break;
    batch.push(write);
    bytes += size;
  }
  return batch;
}

function addTally(total: Tally, part: Tally): void {
  total.opened += part.opened;
  total.reopened += part.reopened;
  total.resolved += part.resolved;
  total.updated += part.updated;
  total.unchanged += part.unchanged;
  total.suppressed += part.suppressed;
  total.stale += part.stale;
  total.written += part.written;
  total.bookkeepingWrites += part.bookkeepingWrites;
  for (const change of part.changes) total.changes.push(change);
}

/** Runs `work` over `items`, at most `limit` at a time; results in input order; the first failure rejects. */
async function inParallel<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, () => worker()));
  return results;
}

function pause(attempt: number): Promise<void> {
  // Jittered backoff so racing writers do not collide again in lockstep.
  const ms = Math.min(500, 10 * 2 ** Math.min(attempt, 6)) * (0.5 + Math.random());
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function compareDesc(a: string, b: string): number {
  return a < b ? 1 : a > b ? -1 : 0;
}

function compareAsc(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface PageCursor {
  readonly changedAt: string;
  readonly sortKey: string;
}

function isAfter(changedAt: string, sortKey: string, cursor: PageCursor): boolean {
  return changedAt < cursor.changedAt || (changedAt === cursor.changedAt && sortKey > cursor.sortKey);
}

/** Keyset paging: the token names the last item returned, so inserts between pages shift nothing. */
function encodeToken(changedAt: string, sortKey: string, filterHash: string): string {
  return Buffer.from(JSON.stringify({ v: 1, c: changedAt, k: sortKey, f: filterHash }), 'utf8').toString('base64url');
}

function decodeToken(token: string, filterHash: string): PageCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new StoreInputError('invalid continuation token');
  }
  const value = parsed as { v?: unknown; c?: unknown; k?: unknown; f?: unknown };
  if (typeof parsed !== 'object' || parsed === null || value.v !== 1 || typeof value.c !== 'string' || typeof value.k !== 'string') {
    throw new StoreInputError('invalid continuation token');
  }
  if (value.f !== filterHash) throw new StoreInputError('continuation token belongs to a query with other filters');
  return { changedAt: value.c, sortKey: value.k };
}

function emptySweepCounts(): Omit<SweepRecord, 'sweepId' | 'subscriptionId' | 'startedAt' | 'observedAt' | 'finishedAt' | 'durationMs' | 'complete' | 'superseded'> {
  return {
    evaluations: 0,
    pass: 0,
    fail: 0,
    unknown: 0,
    notApplicable: 0,
    bySeverity: { info: 0, low: 0, medium: 0, high: 0 },
    byRule: {},
    opened: 0,
    reopened: 0,
    resolved: 0,
    updated: 0,
    stale: 0,
    written: 0,
  };
}

function sweepRecordOf(
  sweepId: string,
  subscriptionId: string,
  input: RecordEvaluationsInput,
  evaluations: readonly Evaluation[],
  complete: boolean,
  tally: Tally,
  startedMs: number,
  finished: Date,
): SweepRecord {
  const bySeverity: Record<Severity, number> = { info: 0, low: 0, medium: 0, high: 0 };
  const byRule: Record<string, number> = {};
  // The verdict counts are the engine's own summary; only the finding breakdowns are the store's.
  const { pass, fail, unknown, notApplicable } = summarize(0, evaluations);
  for (const evaluation of evaluations) {
    if (isFinding(evaluation)) {
      bySeverity[evaluation.severity]++;
      byRule[evaluation.ruleId] = (byRule[evaluation.ruleId] ?? 0) + 1;
    }
  }
  return {
    sweepId,
    subscriptionId,
    startedAt: input.evaluatedAt.toISOString(),
    observedAt: (input.observedAt ?? input.evaluatedAt).toISOString(),
    finishedAt: finished.toISOString(),
    durationMs: Math.round((input.durationMs ?? 0) + (Date.now() - startedMs)),
    complete,
    evaluations: evaluations.length,
    pass,
    fail,
    unknown,
    notApplicable,
    bySeverity,
    byRule,
    opened: tally.opened,
    reopened: tally.reopened,
    resolved: tally.resolved,
    updated: tally.updated,
    stale: tally.stale,
    written: tally.written,
    superseded: tally.superseded,
  };
}

function sweepEntity(record: SweepRecord): Record<string, string | number | boolean> {
  const { bySeverity, byRule, error, ...flat } = record;
  return {
    ...flat,
    bySeverity: JSON.stringify(bySeverity),
    // A sweep has at most a few dozen rules: far below the property limit.
    byRule: clip(JSON.stringify(byRule)),
    ...(error === undefined ? {} : { error }),
  };
}

function sweepFromEntity(entity: Readonly<Record<string, unknown>>): SweepRecord | undefined {
  const sweepId = asString(entity.sweepId);
  const subscriptionId = asString(entity.subscriptionId);
  const startedAt = asString(entity.startedAt);
  if (sweepId === undefined || subscriptionId === undefined || startedAt === undefined) return undefined;
  const count = (name: string): number => asNumber(entity[name]) ?? 0;
  const bySeverity: Record<Severity, number> = { info: 0, low: 0, medium: 0, high: 0 };
  const parsedSeverity = parseObject(asString(entity.bySeverity));
  for (const severity of SEVERITIES) bySeverity[severity] = asNumber(parsedSeverity[severity]) ?? 0;
  const byRule: Record<string, number> = {};
  for (const [rule, value] of Object.entries(parseObject(asString(entity.byRule)))) {
    const n = asNumber(value);
    if (n !== undefined) byRule[rule] = n;
  }
  const error = asString(entity.error);
  return {
    sweepId,
    subscriptionId,
    startedAt,
    observedAt: asString(entity.observedAt) ?? startedAt,
    finishedAt: asString(entity.finishedAt) ?? startedAt,
    durationMs: count('durationMs'),
    complete: asBoolean(entity.complete) ?? false,
    evaluations: count('evaluations'),
    pass: count('pass'),
    fail: count('fail'),
    unknown: count('unknown'),
    notApplicable: count('notApplicable'),
    bySeverity,
    byRule,
    opened: count('opened'),
    reopened: count('reopened'),
    resolved: count('resolved'),
    updated: count('updated'),
    stale: count('stale'),
    written: count('written'),
    superseded: asBoolean(entity.superseded) ?? false,
    ...(error === undefined ? {} : { error }),
  };
}

function parseObject(json: string | undefined): Record<string, unknown> {
  if (json === undefined) return {};
  try {
    const parsed: unknown = JSON.parse(json);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function suppressionFromEntity(entity: Readonly<Record<string, unknown>>): Suppression | undefined {
  const id = asString(entity.rowKey);
  const ruleId = asString(entity.ruleId);
  const scope = asString(entity.scope);
  const expiresOn = asString(entity.expiresOn);
  if (id === undefined || ruleId === undefined || scope === undefined || expiresOn === undefined) return undefined;
  return {
    id,
    ruleId,
    scope,
    reason: asString(entity.reason) ?? '',
    createdBy: asString(entity.createdBy) ?? '',
    createdAt: asString(entity.createdAt) ?? '',
    expiresOn,
  };
}

/** Most severe first, for callers that want a stable display order. */
export function bySeverityThenRule(a: StoredFinding, b: StoredFinding): number {
  return severityRank(b.severity) - severityRank(a.severity) || compareAsc(a.ruleId, b.ruleId) || compareAsc(a.resourceId, b.resourceId);
}

