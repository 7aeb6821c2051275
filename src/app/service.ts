import { idKey, subscriptionOf } from '../core/ids';
import type { AuditSummary, InventoryGap } from '../core/types';
import { auditEstate, DEFAULT_PROFILE, unjudgedGaps } from '../engine/audit';
import type { Profile } from '../engine/audit';
import { parseEvent } from './events';
import type { ResourceChange } from './events';
import type { InventoryProvider } from './inventory';
import type { Inventory } from '../inventory/types';
import { splitBySubscription } from '../inventory/split';
import { affectedSubjectKeys } from '../estate';
import type { Estate } from '../estate';
import type { ChangeNotice, FindingChange, FindingsStore, PruneResult } from '../store';
import { NOTICE_LAG_MS, noticesSince } from '../store';
import type { FindingChangePublisher } from './ports';
import { describe, TransientError } from './ports';
import type { BatchOutcome } from './processor';
import { announcedAfterRead, withNoticedChanges } from './notices';
import { ChangeProcessor } from './processor';
import type { Settings } from './settings';
import { DEFAULT_RETENTION_DAYS, DEFAULT_RUN_ROLE, inScope } from './settings';
import { DEFAULT_STATE_CACHE_ROWS, stateFromInventory, SubscriptionStates } from './subscription-state';
import type { SubscriptionState } from './subscription-state';
import type { SharedStates } from './shared-state';
import type { SweepMessage } from './sweep-message';
import { DEFAULT_SWEEP_BATCH, sweepMessages } from './sweep-message';
import type { ArmPort } from '../remediation';
import { UNSEEN_SUBSCRIPTION } from '../live';
import type { RemediationSettings, RemediationStep } from './remediation';
import { Remediator } from './remediation';

/** Where the app writes its log lines (InvocationContext in the host, the console locally). */
export interface AppLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface AuditorAppOptions {
  readonly settings: Pick<Settings, 'scopeSubscriptions' | 'coalesceMs'> & Partial<Pick<Settings, 'requireSignIn' | 'runRole' | 'stateCacheRows' | 'retentionDays' | 'profile' | 'sweepBatch'>>;
  readonly provider: InventoryProvider;
  readonly store: FindingsStore;
  readonly publisher?: FindingChangePublisher;
  /** How long a subscription's in-memory state is trusted before it is read whole again (default 30 min). */
  readonly stateTtlMs?: number;
  readonly onBatch?: (outcome: BatchOutcome) => void;
  /** AML_AUDITOR_REMEDIATION and its allowlist and caps, and the ARM writer of apply mode; absent: off. */
  readonly remediation?: { readonly settings: RemediationSettings; readonly arm?: ArmPort };
  /** Told of each remediation step (tests, latency figures). */
  readonly onRemediation?: (steps: readonly RemediationStep[]) => void;
  /** Subscription states shared between instances (src/app/shared-state.ts): sweeps write them, cold instances load them. */
  readonly sharedStates?: SharedStates;
}

/** What resourceChanged did with one event. */
export type EventResult =
  | { readonly outcome: 'judged'; readonly eventId: string; readonly batch: BatchOutcome }
  | { readonly outcome: 'ignored'; readonly eventId: string | undefined; readonly reason: string }
  | { readonly outcome: 'out-of-scope'; readonly eventId: string; readonly subscriptionId: string }
  | { readonly outcome: 'malformed'; readonly eventId: string | undefined; readonly reason: string };

export interface SweepOutcome {
  readonly subscriptionId: string;
  readonly complete: boolean;
  readonly gaps: readonly InventoryGap[];
  readonly summary: AuditSummary;
  readonly changes: readonly FindingChange[];
  readonly evaluatedAt: string;
}

export type AuditRequest = { readonly subscriptionIds: readonly string[] } | { readonly workspaceId: string };

export interface AuditAnswer {
  readonly generatedAt: string;
  readonly subscriptionIds: readonly string[];
  readonly complete: boolean;
  readonly gaps: readonly InventoryGap[];
  readonly summary: AuditSummary;
  readonly changes: readonly FindingChange[];
}

/** A request the caller got wrong (400), as opposed to a failure of ours. */
export class RequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RequestError';
  }
}

/** A subscription or workspace the auditor knows nothing of (404): nothing is recorded for it. */
export class NotFoundError extends RequestError {
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}

/**
 * The services the Functions call: judging events, sweeping subscriptions, auditing on demand,
 * reading findings. One instance per Functions worker (src/app/runtime.ts) so the per-subscription
 * state and the coalescing window are shared by every invocation of the instance.
 */
export class AuditorApp {
  readonly states: SubscriptionStates;
  readonly processor: ChangeProcessor;
  readonly remediator: Remediator | undefined;

  constructor(readonly options: AuditorAppOptions) {
    this.states = new SubscriptionStates(options.provider, options.stateTtlMs ?? 30 * 60_000, Date.now, options.settings.stateCacheRows ?? DEFAULT_STATE_CACHE_ROWS, options.sharedStates);
    this.processor = new ChangeProcessor({
      provider: options.provider,
      states: this.states,
      store: options.store,
      coalesceMs: options.settings.coalesceMs,
      profile: options.settings.profile,
      onBatch: (outcome) => {
        options.onBatch?.(outcome);
      },
    });
    const remediation = options.remediation;
    this.remediator =
      remediation !== undefined && remediation.settings.mode !== 'off'
        ? new Remediator(remediation.settings, { store: options.store, ...(remediation.arm !== undefined ? { arm: remediation.arm } : {}), rejudge: (changes) => this.rejudge(changes), currentState: (subscriptionId) => this.stateOf(subscriptionId) })
        : undefined;
  }

  /** Judges our own writes now, through the event path (Event Grid will tell of them too, later). */
  private async rejudge(written: readonly ResourceChange[]): Promise<void> {
    const provider = this.options.provider;
    // Our read follows our write, so it is newer than any state held, whatever the clocks of earlier events said.
    const changes = written.map((change) => {
      const held = this.states.peek(change.subscriptionId)?.versions.get(idKey(change.resourceId));
      return held !== undefined && held >= change.eventTime ? { ...change, eventTime: new Date(Date.parse(held) + 1).toISOString() } : change;
    });
    // An in-memory source moves only by what events carry: hand it the written rows.
    const withRows = provider.readsAreCurrent
      ? changes
      : await Promise.all(
          changes.map(async (change) => {
            const [row] = (await provider.readByIds([change.resourceId])).resources;
            return row !== undefined ? { ...change, row } : change;
          }),
        );
    const outcomes = await this.processor.submit(withRows);
    const log: AppLog = { info: () => undefined, warn: () => undefined, error: () => undefined };
    for (const outcome of outcomes) await this.publish(outcome.changes, log);
  }

  /** Plans (and in apply mode fixes) what a judgement opened; the findings are stored already. */
  private async remediate(subscriptionId: string, judged: { readonly inventory: Inventory; readonly estate: Estate } | undefined, changes: readonly FindingChange[], log: AppLog): Promise<void> {
    if (this.remediator === undefined || changes.length === 0) return;
    const state = judged ?? this.stateOf(subscriptionId);
    if (state === undefined) return;
    const steps = await this.remediator.afterJudgement(state.inventory, changes, log, state.estate);
    if (steps.length > 0) this.options.onRemediation?.(steps);
  }

  /** The subscription's state as judged now: its rows as an inventory, and the estate built from them. */
  private stateOf(subscriptionId: string): { readonly inventory: Inventory; readonly estate: Estate } | undefined {
    const state = this.states.peek(subscriptionId.toLowerCase());
    return state === undefined ? undefined : judgedStateOf(state);
  }

  get store(): FindingsStore {
    return this.options.store;
  }

  /** Who may call the HTTP routes (src/app/access.ts): nobody is asked unless the settings say so. */
  /** The profile sweeps and events judge with (the dashboard says which). */
  get profile(): Profile {
    return this.options.settings.profile ?? DEFAULT_PROFILE;
  }

  get access(): Pick<Settings, 'requireSignIn' | 'runRole'> {
    return { requireSignIn: this.options.settings.requireSignIn ?? false, runRole: this.options.settings.runRole ?? DEFAULT_RUN_ROLE };
  }

  /**
   * One delivered event. Malformed or irrelevant events resolve (logged with the reason: a
   * redelivery would fail the same way); a transient failure rejects so Event Grid retries and
   * finally dead-letters.
   */
  async handleEvent(event: unknown, log: AppLog): Promise<EventResult> {
    const parsed = parseEvent(event);
    if (parsed.outcome === 'malformed') {
      log.warn(`resourceChanged: skipped malformed event ${parsed.eventId ?? '(no id)'}: ${parsed.reason}`);
      return { outcome: 'malformed', eventId: parsed.eventId, reason: parsed.reason };
    }
    if (parsed.outcome === 'ignored') {
      log.info(`resourceChanged: ignored event ${parsed.eventId}: ${parsed.reason}`);
      return { outcome: 'ignored', eventId: parsed.eventId, reason: parsed.reason };
    }
    const change: ResourceChange = parsed.change;
    if (!inScope(this.options.settings, change.subscriptionId)) {
      log.info(`resourceChanged: event ${change.eventId} is for subscription ${change.subscriptionId}, which is out of scope`);
      return { outcome: 'out-of-scope', eventId: change.eventId, subscriptionId: change.subscriptionId };
    }
    const [batch] = await this.processor.submit([change]);
    if (batch === undefined) throw new Error('internal: no batch outcome for a submitted change');
    await this.publish(batch.changes, log);
    await this.remediate(batch.subscriptionId, undefined, batch.changes, log);
    const unreadable = batch.unreadable.find((item) => item.eventId === change.eventId);
    if (unreadable !== undefined) {
      // A permanent read failure (forbidden, bad request): retrying would fail the same way. Nothing was judged or resolved.
      log.warn(`resourceChanged: event ${change.eventId}: ${unreadable.resourceId} cannot be read (${unreadable.reason}); nothing about it was judged, its findings stay as they were`);
    }
    if (!batch.complete) log.warn(`resourceChanged: batch of ${batch.events} event(s) judged on an incomplete state (inventory gaps or failed rules): nothing was resolved by absence`);
    for (const error of batch.ruleErrors) log.error(`resourceChanged: rule ${error.ruleId} failed and judged nothing: ${error.reason}`);
    log.info(
      `resourceChanged: ${change.eventType} ${change.resourceId} judged in a batch of ${batch.events} event(s): ${batch.subjects} subject(s), ${batch.evaluations} evaluation(s), ${batch.changes.length} finding change(s)${batch.outdated > 0 ? `, ${batch.outdated} outdated change(s) ignored` : ''}${batch.notRead > 0 ? `, ${batch.notRead} verdict(s) not given (their findings left as they were) for want of part of the estate` : ''}${batch.noticed > 0 ? `, ${batch.noticed} resource(s) other instances changed taken in (noticed; ${batch.noticedReadAgain} read again, the rest as their notices carried them)` : ''}${batch.rereads > 0 ? `, read again ${batch.rereads} time(s) after other instances announced first` : ''}`,
    );
    return { outcome: 'judged', eventId: change.eventId, batch };
  }

  /**
   * Retention, run by the timer: deletes findings resolved, and sweep records of sweeps started,
   * more than AML_AUDITOR_RETENTION_DAYS ago (never open or suppressed findings). Undefined when
   * retention is off (0 days).
   */
  async pruneRetention(now: Date = new Date()): Promise<PruneResult | undefined> {
    const days = this.options.settings.retentionDays ?? DEFAULT_RETENTION_DAYS;
    if (days === 0) return undefined;
    return this.options.store.prune({ before: new Date(now.getTime() - days * 86_400_000) });
  }

  /** Subscriptions a scheduled sweep covers: the configured scope, or every one the inventory sees. */
  async sweepTargets(): Promise<readonly string[]> {
    const scope = this.options.settings.scopeSubscriptions;
    if (scope.length > 0) return scope;
    try {
      return await this.options.provider.listSubscriptions();
    } catch (error) {
      throw new TransientError(`cannot list subscriptions: ${describe(error)}`, { cause: error });
    }
  }

  /**
   * The timer's queue messages: the subscriptions in scope, AML_AUDITOR_SWEEP_BATCH to a message
   * and at most MAX_SWEEP_BATCH_ROWS rows, as counted now (one Resource Graph request per 1,000
   * subscriptions), so a batch of large subscriptions never outgrows the queue function's
   * timeout. Without counts (the count failed) batches go by number only, and the log says so.
   */
  async sweepPlan(requestedAt: string, trigger: SweepMessage['trigger'], log: AppLog): Promise<{ readonly targets: number; readonly messages: readonly SweepMessage[] }> {
    const targets = await this.sweepTargets();
    const batchSize = this.options.settings.sweepBatch ?? DEFAULT_SWEEP_BATCH;
    let rows: ReadonlyMap<string, number> | undefined;
    if (batchSize > 1 && targets.length > 1) {
      try {
        rows = await this.options.provider.countRows(targets);
        const uncounted = targets.filter((id) => !rows?.has(id.toLowerCase())).length;
        if (uncounted > 0) log.warn(`sweep: could not count the resources of ${uncounted} of ${targets.length} subscription(s); batching them ${batchSize} to a message whatever their size`);
      } catch (error) {
        log.warn(`sweep: could not count the subscriptions' resources (${describe(error)}); batching ${batchSize} subscriptions to a message whatever their size`);
      }
    }
    return { targets: targets.length, messages: sweepMessages(targets, { requestedAt, trigger, batchSize, ...(rows !== undefined ? { rows } : {}) }) };
  }

  /**
   * Audits one whole subscription and stores the result. Findings are resolved only when the
   * inventory had no gaps: a partial read never resolves what it did not see.
   */
  async sweepSubscription(subscriptionId: string, trigger: 'timer' | 'http' | 'startup', log: AppLog): Promise<SweepOutcome> {
    const [outcome] = await this.sweepSubscriptions([subscriptionId], trigger, log);
    if (outcome === undefined) throw new Error(`sweep of ${subscriptionId} judged nothing`);
    return outcome;
  }

  /**
   * Audits a batch of subscriptions (a sweep message): reads them together, so Resource Graph is
   * asked once per table for the whole batch, then judges and stores each on its own, as if read
   * alone (splitBySubscription). Every subscription is judged even when another fails; failures
   * are thrown at the end, so the queue retries the batch (re-judging one already stored changes
   * nothing).
   */
  async sweepSubscriptions(subscriptionIds: readonly string[], trigger: 'timer' | 'http' | 'startup', log: AppLog): Promise<SweepOutcome[]> {
    const { parts, started } = await this.readApart(subscriptionIds);
    const outcomes: SweepOutcome[] = [];
    const failures: string[] = [];
    for (const [key, part] of parts) {
      const inventory = unlessUnseen(key, part);
      try {
        await this.share(key, inventory, started, log);
        outcomes.push(await this.judgeSubscription(key, inventory, started, trigger, log));
      } catch (error) {
        failures.push(`${key}: ${describe(error)}`);
      }
    }
    if (failures.length > 0) throw new TransientError(`${failures.length} of ${parts.size} subscription sweep(s) failed (the batch is retried): ${failures.join('; ')}`);
    return outcomes;
  }

  /** Shares what a sweep read with every instance; best effort: an instance without it reads the subscription itself. */
  private async share(key: string, inventory: Inventory, started: number, log: AppLog): Promise<void> {
    if (this.options.sharedStates === undefined) return;
    try {
      await this.options.sharedStates.write(key, inventory, inventory.capturedAt ?? new Date(started).toISOString());
    } catch (error) {
      log.warn(`subscription ${key}: its state was not shared with other instances (they read it themselves): ${describe(error)}`);
    }
  }

  /** Reads subscriptions together (one Resource Graph query per table) and cuts the result into each one's own inventory. */
  private async readApart(subscriptionIds: readonly string[]): Promise<{ readonly parts: ReadonlyMap<string, Inventory>; readonly started: number }> {
    const keys = [...new Set(subscriptionIds.map((id) => id.toLowerCase()))];
    const started = Date.now();
    return { parts: splitBySubscription(await this.readForSweep(keys, started), keys), started };
  }

  private async readForSweep(keys: readonly string[], started: number): Promise<Inventory> {
    try {
      return await this.options.provider.readSubscriptions(keys);
    } catch (error) {
      const reason = `cannot read the inventory of ${keys.length === 1 ? `subscription ${keys[0]}` : `subscriptions ${keys.join(', ')}`}: ${describe(error)}`;
      // The failed attempt stays visible in the sweep records even if every retry fails.
      for (const key of keys) await this.options.store.recordSweep({ subscriptionId: key, startedAt: new Date(started), error: reason, durationMs: Date.now() - started }).catch(() => undefined);
      throw new TransientError(reason, { cause: error });
    }
  }

  private async judgeSubscription(key: string, whole: Inventory, started: number, trigger: 'timer' | 'http' | 'startup', log: AppLog): Promise<SweepOutcome> {
    // What events changed shortly before the read may be missing from it (Resource Graph lags): read again.
    const { inventory, noticed, notices } = await this.noticed(key, whole, whole.capturedAt ?? new Date(started).toISOString());
    if (noticed > 0) log.info(`sweep ${key} (${trigger}): read ${noticed} resource(s) events changed again, over the whole read`);
    const state = stateFromInventory(key, inventory, Date.now(), this.states.peek(key));
    const result = auditEstate(state.estate, { profile: this.options.settings.profile });
    // A rule that failed judged none of its subjects, a malformed row may hide some: resolving their findings by absence would be a lie.
    const gaps = [...inventory.gaps, ...unjudgedGaps(result)];
    const complete = gaps.length === 0;
    const evaluatedAt = inventory.capturedAt ?? new Date(started).toISOString();
    const recorded = await this.record(() =>
      this.options.store.recordEvaluations({
        scope: { subscriptionIds: [key], incompleteSubscriptionIds: complete ? [] : [key] },
        evaluations: result.evaluations,
        evaluatedAt: new Date(evaluatedAt),
        // The state may be a capture from hours ago; the auditor looked now.
        observedAt: new Date(started),
        complete,
        durationMs: Date.now() - started,
        // Rules outside the profile were not judged: their findings are left as they were.
        ruleIds: result.ruleIds,
        // What events announced shortly before the read was read again above; what came earlier is in the read.
        noticesReflectedBefore: new Date(Date.parse(evaluatedAt) - NOTICE_LAG_MS),
      }),
    );
    if (complete) this.states.set(state);
    await this.publish(recorded.changes, log);
    await this.remediate(key, judgedStateOf(state), recorded.changes, log);
    await this.judgeAnnouncedAfterRead(key, notices, evaluatedAt, trigger, log);
    for (const gap of inventory.gaps) log.warn(`sweep ${key} (${trigger}): could not read ${gap.scope}: ${gap.reason}`);
    for (const error of result.ruleErrors) log.error(`sweep ${key} (${trigger}): rule ${error.ruleId} failed and judged nothing (its findings were left as they were): ${error.reason}`);
    log.info(
      `sweep ${key} (${trigger}): ${result.evaluations.length} evaluation(s), ${result.findings.length} finding(s); opened ${recorded.opened}, reopened ${recorded.reopened}, resolved ${recorded.resolved}${complete ? '' : ' (incomplete inventory: nothing resolved)'}${recorded.notRead > 0 ? `; ${recorded.notRead} verdict(s) not given, their findings left as they were, for want of part of the estate` : ''}`,
    );
    return { subscriptionId: key, complete, gaps, summary: result.summary, changes: recorded.changes, evaluatedAt };
  }

  /** POST /api/audit: audits now and answers the summary and the findings that changed. */
  async audit(request: AuditRequest, log: AppLog): Promise<AuditAnswer> {
    const generatedAt = new Date().toISOString();
    if ('workspaceId' in request) {
      const subscriptionId = subscriptionOf(request.workspaceId);
      if (subscriptionId === undefined) throw new RequestError(`workspaceId '${request.workspaceId}' is not an Azure resource ID`);
      if (!inScope(this.options.settings, subscriptionId)) throw new RequestError(`subscription ${subscriptionId} is out of the auditor's scope`);
      const whole = await this.readForAudit(subscriptionId);
      const { inventory, notices } = await this.noticed(subscriptionId, whole, whole.capturedAt ?? generatedAt);
      const state = stateFromInventory(subscriptionId, inventory, Date.now(), this.states.peek(subscriptionId));
      if (state.estate.workspace(request.workspaceId) === undefined && inventory.gaps.length === 0) {
        throw new NotFoundError(`workspace '${request.workspaceId}' is not in the inventory`);
      }
      const subjectKeys = affectedSubjectKeys(state.estate, request.workspaceId);
      const result = auditEstate(state.estate, { subjectKeys, profile: this.options.settings.profile });
      const gaps = [...inventory.gaps, ...unjudgedGaps(result)];
      const complete = gaps.length === 0;
      const recorded = await this.record(() =>
        this.options.store.recordEvaluations({
          scope: { resourceKeys: subjectKeys },
          evaluations: result.evaluations,
          evaluatedAt: new Date(inventory.capturedAt ?? generatedAt),
          observedAt: new Date(generatedAt),
          complete,
          ruleIds: result.ruleIds,
        }),
      );
      await this.publish(recorded.changes, log);
      await this.judgeAnnouncedAfterRead(subscriptionId, notices, inventory.capturedAt ?? generatedAt, 'http', log);
      return { generatedAt, subscriptionIds: [subscriptionId], complete, gaps, summary: result.summary, changes: recorded.changes };
    }
    const outcomes: SweepOutcome[] = [];
    for (const subscriptionId of request.subscriptionIds) {
      if (!inScope(this.options.settings, subscriptionId)) throw new RequestError(`subscription ${subscriptionId} is out of the auditor's scope`);
    }
    const { parts, started } = await this.readApart(request.subscriptionIds);
    for (const [key, inventory] of parts) {
      // Nothing read and nothing else missing: a subscription this auditor cannot see. No sweep record for it.
      if (!readAnything(key, inventory) && inventory.gaps.every((gap) => gap.reason === UNSEEN_SUBSCRIPTION)) {
        throw new NotFoundError(`subscription ${key}: nothing is known of it (no resource was read); check the ID and the auditor's access`);
      }
    }
    for (const [key, inventory] of parts) outcomes.push(await this.judgeSubscription(key, unlessUnseen(key, inventory), started, 'http', log));
    return {
      generatedAt,
      subscriptionIds: outcomes.map((outcome) => outcome.subscriptionId),
      complete: outcomes.every((outcome) => outcome.complete),
      gaps: outcomes.flatMap((outcome) => outcome.gaps),
      summary: addSummaries(outcomes.map((outcome) => outcome.summary)),
      changes: outcomes.flatMap((outcome) => outcome.changes),
    };
  }

  private async readForAudit(subscriptionId: string) {
    try {
      return await this.options.provider.readSubscriptions([subscriptionId]);
    } catch (error) {
      throw new TransientError(`cannot read the inventory of subscription ${subscriptionId}: ${describe(error)}`, { cause: error });
    }
  }

  /**
   * What batches announced between a whole read's read of the notices and its store write, about
   * states up to its capture (announcedAfterRead), judged again now through the event path: the
   * write prevailed over those batches' older verdicts, and the read may lack their changes.
   */
  private async judgeAnnouncedAfterRead(key: string, before: readonly ChangeNotice[], evaluatedAt: string, trigger: string, log: AppLog): Promise<void> {
    const after = await this.options.store.syncPartition(key, noticesSince(evaluatedAt)).catch((error: unknown) => {
      throw new TransientError(`cannot read the findings store: ${describe(error)}`, { cause: error });
    });
    const late = announcedAfterRead(before, after.notices, key, evaluatedAt);
    if (late.length === 0) return;
    log.info(`sweep ${key} (${trigger}): ${late.length} change(s) announced while it judged, judged again after it`);
    for (const outcome of await this.processor.submit(late)) {
      await this.publish(outcome.changes, log);
      await this.remediate(outcome.subscriptionId, undefined, outcome.changes, log);
    }
  }

  /** A whole read with what events changed shortly before it read again (withNoticedChanges). */
  private async noticed(subscriptionId: string, whole: Inventory, capturedAt: string): Promise<{ readonly inventory: Inventory; readonly noticed: number; readonly notices: readonly ChangeNotice[] }> {
    try {
      return await withNoticedChanges(this.options.provider, this.options.store, subscriptionId, whole, capturedAt);
    } catch (error) {
      throw error instanceof TransientError ? error : new TransientError(`cannot read what events changed in subscription ${subscriptionId}: ${describe(error)}`, { cause: error });
    }
  }

  private async record<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      throw error instanceof TransientError ? error : new TransientError(`cannot store findings: ${describe(error)}`, { cause: error });
    }
  }

  /** Publishing is best effort: the findings are stored; a lost notification must not make Event Grid redeliver the change. */
  private async publish(changes: readonly FindingChange[], log: AppLog): Promise<void> {
    if (this.options.publisher === undefined || changes.length === 0) return;
    try {
      await this.options.publisher.publish(changes);
    } catch (error) {
      log.warn(`could not publish ${changes.length} finding change(s) to Event Grid: ${describe(error)}`);
    }
  }
}

/** A subscription state as the planner takes it: its rows as an inventory, and the estate already built from them. */
function judgedStateOf(state: SubscriptionState): { readonly inventory: Inventory; readonly estate: Estate } {
  return { inventory: { resources: [...state.rows.values()], ...(state.serviceTags !== undefined ? { serviceTags: state.serviceTags } : {}), warnings: state.warnings, gaps: state.gaps }, estate: state.estate };
}

/** True when some row of the subscription itself was read (grants of management groups above it do not count). */
function readAnything(key: string, inventory: Inventory): boolean {
  return inventory.resources.some((row) => subscriptionOf(row.id) === key);
}

/**
 * A subscription of which nothing at all was read, whatever the source, cannot be judged empty:
 * judged so, it would resolve every finding it holds without looking. It is a gap instead (a live
 * read names it already: Resource Graph lists every subscription it can read, empty or not).
 */
function unlessUnseen(key: string, inventory: Inventory): Inventory {
  if (readAnything(key, inventory) || inventory.gaps.length > 0) return inventory;
  return { ...inventory, gaps: [{ scope: `/subscriptions/${key}`, reason: 'nothing of this subscription was read, not even the subscription itself: it is not in the inventory, or the identity cannot read it' }] };
}

function addSummaries(summaries: readonly AuditSummary[]): AuditSummary {
  return summaries.reduce<AuditSummary>(
    (sum, next) => ({
      resources: sum.resources + next.resources,
      evaluations: sum.evaluations + next.evaluations,
      pass: sum.pass + next.pass,
      fail: sum.fail + next.fail,
      unknown: sum.unknown + next.unknown,
      notApplicable: sum.notApplicable + next.notApplicable,
    }),
    { resources: 0, evaluations: 0, pass: 0, fail: 0, unknown: 0, notApplicable: 0 },
  );
}
