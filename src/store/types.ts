import type { JsonValue } from '../core/types';
import type { Evaluation, Evidence, FindingStatus, Severity } from '../core/types';

/** What a user sees: `suppressed` is an open finding covered by an unexpired suppression. */
export type FindingState = 'open' | 'resolved' | 'suppressed';
export const FINDING_STATES: readonly FindingState[] = ['open', 'resolved', 'suppressed'];

/** What is stored: suppression is applied at read time, so it expires by itself. */
export type Lifecycle = 'open' | 'resolved';

/** Why a finding was resolved: the subject passed, stopped applying, or is gone. */
export type Resolution = 'pass' | 'not-applicable' | 'absent';

export interface SuppressionInfo {
  readonly id: string;
  readonly reason: string;
  readonly createdBy: string;
  readonly expiresOn: string;
}

/**
 * A finding as the store keeps it: the contract JSON fields of a finding (docs/interfaces.md) plus its
 * lifecycle. Times are ISO 8601 strings. For a resolved finding, status/severity/message/evidence
 * are those of its last failing evaluation, so a reader sees what was wrong.
 */
export interface StoredFinding {
  readonly ruleId: string;
  readonly resourceId: string;
  readonly status: FindingStatus;
  readonly severity: Severity;
  readonly title: string;
  readonly message: string;
  readonly evidence: Evidence;
  readonly workspaceIds: readonly string[];
  readonly state: FindingState;
  /** When it was first opened, ever. */
  readonly firstSeen: string;
  /**
   * The last evaluation known to have found it failing: the newest of the last write that changed
   * or confirmed it and, while it is open, the newest complete sweep of its subscription (an
   * unchanged re-sweep writes no finding entity; its sweep record is the confirmation).
   */
  readonly lastSeen: string;
  readonly resolvedAt: string | null;
  readonly resolution: Resolution | null;
  /** How many times it has been opened (1 + reopenCount). */
  readonly occurrences: number;
  readonly reopenCount: number;
  /** Time of the newest evaluation applied to it (older evaluations never overwrite it). */
  readonly evaluatedAt: string;
  /** Time of the last change of state or content; listings are ordered by it, newest first. */
  readonly lastChangedAt: string;
  readonly subscriptionId: string | null;
  readonly suppression: SuppressionInfo | null;
}

export type ChangeKind = 'opened' | 'reopened' | 'resolved' | 'updated';

/** One change the store made: what the HTTP API answers and what is published as an event. */
export interface FindingChange {
  readonly kind: ChangeKind;
  readonly finding: StoredFinding;
  /** The state before the change (absent for `opened`). */
  readonly previousState?: FindingState;
}

/**
 * What was evaluated. A sweep of subscriptions owns those partitions: with `complete`, findings
 * there that were not re-evaluated as fail/unknown are resolved. An event names resource keys
 * (case-folded IDs, `idKey`): the findings of those subjects change, nothing else.
 */
export type EvaluationScope =
  | {
      readonly subscriptionIds: readonly string[];
      /** Subscriptions whose inventory had gaps; treated as incomplete even when `complete` is true. */
      readonly incompleteSubscriptionIds?: readonly string[];
      /**
       * Default true: a sweep claims each complete partition (later, older evaluations become
       * stale) and leaves a sweep record. False (a whole-subscription event batch): the partition
       * is judged whole without a claim or a record, and unchanged findings are confirmed instead.
       */
      readonly claim?: boolean;
    }
  | { readonly resourceKeys: ReadonlySet<string> };

export interface RecordEvaluationsInput {
  readonly scope: EvaluationScope;
  /** Every evaluation of the run, pass and not-applicable included (they resolve findings). */
  readonly evaluations: readonly Evaluation[];
  /**
   * Sweep start or event time. An evaluation older than the stored one never overwrites it; one
   * later than now plus MAX_CLOCK_SKEW_MS is refused (a future time would freeze what it touched).
   */
  readonly evaluatedAt: Date;
  /**
   * When the auditor looked (wall clock): findings it saw get this as `lastSeen`, which may be much
   * later than `evaluatedAt`, the time of the state judged (a snapshot's capture time). Default:
   * `evaluatedAt`.
   */
  readonly observedAt?: Date;
  /**
   * The inventory had no gaps. False: only the (rule, subject) pairs evaluated change; nothing is
   * resolved by absence (sweeps and events alike).
   */
  readonly complete: boolean;
  /** Names the sweep record (sweeps only); a random ID when absent. */
  readonly sweepId?: string;
  /**
   * The rules this run judged (`--rules`, a profile): stored findings of other rules are left as
   * they were, never resolved by their absence, and the sweep record does not vouch for them.
   * Default: every rule (a finding absent from the evaluations was judged gone).
   */
  readonly ruleIds?: readonly string[];
  /** Time the caller spent before persisting (inventory + evaluation), added to the sweep record's duration. */
  readonly durationMs?: number;
  /**
   * A sweep's: change notices of event batches announced before this time are reflected in what it
   * read (src/store/change-notices.ts). Once the sweep is recorded complete, they are deleted: an
   * instance whose state is older than the sweep reads the sweep's state before judging.
   */
  readonly noticesReflectedBefore?: Date;
}

/** A resource an event batch changed, as its partition's notice row says (src/store/change-notices.ts). */
export interface ChangeNotice {
  readonly resourceId: string;
  /** ISO time of the resource's state the batch judged (its event time): newer than what a reader holds means re-read it. */
  readonly version: string;
  /** ISO evaluatedAt of the batch: a batch that has read the notice judges no earlier than this. */
  readonly at: string;
  /**
   * The state the batch judged, written with the notice when it is small enough to carry
   * (src/store/change-notices.ts). Never on what syncPartition lists: noticedStates reads it for
   * the notices a reader needs, and a sync over a previous one lists it beside them (`states`).
   */
  readonly state?: NoticedState;
}

/** A resource as an announcing batch judged it: its row as the estate reads rows, or its deletion. */
export type NoticedState = { readonly kind: 'upsert'; readonly row: NoticedRow } | { readonly kind: 'delete' };

/** A resource row (src/inventory/types.ts), opaque to the store but for its ID. */
export interface NoticedRow {
  readonly id: string;
  readonly [property: string]: unknown;
}

/** The partition's marker as read (undefined: no marker yet). Callers hand it back unchanged. */
export interface PartitionMarker {
  readonly etag: string;
  readonly sweptAt: string;
  readonly sweepId: string;
  /**
   * The latest evaluatedAt of an event batch stored in the partition ('' before any): a batch that
   * read the marker judges no earlier, so that what it stores after the batches it has seen wins
   * over them even when its own events are older.
   */
  readonly eventAt: string;
}

/** What an event batch reads of its partition before it announces and judges: the marker first, then the notices. */
export interface PartitionSync {
  readonly marker: PartitionMarker | undefined;
  /** Notices of batches evaluated after the `since` asked for. */
  readonly notices: readonly ChangeNotice[];
  /**
   * A sync over a previous one: the states its new notices carry, listed with them (undefined: the
   * notice carries none readable). A notice not in it has not been looked up.
   */
  readonly states?: ReadonlyMap<ChangeNotice, NoticedState | undefined>;
}

export interface RecordEvaluationsResult {
  readonly opened: number;
  readonly reopened: number;
  readonly resolved: number;
  /** Open findings whose content (status, severity, message, evidence, workspaces) changed. */
  readonly updated: number;
  /** Evaluations that matched the stored finding exactly. */
  readonly unchanged: number;
  /** Opened or reopened findings that landed under an active suppression (also counted as opened/reopened). */
  readonly suppressed: number;
  /** Evaluations refused because the store holds a newer one. */
  readonly stale: number;
  /** Evaluations of subjects outside the scope (another subscription, another resource): ignored. */
  readonly outOfScope: number;
  /** Verdicts not given for want of part of the estate (NOT_READ_MESSAGE_ID): their findings were left as they were. */
  readonly notRead: number;
  /** Finding entities written (creates and updates), bookkeeping rows excluded. */
  readonly written: number;
  /** Bookkeeping rows written: partition markers and sweep records. */
  readonly bookkeepingWrites: number;
  readonly changes: readonly FindingChange[];
  /** The sweep's ID, naming its records (one per subscription); null on the event path. */
  readonly sweepId: string | null;
}

export interface FindingFilter {
  readonly state?: FindingState;
  readonly severity?: Severity;
  readonly ruleId?: string;
  readonly subscriptionId?: string;
  readonly workspaceId?: string;
  readonly resourceId?: string;
  /** Page size; default 100, at most 1000. */
  readonly top?: number;
  readonly continuationToken?: string;
  /**
   * `changed` (default): newest change first, read through each partition's change index, so a
   * page costs about its own size (plus what the workspace and suppression filters skip).
   * `key`: by subscription, then rule and resource, paged by the service itself: for callers
   * that read everything or sort themselves (the dashboard, exports). A page may then hold fewer
   * than `top` findings (even none) and still have a continuation token.
   */
  readonly order?: FindingOrder;
}

export const FINDING_ORDERS = ['changed', 'key'] as const;
export type FindingOrder = (typeof FINDING_ORDERS)[number];

export interface FindingPage {
  readonly items: readonly StoredFinding[];
  readonly continuationToken?: string;
}

export interface SweepRecord {
  readonly sweepId: string;
  readonly subscriptionId: string;
  /** The sweep's evaluatedAt (its start). */
  readonly startedAt: string;
  /** When the auditor looked (the recording's observedAt): what the open findings it confirmed were last seen at. */
  readonly observedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  readonly complete: boolean;
  readonly evaluations: number;
  readonly pass: number;
  readonly fail: number;
  readonly unknown: number;
  readonly notApplicable: number;
  /** Findings (fail + unknown) of this sweep by severity and by rule. */
  readonly bySeverity: Readonly<Record<Severity, number>>;
  readonly byRule: Readonly<Record<string, number>>;
  readonly opened: number;
  readonly reopened: number;
  readonly resolved: number;
  readonly updated: number;
  readonly stale: number;
  readonly written: number;
  /** A newer complete sweep of the subscription had already been recorded: this one changed nothing. */
  readonly superseded: boolean;
  /** Why the sweep failed, when it was recorded by `recordSweep` after a failure. */
  readonly error?: string;
  /** The rules the sweep judged, when it judged only some (RecordEvaluationsInput.ruleIds). */
  readonly rules?: readonly string[];
}

export interface SuppressionInput {
  readonly ruleId: string;
  /** A resource ID, a resource group (`/subscriptions/S/resourceGroups/RG`) or a subscription (`/subscriptions/S` or `S`). */
  readonly scope: string;
  readonly reason: string;
  readonly createdBy: string;
  readonly expiresOn: Date;
}

export interface Suppression {
  readonly id: string;
  readonly ruleId: string;
  readonly scope: string;
  readonly reason: string;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly expiresOn: string;
}

export interface FindingsStore {
  recordEvaluations(input: RecordEvaluationsInput): Promise<RecordEvaluationsResult>;
  /**
   * An event batch's read of its subscription's partition: the marker, then the change notices of
   * batches evaluated after `since` (every notice when undefined). Given the reader's `previous`
   * sync with the same `since`, and no sweep since, only the notices announced after it are listed,
   * with their states (`states`), and merged into the previous ones.
   */
  syncPartition(subscriptionId: string, since: string | undefined, previous?: PartitionSync): Promise<PartitionSync>;
  /**
   * An event batch's announcement, before it judges (src/store/change-notices.ts): a notice per
   * resource it changed, and the partition's eventAt moved to `at` (its evaluatedAt), written only
   * if the partition's marker is still as `partition` read it; else PartitionMovedError, and the
   * batch must sync again.
   */
  announceChanges(subscriptionId: string, partition: PartitionSync, notices: readonly ChangeNotice[], at: Date): Promise<void>;
  /**
   * The states some notices carry (keyed by resource ID as the notice wrote it), read by point
   * reads. A notice without one, replaced by a newer one since, or whose state cannot be read back
   * whole is left out: its reader reads the resource from the source of truth instead.
   */
  noticedStates(subscriptionId: string, notices: readonly ChangeNotice[]): Promise<ReadonlyMap<string, NoticedState>>;
  listFindings(filter?: FindingFilter): Promise<FindingPage>;
  getFinding(ruleId: string, resourceId: string): Promise<StoredFinding | undefined>;
  /** Records a sweep that produced no evaluations (e.g. its inventory failed). */
  recordSweep(record: SweepFailureInput): Promise<SweepRecord>;
  /** Newest first. */
  listSweeps(subscriptionId?: string, top?: number): Promise<readonly SweepRecord[]>;
  addSuppression(input: SuppressionInput): Promise<Suppression>;
  /** Active ones only unless `includeExpired`. */
  listSuppressions(options?: { readonly includeExpired?: boolean }): Promise<readonly Suppression[]>;
  /** False when there was no such suppression. */
  removeSuppression(id: string): Promise<boolean>;
  /**
   * Finds times beyond now plus MAX_CLOCK_SKEW_MS that older versions let events write (a partition
   * marker claimed by a future time, findings evaluated "in the future") and brings them back to
   * now, so later sweeps and events are judged again. `dryRun` only counts.
   */
  repairFutureTimes(options?: { readonly dryRun?: boolean }): Promise<RepairResult>;
  /**
   * Retention: deletes findings resolved before `before` and sweep records of sweeps started
   * before it. Open and suppressed findings are never deleted; a finding reopened meanwhile (its
   * ETag moved) is left alone.
   */
  prune(options: { readonly before: Date; readonly dryRun?: boolean }): Promise<PruneResult>;
  /** Records a remediation plan or an applied write (the remediations table; records are never changed). */
  recordRemediation(input: RemediationInput): Promise<RemediationRecord>;
  /** Remediation records, newest first. */
  listRemediations(filter?: RemediationFilter): Promise<readonly RemediationRecord[]>;
  /** Where the data lives (for messages): the table endpoint and prefix. */
  readonly description: string;
}

export interface SweepFailureInput {
  readonly subscriptionId: string;
  readonly startedAt: Date;
  readonly error: string;
  readonly sweepId?: string;
  readonly durationMs?: number;
}

export interface PruneResult {
  /** The cut-off: what was resolved or swept before it. */
  readonly before: string;
  readonly resolvedFindings: number;
  readonly sweepRecords: number;
  readonly dryRun: boolean;
}

export interface RepairResult {
  /** When the repair looked (the time future values were brought back to). */
  readonly repairedAt: string;
  /** Partition markers whose claim was in the future: released. */
  readonly markers: readonly string[];
  /** Findings with a time in the future: those times set to `repairedAt`. */
  readonly findings: number;
  /** Partitions written before the change index existed whose index was built (listings then read only a page of them). */
  readonly indexedPartitions: readonly string[];
  readonly dryRun: boolean;
}

/** What one remediation step was: a plan made (mode plan), or a plan applied (mode apply). */
export interface RemediationInput {
  readonly ruleId: string;
  readonly resourceId: string;
  readonly at: Date;
  readonly mode: 'plan' | 'apply';
  /** planned, applied, unchanged, skipped, failed, manual, capped… */
  readonly outcome: string;
  /** Who acted: the app's identity (or the user running the command). */
  readonly identity: string;
  /** One sentence: what happened. */
  readonly detail: string;
  readonly verified?: boolean;
  /** The plan as made (src/remediation's Plan, as JSON: writes, az commands, rollback). */
  readonly plan: JsonValue;
  /** What each write did, with the touched properties before and after (empty for a plan). */
  readonly operations: JsonValue;
}

export interface RemediationRecord extends Omit<RemediationInput, 'at'> {
  /** The record's row key: unique, newest first. */
  readonly id: string;
  readonly subscriptionId: string;
  readonly at: string;
}

export interface RemediationFilter {
  readonly subscriptionId?: string;
  readonly ruleId?: string;
  readonly resourceId?: string;
  readonly mode?: 'plan' | 'apply';
  /** Only records at or after this time. */
  readonly since?: Date;
  /** At most this many (default 100, at most 1,000). */
  readonly top?: number;
}
