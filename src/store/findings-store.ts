/**
 * The findings store over Azure Table Storage: the only code that talks to Tables. This file
 * routes each job: writes of evaluations (the partition write protocol, ./partition-writer.ts),
 * reads of findings with paging, sweep records and suppressions.
 *
 * Longer than 500 lines: it is the one door to the tables, every store call routed to its module
 * with the clients they share; each method is short.
 */
import type { TableEntityResult } from '@azure/data-tables';
import { odata, TableClient } from '@azure/data-tables';
import type { TokenCredential } from '@azure/core-auth';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { DefaultAzureCredential } from '@azure/identity';
import { randomUUID } from 'node:crypto';
import { idKey } from '../core/ids';
import { asString } from '../core/json';
import type { Evaluation } from '../core/types';
import { NOT_READ_MESSAGE_ID } from '../core/types';
import { deleteNoticesBefore, readNotices, readNoticedStates, withNoticesAnnounced } from './change-notices';
import { statusOf, StoreInputError, storeFailure } from './errors';
import {
  FIRST_FINDING_ROW_KEY,
  partitionKeyOfResource,
  partitionKeyOfSubscription,
  resourceRowKeyRange,
  rowKeyOf,
  sha256Hex,
  sweepRowKey,
  sweepRowKeyAfter,
  tableNames,
} from './keys';
import type { FindingRecord } from './record';
import { clip, fromEntity } from './record';
import { compareAsc, compareDesc, decodeKeyToken, decodeToken, encodeKeyToken, encodeToken } from './paging';
import { listNewestFirst, readServicePage } from './listing';
import type { ListedRow } from './listing';
import { storedFindingOf } from './stored-finding';
import { ANY_RULE, isActive, normalizeScope, suppressionFromEntity } from './suppression';
import { inParallel, MAX_CLOCK_SKEW_MS, PARTITION_CONCURRENCY } from './concurrency';
import { pruneHistory, repairFutureTimes } from './maintenance';
import type { StoreTables } from './maintenance';
import { PartitionWriter, scanTable } from './partition-writer';
import { addTally, confirmationOf, emptySweepCounts, newTally, rulesOf, sweepEntity, sweepFromEntity, sweepRecordOf } from './sweep-records';
import type { LatestSweep } from './sweep-records';
import type {
  FindingFilter,
  FindingPage,
  ChangeNotice,
  NoticedState,
  FindingsStore,
  PartitionSync,
  RecordEvaluationsInput,
  RecordEvaluationsResult,
  PruneResult,
  RemediationFilter,
  RemediationInput,
  RemediationRecord,
  RepairResult,
  StoredFinding,
  Suppression,
  SuppressionInput,
  SweepFailureInput,
  SweepRecord,
} from './types';
import { readRemediations, writeRemediation } from './remediation-records';

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
  /** Extra HTTP pipeline policies for every table client (the bench counts the entities a listing reads). */
  readonly pipelinePolicies?: readonly PipelinePolicy[];
}

export const DEFAULT_TABLE_PREFIX = 'amlaudit';

const SUPPRESSION_PARTITION = 'suppression';
const DEFAULT_PAGE = 100;
/** Time windows listSweeps widens through across subscriptions (then everything retention kept). */
const SWEEP_WINDOWS_DAYS = [1, 7, 30] as const;
const MAX_PAGE = 1000;

/** Opens (and creates when missing) the findings, sweeps and suppressions tables. */
export async function openFindingsStore(options: OpenStoreOptions): Promise<FindingsStore> {
  const names = tableNames(options.tablePrefix ?? DEFAULT_TABLE_PREFIX);
  const clientOptions = {
    ...(options.retryOptions === undefined ? {} : { retryOptions: { ...options.retryOptions } }),
    ...(options.pipelinePolicies === undefined ? {} : { additionalPolicies: options.pipelinePolicies.map((policy) => ({ policy, position: 'perCall' as const })) }),
  };
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
    make(names.remediations),
    `${endpoint} (tables ${names.findings}, ${names.sweeps}, ${names.suppressions}, ${names.remediations})`,
    endpoint,
    options.now ?? (() => new Date()),
  );
  await store.createTables();
  return store;
}

/** What a listing reads once besides the rows: the clock, the suppressions, each partition's newest complete sweep (filled as met). */
interface ReaderState {
  readonly now: Date;
  readonly suppressions: readonly Suppression[];
  readonly confirmations: Map<string, LatestSweep | undefined>;
}

function inWorkspace(record: FindingRecord, workspaceKey: string | undefined): boolean {
  return workspaceKey === undefined || record.workspaceIds.some((id) => idKey(id) === workspaceKey);
}

class TableFindingsStore implements FindingsStore {
  private readonly writer: PartitionWriter;

  constructor(
    private readonly findings: TableClient,
    private readonly sweeps: TableClient,
    private readonly suppressions: TableClient,
    private readonly remediations: TableClient,
    readonly description: string,
    private readonly endpoint: string,
    private readonly now: () => Date,
  ) {
    this.writer = new PartitionWriter(findings, endpoint);
  }

  async createTables(): Promise<void> {
    // createTable ignores "already exists"; four tables, created once per process.
    for (const client of [this.findings, this.sweeps, this.suppressions, this.remediations]) {
      await this.io(`creating table ${client.tableName}`, () => client.createTable());
    }
  }

  async recordRemediation(input: RemediationInput): Promise<RemediationRecord> {
    return this.io('recording a remediation', () => writeRemediation(this.remediations, input));
  }

  async listRemediations(filter: RemediationFilter = {}): Promise<readonly RemediationRecord[]> {
    return this.io('listing remediations', () => readRemediations(this.remediations, filter));
  }

  async syncPartition(subscriptionId: string, since: string | undefined, previous?: PartitionSync): Promise<PartitionSync> {
    const partitionKey = partitionKeyOfSubscription(subscriptionId);
    // The marker first: a batch that writes after someone else's notices were written finds it moved.
    const marker = await this.writer.readMarker(partitionKey);
    const held = previous?.marker;
    // No sweep since (a sweep deletes the notices it reflects), and the marker read then (its eventAt never goes back,
    // unless the row was deleted and made again): only what was announced since is new.
    if (held !== undefined && marker !== undefined && marker.sweepId === held.sweepId && marker.sweptAt === held.sweptAt && marker.eventAt >= held.eventAt) {
      const announced = await readNotices(this.findings, this.endpoint, partitionKey, since, held.eventAt);
      return { marker, notices: withNoticesAnnounced(previous?.notices ?? [], announced.notices), states: announced.states };
    }
    return { marker, notices: (await readNotices(this.findings, this.endpoint, partitionKey, since)).notices };
  }

  noticedStates(subscriptionId: string, notices: readonly ChangeNotice[]): Promise<ReadonlyMap<string, NoticedState>> {
    return readNoticedStates(this.findings, this.endpoint, partitionKeyOfSubscription(subscriptionId), notices);
  }

  async announceChanges(subscriptionId: string, partition: PartitionSync, notices: readonly ChangeNotice[], at: Date): Promise<void> {
    if (Number.isNaN(at.getTime())) throw new StoreInputError('announceChanges: at is not a valid date');
    if (at.getTime() > this.now().getTime() + MAX_CLOCK_SKEW_MS) throw new StoreInputError(`announceChanges: ${at.toISOString()} is more than ${MAX_CLOCK_SKEW_MS / 60_000} minutes ahead of this clock`);
    await this.writer.announce(partitionKeyOfSubscription(subscriptionId), notices, partition.marker, at.toISOString());
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
    const ruleIds = input.ruleIds === undefined ? undefined : new Set(input.ruleIds);
    const total = newTally();
    let outOfScope = 0;
    let recordedSweepId: string | null = null;
    // A verdict not given for want of part of the estate leaves its finding as it was, and its
    // partition resolves nothing by absence: the finding is not absent, it was not read.
    const judged: Evaluation[] = [];
    const unreadPartitions = new Set<string>();
    for (const evaluation of input.evaluations) {
      if (evaluation.messageId === NOT_READ_MESSAGE_ID) unreadPartitions.add(partitionKeyOfResource(evaluation.resourceId));
      else judged.push(evaluation);
    }
    const notRead = input.evaluations.length - judged.length;

    if ('subscriptionIds' in input.scope) {
      const sweepId = input.sweepId ?? randomUUID();
      const claims = input.scope.claim !== false;
      const incomplete = new Set([...(input.scope.incompleteSubscriptionIds ?? []).map(partitionKeyOfSubscription), ...unreadPartitions]);
      const bySubscription = new Map<string, { readonly subscriptionId: string; readonly evaluations: Evaluation[] }>();
      for (const subscriptionId of input.scope.subscriptionIds) {
        const key = partitionKeyOfSubscription(subscriptionId);
        if (!bySubscription.has(key)) bySubscription.set(key, { subscriptionId: subscriptionId.trim().toLowerCase(), evaluations: [] });
      }
      for (const evaluation of judged) {
        const target = bySubscription.get(partitionKeyOfResource(evaluation.resourceId));
        // A sweep of S touches only S: a subject in another subscription is someone else's.
        if (target === undefined) outOfScope++;
        else target.evaluations.push(evaluation);
      }
      // Subscriptions are independent partitions: persist a few at once (Tables scale per partition).
      const tallies = await inParallel([...bySubscription], PARTITION_CONCURRENCY, async ([partitionKey, { subscriptionId, evaluations }]) => {
        const complete = input.complete && !incomplete.has(partitionKey);
        const tally = newTally();
        await this.writer.apply(
          {
            partitionKey,
            evaluations: byRowKey(evaluations),
            resources: 'partition',
            resolveAbsent: complete,
            claim: complete && claims ? { sweepId } : undefined,
            ...(ruleIds !== undefined ? { ruleIds } : {}),
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
        if (complete && !tally.superseded && input.noticesReflectedBefore !== undefined && !Number.isNaN(input.noticesReflectedBefore.getTime())) {
          await deleteNoticesBefore(this.findings, this.endpoint, partitionKey, input.noticesReflectedBefore.toISOString());
        }
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
      for (const evaluation of judged) {
        const entry = byPartition.get(partitionKeyOfResource(evaluation.resourceId));
        if (entry === undefined || !entry.resources.has(idKey(evaluation.resourceId))) outOfScope++;
        else entry.evaluations.push(evaluation);
      }
      for (const [partitionKey, entry] of byPartition) {
        await this.writer.apply(
          // With an incomplete inventory, a subject missing from the evaluations may just be unread: resolve nothing by absence.
          { partitionKey, evaluations: byRowKey(entry.evaluations), resources: [...entry.resources.values()], resolveAbsent: input.complete && !unreadPartitions.has(partitionKey), claim: undefined, ...(ruleIds !== undefined ? { ruleIds } : {}) },
          at,
          suppressions,
          now,
          total,
          seenAt,
        );
      }
    }
    const { superseded: _superseded, ...counts } = total;
    return { ...counts, outOfScope, notRead, sweepId: recordedSweepId };
  }

  async getFinding(ruleId: string, resourceId: string): Promise<StoredFinding | undefined> {
    const partitionKey = partitionKeyOfResource(resourceId);
    const { record } = await this.writer.readFinding(partitionKey, rowKeyOf(ruleId, resourceId));
    if (record === undefined) return undefined;
    const now = this.now();
    const suppressions = await this.listSuppressions();
    const confirmed = record.lifecycle === 'open' ? confirmationOf(await this.latestCompleteSweep(partitionKey), record.ruleId) : undefined;
    return storedFindingOf(record, suppressions, now, confirmed);
  }

  async listFindings(filter: FindingFilter = {}): Promise<FindingPage> {
    const top = Math.min(MAX_PAGE, Math.max(1, Math.trunc(filter.top ?? DEFAULT_PAGE)));
    const filterHash = sha256Hex(JSON.stringify([filter.state, filter.severity, filter.ruleId, filter.subscriptionId, filter.workspaceId, filter.resourceId])).slice(0, 12);

    // Tables index only PartitionKey and RowKey: subscription and resource narrow by key; rule,
    // severity and lifecycle are property filters evaluated by the service; workspace and
    // suppression are applied here; ordering by change is done here too.
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
    const query = clauses.join(' and ');

    const workspaceKey = filter.workspaceId === undefined ? undefined : idKey(filter.workspaceId);
    const rowOf = (entity: TableEntityResult<Record<string, unknown>>): ListedRow | undefined => {
      const record = fromEntity(entity);
      if (record === undefined || !inWorkspace(record, workspaceKey)) return undefined;
      return { sortKey: `${entity.partitionKey ?? ''}\n${entity.rowKey ?? ''}`, record, partitionKey: entity.partitionKey ?? '' };
    };

    if (filter.order === 'key') {
      const serviceToken = filter.continuationToken === undefined ? undefined : decodeKeyToken(filter.continuationToken, filterHash);
      const page = await readServicePage(this.findings, this.endpoint, query, top, serviceToken);
      const rows = page.entities.map(rowOf).filter((row): row is ListedRow => row !== undefined);
      const items = (await this.storedFindings(rows, filter)).map((item) => item.finding);
      return page.continuationToken !== undefined ? { items, continuationToken: encodeKeyToken(page.continuationToken, filterHash) } : { items };
    }

    const after = filter.continuationToken === undefined ? undefined : decodeToken(filter.continuationToken, filterHash);
    const readers = await this.readerState();
    const page = await listNewestFirst(this.findings, this.endpoint, {
      ...(filter.resourceId !== undefined
        ? { partitionKey: partitionKeyOfResource(filter.resourceId), rowKeyRange: resourceRowKeyRange(filter.resourceId) }
        : filter.subscriptionId !== undefined
          ? { partitionKey: partitionKeyOfSubscription(filter.subscriptionId) }
          : {}),
      clauses: { ruleId: filter.ruleId, severity: filter.severity, lifecycle: filter.state === undefined ? undefined : filter.state === 'resolved' ? 'resolved' : 'open' },
      after,
      top,
      keep: async (rows) => this.storedFindings(rows.filter((row) => inWorkspace(row.record, workspaceKey)), filter, readers),
    });
    const last = page.items[page.items.length - 1];
    const items = page.items.map((item) => item.finding);
    return page.more && last !== undefined ? { items, continuationToken: encodeToken(last.finding.lastChangedAt, last.sortKey, filterHash) } : { items };
  }

  /** What turning rows into stored findings reads besides them, once per listing: suppressions, and each partition's newest sweep. */
  private async readerState(): Promise<ReaderState> {
    return { now: this.now(), suppressions: await this.listSuppressions(), confirmations: new Map() };
  }

  /** Rows as readers see them (suppression, confirmation by the newest complete sweep), in the filter's state. */
  private async storedFindings(rows: readonly ListedRow[], filter: FindingFilter, readers?: ReaderState): Promise<{ readonly sortKey: string; readonly finding: StoredFinding }[]> {
    const { now, suppressions, confirmations } = readers ?? (await this.readerState());
    const findings: { readonly sortKey: string; readonly finding: StoredFinding }[] = [];
    for (const row of rows) {
      let confirmed: string | undefined;
      if (row.record.lifecycle === 'open') {
        if (!confirmations.has(row.partitionKey)) confirmations.set(row.partitionKey, await this.latestCompleteSweep(row.partitionKey));
        confirmed = confirmationOf(confirmations.get(row.partitionKey), row.record.ruleId);
      }
      const finding = storedFindingOf(row.record, suppressions, now, confirmed);
      if (filter.state !== undefined && finding.state !== filter.state) continue;
      findings.push({ sortKey: row.sortKey, finding });
    }
    return findings;
  }

  /** When the newest complete, applied, fully recorded sweep of a partition looked (its observedAt, else its start). */
  private async latestCompleteSweep(partitionKey: string): Promise<LatestSweep | undefined> {
    try {
      const pages = this.sweeps
        .listEntities<Record<string, unknown>>({ queryOptions: { filter: odata`PartitionKey eq ${partitionKey} and complete eq ${true} and superseded eq ${false}`, select: ['startedAt', 'observedAt', 'rules'] } })
        .byPage({ maxPageSize: 1 });
      for await (const page of pages) {
        const first = page[0];
        const at = first === undefined ? undefined : (asString(first.observedAt) ?? asString(first.startedAt));
        if (first !== undefined && at !== undefined) return { at, rules: rulesOf(first.rules) };
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
    if (subscriptionId !== undefined) {
      // Within one partition, row keys are newest first: the first `limit` are the answer.
      return this.readSweeps(odata`PartitionKey eq ${partitionKeyOfSubscription(subscriptionId)}`, limit);
    }
    // Across partitions the service orders by partition first: read the newest records by time
    // window (row keys below a bound are newer), widening only while the window holds too few.
    const now = this.now().getTime();
    for (const days of SWEEP_WINDOWS_DAYS) {
      const records = await this.readSweeps(odata`RowKey lt ${sweepRowKeyAfter(new Date(now - days * 86_400_000))}`, undefined);
      if (records.length >= limit) return newestSweeps(records, limit);
    }
    return newestSweeps(await this.readSweeps('', undefined), limit);
  }

  /** Sweep records a query selects, stopping after `limit` when given (one partition, newest first). */
  private async readSweeps(filter: string, limit: number | undefined): Promise<SweepRecord[]> {
    const records: SweepRecord[] = [];
    try {
      for await (const entity of this.sweeps.listEntities<Record<string, unknown>>(filter === '' ? {} : { queryOptions: { filter } })) {
        const record = sweepFromEntity(entity);
        if (record !== undefined) records.push(record);
        if (limit !== undefined && records.length >= limit) break;
      }
    } catch (error) {
      throw storeFailure(error, this.endpoint, 'listing sweeps');
    }
    return limit === undefined ? records : newestSweeps(records, limit);
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
    await scanTable(this.suppressions, this.endpoint,
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

  repairFutureTimes(options: { readonly dryRun?: boolean } = {}): Promise<RepairResult> {
    return repairFutureTimes(this.tables(), this.now(), options);
  }

  prune(options: { readonly before: Date; readonly dryRun?: boolean }): Promise<PruneResult> {
    return pruneHistory(this.tables(), options);
  }

  private tables(): StoreTables {
    return { findings: this.findings, sweeps: this.sweeps, endpoint: this.endpoint };
  }

  private async io<T>(action: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw storeFailure(error, this.endpoint, action);
    }
  }
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

function newestSweeps(records: SweepRecord[], limit: number): SweepRecord[] {
  records.sort((a, b) => compareDesc(a.startedAt, b.startedAt) || compareAsc(a.subscriptionId, b.subscriptionId));
  return records.slice(0, limit);
}
