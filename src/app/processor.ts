import { idKey, resourceToReadFor, typeFromId } from '../core/ids';
import { earlierBy, maxTime } from '../core/time';
import type { AuditSummary } from '../core/types';
import { auditEstate, DEFAULT_PROFILE, unjudgedGaps } from '../engine/audit';
import type { Profile } from '../engine/audit';
import type { ResourceRow } from '../inventory/types';
import type { ResourceChange } from './events';
import { READ_TYPES } from '../inventory/resource-types';
import type { AppliedChange, InventoryProvider, ResourcesRead } from './inventory';
import { affectedSubjectKeys } from '../estate';
import { noticesSince, PartitionMovedError } from '../store';
import type { ChangeNotice, FindingChange, FindingsStore, NoticedState, PartitionSync } from '../store';
import { isNotice, noticeChange, noticeKey, ReadsOfOneBatch } from './notices';
import { describe, TransientError } from './ports';
import type { SubscriptionState, SubscriptionStates } from './subscription-state';
import { wholeReadLagMs, withRows } from './subscription-state';

/** What one batch of changes to one subscription did. */
export interface BatchOutcome {
  readonly subscriptionId: string;
  /** Events in the batch (duplicates included). */
  readonly events: number;
  /** Resources whose state changed in the inventory. */
  readonly applied: number;
  /** Changes older than the state already held: ignored (an older event never overwrites a newer one). */
  readonly outdated: number;
  readonly subjects: number;
  readonly evaluations: number;
  readonly summary: AuditSummary;
  readonly changes: readonly FindingChange[];
  readonly stale: number;
  /** Verdicts not given for want of part of the estate (its state has a gap there): their findings were left as they were. */
  readonly notRead: number;
  readonly evaluatedAt: string;
  /** `neighbourhood`: only the affected subjects; `subscription`: a large batch re-judged the whole subscription. */
  readonly mode: 'neighbourhood' | 'subscription';
  /** When the findings were stored (ms since epoch). */
  readonly storedAt: number;
  /** False when the state had gaps or a rule failed: nothing was resolved because it was absent. */
  readonly complete: boolean;
  /** Rules that failed as a whole on this state (their findings were left as they were). */
  readonly ruleErrors: readonly { readonly ruleId: string; readonly reason: string }[];
  /** Changed resources that could not be read: not applied, not judged. Transient ones fail their events (Event Grid retries). */
  readonly unreadable: readonly UnreadableChange[];
  /** Resources other instances changed (their change notices), taken in before judging. */
  readonly noticed: number;
  /** Of those, the ones read again from the source of truth (their notice carried no state). */
  readonly noticedReadAgain: number;
  /** Times the batch read the partition again because another batch announced its changes first. */
  readonly rereads: number;
}

export interface UnreadableChange {
  readonly eventId: string;
  readonly resourceId: string;
  readonly reason: string;
  readonly transient: boolean;
}

export interface ProcessorOptions {
  readonly provider: InventoryProvider;
  readonly states: SubscriptionStates;
  readonly store: Pick<FindingsStore, 'recordEvaluations' | 'syncPartition' | 'announceChanges' | 'noticedStates'>;
  /** Events of one subscription arriving within this many ms are judged as one batch. */
  readonly coalesceMs: number;
  readonly onBatch?: (outcome: BatchOutcome) => void;
  /**
   * Above this many affected subjects a batch re-judges the whole subscription and records it as
   * one complete sweep: the store reads one partition once instead of one key range per subject
   * (measured on Azurite: ~7 ms per subject vs ~1 s for a 5k-resource subscription).
   */
  readonly maxNeighbourhoodSubjects?: number;
  /** Which rules judge (AML_AUDITOR_PROFILE); default documented. */
  readonly profile?: Profile;
}

export const DEFAULT_MAX_NEIGHBOURHOOD_SUBJECTS = 150;

/** Partitions whose last read an instance keeps (each holds its notices since the last sweep). */
const MAX_HELD_SYNCS = 1_000;

/** Reads of one batch's partition before its events fail (Event Grid delivers them again) while other batches keep announcing first. */
export const MAX_READS_PER_BATCH = 16;


interface Waiter {
  readonly eventIds: ReadonlySet<string>;
  resolve: (outcome: BatchOutcome) => void;
  reject: (error: unknown) => void;
}

interface PendingBatch {
  readonly changes: ResourceChange[];
  readonly waiters: Waiter[];
  /** The window has closed: judge as soon as the subscription's previous batch is done. */
  due: boolean;
}

/**
 * Re-judges changes. Changes to one subscription are coalesced: the first opens a window of
 * `coalesceMs`; everything arriving in it (or while the previous batch of that subscription is
 * still being judged) is judged once. Batches of one subscription run one at a time, so the
 * instance's state only moves forward. Every caller's promise settles with its batch: if storing
 * fails, every event of the batch fails and Event Grid redelivers it.
 */
export class ChangeProcessor {
  private readonly pending = new Map<string, PendingBatch>();
  private readonly running = new Map<string, Promise<void>>();
  /**
   * Each subscription's last read of its partition, and the `since` it asked for: the next read
   * with the same `since` lists only the notices announced from that read's marker on (with their
   * states), not every notice since the state was captured again.
   */
  private readonly lastSyncs = new Map<string, { readonly since: string | undefined; readonly sync: PartitionSync }>();

  constructor(private readonly options: ProcessorOptions) {}

  submit(changes: readonly ResourceChange[]): Promise<BatchOutcome[]> {
    const bySubscription = new Map<string, ResourceChange[]>();
    for (const change of changes) {
      const list = bySubscription.get(change.subscriptionId);
      if (list) list.push(change);
      else bySubscription.set(change.subscriptionId, [change]);
    }
    return Promise.all([...bySubscription].map(([subscriptionId, list]) => this.enqueue(subscriptionId, list)));
  }

  private enqueue(subscriptionId: string, changes: readonly ResourceChange[]): Promise<BatchOutcome> {
    return new Promise<BatchOutcome>((resolve, reject) => {
      let batch = this.pending.get(subscriptionId);
      if (batch === undefined) {
        const opened: PendingBatch = { changes: [], waiters: [], due: false };
        batch = opened;
        this.pending.set(subscriptionId, opened);
        setTimeout(() => {
          opened.due = true;
          this.flush(subscriptionId);
        }, this.options.coalesceMs);
      }
      for (const change of changes) batch.changes.push(change);
      batch.waiters.push({ eventIds: new Set(changes.map((change) => change.eventId)), resolve, reject });
    });
  }

  private flush(subscriptionId: string): void {
    if (this.running.has(subscriptionId)) return; // picked up when the running batch ends
    const batch = this.pending.get(subscriptionId);
    if (batch === undefined) return;
    this.pending.delete(subscriptionId);
    const run = this.judge(subscriptionId, batch.changes).then(
      (outcome) => {
        this.options.onBatch?.(outcome);
        for (const waiter of batch.waiters) {
          // An event whose resource could not be read for a passing reason fails alone, so Event Grid redelivers it; the rest of its batch stands.
          const failed = outcome.unreadable.find((item) => item.transient && waiter.eventIds.has(item.eventId));
          if (failed !== undefined) waiter.reject(new TransientError(`cannot read ${failed.resourceId}: ${failed.reason}`));
          else waiter.resolve(outcome);
        }
      },
      (error: unknown) => {
        for (const waiter of batch.waiters) waiter.reject(error);
      },
    );
    this.running.set(
      subscriptionId,
      run.finally(() => {
        this.running.delete(subscriptionId);
        const next = this.pending.get(subscriptionId);
        // Its window may have closed while we were busy: judge it now.
        if (next?.due === true) this.flush(subscriptionId);
      }),
    );
  }

  /**
   * Judges one batch: reads what other instances changed and announces its own changes
   * (src/store/change-notices.ts), again while another batch announces first; then re-evaluates
   * the neighbourhood of its own changes, stores, and only then commits the state.
   */
  private async judge(subscriptionId: string, changes: readonly ResourceChange[]): Promise<BatchOutcome> {
    const { states, provider, store } = this.options;
    let batch: PreparedBatch | undefined;
    let reads = 0;
    const readSoFar = new ReadsOfOneBatch();
    while (batch === undefined) {
      reads++;
      try {
        const prepared = await this.prepare(subscriptionId, changes, readSoFar);
        if (prepared === CAUGHT_UP) reads--;
        else batch = prepared;
      } catch (error) {
        if (!(error instanceof PartitionMovedError)) throw error;
        if (reads >= MAX_READS_PER_BATCH) {
          throw new TransientError(`other instances kept announcing changes to subscription ${subscriptionId} first (${reads} times); the events will be delivered again`, { cause: error });
        }
        await pause(reads);
      }
    }
    const { state, next, stateTime } = batch;

    const subjectKeys = new Set<string>();
    for (const id of batch.ownChangedIds) {
      for (const key of affectedSubjectKeys(state.estate, id)) subjectKeys.add(key);
      for (const key of affectedSubjectKeys(next.estate, id)) subjectKeys.add(key);
    }
    const wideCandidate = subjectKeys.size > (this.options.maxNeighbourhoodSubjects ?? DEFAULT_MAX_NEIGHBOURHOOD_SUBJECTS);
    const profile = this.options.profile ?? DEFAULT_PROFILE;
    const result = wideCandidate ? auditEstate(next.estate, { profile }) : auditEstate(next.estate, { subjectKeys, profile });
    // Never resolve what was not judged: a state read with gaps, a rule that failed or a malformed row records nothing as absent.
    const complete = next.gaps.length === 0 && unjudgedGaps(result).length === 0;
    const wide = wideCandidate && complete;
    const evaluations = wide || !wideCandidate ? result.evaluations : result.evaluations.filter((evaluation) => subjectKeys.has(idKey(evaluation.resourceId)));
    let recorded;
    try {
      // A wide batch re-judges the whole subscription but never claims its partition: only sweeps do
      // (an event's time is the sender's clock and must not make later sweeps look stale).
      recorded = wide
        ? await store.recordEvaluations({ scope: { subscriptionIds: [subscriptionId], claim: false }, evaluations, evaluatedAt: new Date(stateTime), observedAt: new Date(), complete: true, ruleIds: result.ruleIds })
        : await store.recordEvaluations({ scope: { resourceKeys: subjectKeys }, evaluations, evaluatedAt: new Date(stateTime), observedAt: new Date(), complete, ruleIds: result.ruleIds });
    } catch (error) {
      throw error instanceof TransientError ? error : new TransientError(`cannot store findings: ${describe(error)}`, { cause: error });
    }
    const storedAt = Date.now();
    // Only now does the state move: a failed store leaves it as it was, so the retried event re-judges the same neighbourhood.
    states.set(next);
    for (const change of batch.applied) provider.applyChange(change);
    return {
      subscriptionId,
      events: changes.length,
      applied: batch.applied.length,
      outdated: batch.outdated,
      subjects: subjectKeys.size,
      evaluations: evaluations.length,
      summary: result.summary,
      changes: recorded.changes,
      stale: recorded.stale,
      notRead: recorded.notRead,
      evaluatedAt: stateTime,
      mode: wide ? 'subscription' : 'neighbourhood',
      storedAt,
      complete,
      ruleErrors: result.ruleErrors,
      unreadable: batch.unreadable,
      noticed: batch.noticed,
      noticedReadAgain: batch.noticedReadAgain,
      rereads: reads - 1,
    };
  }

  /** The states other batches' notices carry (src/store/change-notices.ts); those without one are read from the source of truth. */
  private async noticedStates(subscriptionId: string, notices: readonly ChangeNotice[]): Promise<ReadonlyMap<string, NoticedState>> {
    try {
      return await this.options.store.noticedStates(subscriptionId, notices);
    } catch (error) {
      throw new TransientError(`cannot read the findings store: ${describe(error)}`, { cause: error });
    }
  }

  /**
   * The partition's marker, then the change notices of batches that announced since shortly before
   * the state was captured; the states listed with them are kept with what the batch read.
   */
  private async sync(subscriptionId: string, state: SubscriptionState, readSoFar: ReadsOfOneBatch): Promise<PartitionSync> {
    const since = noticesSince(state.capturedAt);
    const last = this.lastSyncs.get(subscriptionId);
    let sync: PartitionSync;
    try {
      sync = await this.options.store.syncPartition(subscriptionId, since, last !== undefined && last.since === since ? last.sync : undefined);
    } catch (error) {
      throw new TransientError(`cannot read the findings store: ${describe(error)}`, { cause: error });
    }
    for (const [notice, carried] of sync.states ?? []) readSoFar.states.set(noticeKey(notice), carried);
    // Most recently read last; the least recently read goes past the bound (it only costs a whole listing).
    this.lastSyncs.delete(subscriptionId);
    this.lastSyncs.set(subscriptionId, { since, sync: { marker: sync.marker, notices: sync.notices } });
    if (this.lastSyncs.size > MAX_HELD_SYNCS) this.lastSyncs.delete(this.lastSyncs.keys().next().value as string);
    return sync;
  }

  /**
   * The state a batch judges: what other instances changed (their notices) read again, then the
   * batch's own changes; announced before it is judged. PartitionMovedError when another batch
   * announced first: what it changed may be missing here.
   */
  private async prepare(subscriptionId: string, ownChanges: readonly ResourceChange[], readSoFar: ReadsOfOneBatch): Promise<PreparedBatch | typeof CAUGHT_UP> {
    const { states, provider, store } = this.options;
    let state: SubscriptionState;
    try {
      state = await states.get(subscriptionId);
    } catch (error) {
      throw new TransientError(`cannot read the inventory of subscription ${subscriptionId}: ${describe(error)}`, { cause: error });
    }
    let partition = await this.sync(subscriptionId, state, readSoFar);
    const sweptAt = partition.marker?.sweptAt ?? '';
    if (sweptAt > state.capturedAt) {
      // A complete sweep judged after this state was read: what it saw (a change whose event never came) is not judged over with older rows.
      try {
        state = await states.refresh(subscriptionId, sweptAt);
      } catch (error) {
        throw new TransientError(`cannot read the inventory of subscription ${subscriptionId}: ${describe(error)}`, { cause: error });
      }
      partition = await this.sync(subscriptionId, state, readSoFar);
    }
    // A whole read from a lagging source (Resource Graph) may miss a change made shortly before it:
    // such a change is read again, by ID, from the source of truth, never taken as already in the read.
    const reflected = earlierBy(state.capturedAt, wholeReadLagMs(provider)) ?? state.capturedAt;
    const newer = partition.notices.filter((notice) => notice.version > (state.versions.get(idKey(notice.resourceId)) ?? reflected));
    // The state each announcing batch judged, where its notice carries one: applied as read, not read from ARM again.
    const unfetched = newer.filter((notice) => !readSoFar.states.has(noticeKey(notice)));
    if (unfetched.length > 0) {
      const fetched = await this.noticedStates(subscriptionId, unfetched);
      for (const notice of unfetched) readSoFar.states.set(noticeKey(notice), fetched.get(notice.resourceId));
      // A backlog (a cold instance catching up since its state) takes long to fetch, and announcing after
      // such a wait mostly loses to another batch: the partition is read again first, once.
      if (unfetched.length > BACKLOG_OF_NOTICES && !readSoFar.caughtUp) {
        readSoFar.caughtUp = true;
        return CAUGHT_UP;
      }
    }
    const noticed = newer.map((notice) => noticeChange(notice, subscriptionId, readSoFar.states.get(noticeKey(notice))));
    const changes = noticed.length > 0 ? [...ownChanges, ...noticed] : ownChanges;

    // One change per resource read: the newest; ties broken by event ID so any delivery order gives the same result.
    const carriesState = (change: ResourceChange): boolean =>
      isNotice(change)
        ? change.kind === 'delete' || change.row !== undefined
        : change.kind === 'upsert' && change.row !== undefined && !provider.readsAreCurrent && READ_TYPES.has(typeFromId(change.resourceId) ?? '');
    const keyOf = (change: ResourceChange): string => idKey(carriesState(change) ? change.resourceId : resourceToReadFor(change.resourceId));
    const latest = new Map<string, ResourceChange>();
    for (const change of changes) {
      const key = keyOf(change);
      const held = latest.get(key);
      if (held === undefined || compareChanges(change, held) > 0) latest.set(key, change);
    }
    let outdated = 0;
    const current: { key: string; change: ResourceChange }[] = [];
    for (const [key, change] of latest) {
      const version = state.versions.get(key) ?? reflected;
      if (change.eventTime < version) outdated++;
      else current.push({ key, change });
    }
    const noticedKeys = new Set(current.filter(({ change }) => isNotice(change)).map(({ key }) => key));

    const rows = new Map(state.rows);
    const versions = new Map(state.versions);
    const changedIds: string[] = [];
    const applied: AppliedChange[] = [];
    const unreadable: UnreadableChange[] = [];
    const upsert = (key: string, row: ResourceRow, time: string): void => {
      const previous = rows.get(key);
      // Notification payloads carry id, name, type, location, tags and properties: keep what they lack (sku, kind, identity).
      const merged: ResourceRow = previous !== undefined && !provider.readsAreCurrent ? { ...previous, ...row } : row;
      rows.set(key, merged);
      versions.set(key, maxTime(versions.get(key), time));
      changedIds.push(merged.id);
      applied.push({ kind: 'upsert', row: merged, time });
    };
    const remove = (key: string, resourceId: string, time: string): void => {
      if (rows.delete(key)) applied.push({ kind: 'delete', resourceId, time });
      versions.set(key, maxTime(versions.get(key), time));
      changedIds.push(resourceId);
    };

    const refresh: { key: string; change: ResourceChange; id: string }[] = [];
    for (const { key, change } of current) {
      const target = resourceToReadFor(change.resourceId);
      if (carriesState(change) && change.row !== undefined) upsert(key, change.row, change.eventTime);
      else if (carriesState(change) && change.kind === 'delete') remove(key, change.resourceId, change.eventTime);
      else if (change.kind === 'delete' && idKey(target) === idKey(change.resourceId.trim().replace(/\/+$/, ''))) remove(key, change.resourceId, change.eventTime);
      // Everything else is read from the source of truth: a child's change (or deletion) is its container's.
      else refresh.push({ key, change, id: target });
    }
    // Read once per batch: a read made after a change reflects it however often the batch must read the partition again.
    const readKey = ({ key, change }: { readonly key: string; readonly change: ResourceChange }): string => `${key}|${change.eventTime}`;
    const toRead = refresh.filter((entry) => !readSoFar.reads.has(readKey(entry)));
    const failures = new Map<string, ResourcesRead['failures'][number]>();
    if (toRead.length > 0) {
      let read;
      try {
        read = await provider.readByIds(toRead.map((entry) => entry.id));
      } catch (error) {
        throw new TransientError(`cannot read ${toRead.length} changed resource(s): ${describe(error)}`, { cause: error });
      }
      const found = new Map(read.resources.map((row) => [idKey(row.id), row]));
      const missing = new Set(read.missing.map(idKey));
      for (const failure of read.failures) failures.set(idKey(failure.id), failure);
      for (const entry of toRead) {
        if (!failures.has(entry.key)) readSoFar.reads.set(readKey(entry), found.get(entry.key) ?? (missing.has(entry.key) ? 'missing' : 'unanswered'));
      }
    }
    for (const entry of refresh) {
      const { key, change, id } = entry;
      const failure = failures.get(key);
      // Judged without another instance's change, this batch would overwrite that instance's newer verdicts.
      if (failure !== undefined && isNotice(change)) throw new TransientError(`cannot read ${id}, which another instance changed: ${failure.reason}`);
      if (failure !== undefined) {
        // Not read, so not applied and not judged: its findings stay as they were.
        unreadable.push({ eventId: change.eventId, resourceId: id, reason: failure.reason, transient: failure.transient });
        continue;
      }
      const answer = readSoFar.reads.get(readKey(entry));
      const row = typeof answer === 'object' ? answer : undefined;
      if (row !== undefined && !provider.readsAreCurrent && (versions.get(idKey(row.id)) ?? '') > change.eventTime) {
        // A read older than the state already held (from a newer event): the held state stays.
        outdated++;
      } else if (row !== undefined) {
        upsert(idKey(row.id), row, change.eventTime);
      } else if (answer === 'missing') {
        remove(key, id, change.eventTime);
      }
    }
    // A fresh VNet row embeds its subnets: standalone subnet rows (from notifications) it supersedes must go, or they would win in the estate.
    for (const change of [...applied]) {
      if (change.kind !== 'upsert' || (typeof change.row.type === 'string' ? change.row.type : '').toLowerCase() !== 'microsoft.network/virtualnetworks') continue;
      const prefix = `${idKey(change.row.id)}/subnets/`;
      for (const [rowKey, row] of rows) if (rowKey.startsWith(prefix) && (versions.get(rowKey) ?? '') <= change.time) remove(rowKey, row.id, change.time);
    }

    // Later than every batch announced before this one read the partition: it has seen their changes, so where both write, its verdicts win.
    const syncedAt = maxTime(state.stateTime, justAfter(partition.marker?.eventAt));
    const stateTime = current.reduce((time, { change }) => maxTime(time, change.eventTime), syncedAt);

    // What this batch changed, for the instances that judge after it; what it read of theirs has its notice already.
    const notices: ChangeNotice[] = applied
      .map((change): ChangeNotice => ({
        resourceId: change.kind === 'upsert' ? change.row.id : change.resourceId,
        version: change.time,
        at: stateTime,
        state: change.kind === 'upsert' ? { kind: 'upsert', row: change.row } : { kind: 'delete' },
      }))
      .filter((notice) => !noticedKeys.has(idKey(notice.resourceId)));
    if (notices.length > 0) {
      try {
        await store.announceChanges(subscriptionId, partition, notices, new Date(stateTime));
      } catch (error) {
        throw error instanceof PartitionMovedError ? error : new TransientError(`cannot announce changes to subscription ${subscriptionId}: ${describe(error)}`, { cause: error });
      }
    }
    // Built once announced: another batch announcing while it was built would make the build a waste.
    const next = applied.length > 0 ? withRows({ ...state, versions, stateTime }, rows) : { ...state, versions, stateTime };
    return {
      state,
      next,
      stateTime,
      applied,
      // Others' changes were judged by their batches: this one judges the neighbourhood of its own.
      ownChangedIds: changedIds.filter((id) => !noticedKeys.has(idKey(id))),
      outdated,
      unreadable,
      noticed: noticed.length,
      noticedReadAgain: refresh.filter(({ change }) => isNotice(change)).length,
    };
  }
}

/** What prepare answers when it fetched a backlog of notices' states and must read the partition again before announcing. */
const CAUGHT_UP = 'caught up';

/** More notices than this to fetch at once is a backlog (see prepare). */
const BACKLOG_OF_NOTICES = 32;

/** A batch's state, read and announced (ChangeProcessor.prepare), ready to be judged. */
interface PreparedBatch {
  readonly state: SubscriptionState;
  readonly next: SubscriptionState;
  readonly stateTime: string;
  readonly applied: readonly AppliedChange[];
  readonly ownChangedIds: readonly string[];
  readonly outdated: number;
  readonly unreadable: readonly UnreadableChange[];
  readonly noticed: number;
  readonly noticedReadAgain: number;
}

/** A millisecond after an ISO time ('' for none, or for what is not a time). */
function justAfter(time: string | undefined): string {
  const parsed = time === undefined ? Number.NaN : Date.parse(time);
  return Number.isNaN(parsed) ? '' : new Date(parsed + 1).toISOString();
}

function pause(attempt: number): Promise<void> {
  // Jittered, so instances that lost to one another do not collide again in lockstep.
  const ms = Math.min(2_000, 20 * 2 ** Math.min(attempt, 7)) * (0.5 + Math.random());
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function compareChanges(a: ResourceChange, b: ResourceChange): number {
  if (a.eventTime !== b.eventTime) return a.eventTime < b.eventTime ? -1 : 1;
  // A batch's own event wins over a notice of the same state: the notice may be its own, left by a
  // delivery that announced and then failed to store, and what is its own it judges.
  if (isNotice(a) !== isNotice(b)) return isNotice(a) ? -1 : 1;
  return a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
}
