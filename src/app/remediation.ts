import { randomUUID } from 'node:crypto';
import { resourceToReadFor } from '../core/ids';
import type { JsonValue } from '../core/types';
import type { Estate } from '../estate';
import type { Inventory } from '../inventory/types';
import type { ArmPort, Plan, PlanApplyReport } from '../remediation';
import { applyPlan, findingKey, planRemediations } from '../remediation';
import type { FindingChange, FindingsStore } from '../store';
import type { ResourceChange } from './events';
import { describe } from './ports';
import type { RemediationMode } from './settings';

/**
 * What the app does about findings as they open (AML_AUDITOR_REMEDIATION). `plan`: every newly
 * opened failing finding gets a plan, stored in the remediations table beside it (the dashboard
 * and GET /api/remediations show it). `apply`: the same, and an automatic, verified plan of a rule
 * on the allowlist is applied (within the caps per run and per hour), then its resources are
 * judged again through the event path; the record says what was written, before and after,
 * whether the finding was verified resolved, and how to roll it back.
 */

export interface RemediationSettings {
  readonly mode: RemediationMode;
  /** Rules whose automatic plans may be applied (empty: none). */
  readonly rules: ReadonlySet<string>;
  readonly maxPerRun: number;
  readonly maxPerHour: number;
  /** Who writes, for the record (the app's managed identity). */
  readonly identity: string;
}

export interface RemediatorDeps {
  readonly store: FindingsStore;
  /** The ARM writes go through (apply mode). */
  readonly arm?: ArmPort;
  /** Judges the written resources again now (the event path, with the changes of our own writes). */
  readonly rejudge: (changes: readonly ResourceChange[]) => Promise<void>;
  /** The subscription's estate as judged now (after earlier writes of this run were judged again). */
  readonly currentState: (subscriptionId: string) => { readonly inventory: Inventory; readonly estate: Estate } | undefined;
  readonly now?: () => Date;
}

export interface RemediationLog {
  info(message: string): void;
  warn(message: string): void;
}

/** One finding's remediation step, as recorded. */
export interface RemediationStep {
  readonly ruleId: string;
  readonly resourceId: string;
  readonly outcome: string;
  readonly verified?: boolean;
  /** Finding opened (the change was recorded) → plan applied and judged again, in ms. */
  readonly latencyMs?: number;
}

export class Remediator {
  constructor(
    readonly settings: RemediationSettings,
    private readonly deps: RemediatorDeps,
  ) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /** Plans (and in apply mode, fixes) the failing findings these changes opened. Never throws: a failure is logged, and the finding stays as judged. */
  async afterJudgement(inventory: Inventory, changes: readonly FindingChange[], log: RemediationLog, estate?: Estate): Promise<RemediationStep[]> {
    if (this.settings.mode === 'off') return [];
    const opened = changes.filter((change) => (change.kind === 'opened' || change.kind === 'reopened') && change.finding.status === 'fail' && change.finding.state === 'open');
    if (opened.length === 0) return [];
    const started = Date.now();
    let plans: readonly Plan[];
    try {
      plans = planRemediations(inventory, { only: new Set(opened.map((change) => findingKey(change.finding))), independent: true, now: this.now(), ...(estate !== undefined ? { estate } : {}) }).plans;
    } catch (error) {
      log.warn(`remediation: planning failed: ${describe(error)}`);
      return [];
    }
    const steps: RemediationStep[] = [];
    let appliedThisRun = 0;
    for (const plan of plans) {
      try {
        const step = await this.handle(plan, appliedThisRun, started, inventory.gaps.length > 0, log);
        if (step.outcome === 'applied' || step.outcome === 'failed' || step.outcome === 'skipped') appliedThisRun++;
        steps.push(step);
      } catch (error) {
        log.warn(`remediation: ${plan.ruleId} on ${plan.resourceId}: ${describe(error)}`);
      }
    }
    return steps;
  }

  private async record(plan: Plan, mode: 'plan' | 'apply', outcome: string, detail: string, extra: { verified?: boolean; operations?: JsonValue } = {}): Promise<void> {
    await this.deps.store.recordRemediation({
      ruleId: plan.ruleId,
      resourceId: plan.resourceId,
      at: this.now(),
      mode,
      outcome,
      identity: this.settings.identity,
      detail,
      ...(extra.verified !== undefined ? { verified: extra.verified } : {}),
      plan: plan as unknown as JsonValue,
      operations: extra.operations ?? [],
    });
  }

  private async handle(proposed: Plan, appliedThisRun: number, started: number, incomplete: boolean, log: RemediationLog): Promise<RemediationStep> {
    let plan = proposed;
    const base = { ruleId: plan.ruleId, resourceId: plan.resourceId };
    const planned = async (outcome: string, detail: string): Promise<RemediationStep> => {
      await this.record(plan, 'plan', outcome, detail);
      return { ...base, outcome };
    };
    if (this.settings.mode === 'plan') return planned(plan.mode === 'auto' ? 'planned' : 'manual', plan.mode === 'auto' ? 'planned (AML_AUDITOR_REMEDIATION is plan: nothing is applied)' : `manual: ${plan.manualReason ?? ''}`);
    if (plan.mode !== 'auto') return planned('manual', `manual: ${plan.manualReason ?? ''}`);
    if (incomplete) return planned('planned', 'not applied: part of the estate could not be read, and a change is applied only when proven on all of it');
    if (!this.settings.rules.has(plan.ruleId)) return planned('planned', `not applied: ${plan.ruleId} is not in AML_AUDITOR_REMEDIATION_RULES`);
    if (this.deps.arm === undefined) return planned('planned', 'not applied: no ARM writer is configured');
    if (appliedThisRun >= this.settings.maxPerRun) return planned('capped', `not applied: the cap of ${this.settings.maxPerRun} change(s) per run was reached (AML_AUDITOR_REMEDIATION_MAX_PER_RUN)`);
    const lastHour = await this.deps.store.listRemediations({ mode: 'apply', since: new Date(this.now().getTime() - 3_600_000), top: this.settings.maxPerHour + 1 });
    if (lastHour.length >= this.settings.maxPerHour) return planned('capped', `not applied: the cap of ${this.settings.maxPerHour} change(s) per hour was reached (AML_AUDITOR_REMEDIATION_MAX_PER_HOUR)`);

    // Planned again on the estate as it is now: an earlier write of this run may have moved what this plan relies on.
    const subscriptionId = (/^\/subscriptions\/([^/]+)/i.exec(plan.resourceId)?.[1] ?? '').toLowerCase();
    const current = this.deps.currentState(subscriptionId);
    const fresh = current !== undefined ? planRemediations(current.inventory, { only: new Set([findingKey(plan)]), estate: current.estate, now: this.now() }).plans[0] : plan;
    if (fresh === undefined) return planned('planned', 'not applied: judged on the estate as it is now, the finding no longer fails (an earlier change fixed it)');
    if (fresh.mode !== 'auto') return planned('manual', `not applied: planned again on the estate as it is now, the plan is manual: ${fresh.manualReason ?? ''}`);
    plan = fresh;
    const report: PlanApplyReport = await applyPlan(plan, this.deps.arm);
    let verified: boolean | undefined;
    let detail = report.operations.map((operation) => `${operation.outcome}: ${operation.description} (${operation.detail})`).join('; ');
    if (report.outcome === 'applied' || report.outcome === 'unchanged') {
      const written = [...new Set(plan.operations.map((operation) => resourceToReadFor(operation.id)))];
      const at = this.now().toISOString();
      await this.deps.rejudge(
        written.map((resourceId) => ({
          eventId: `remediation-${randomUUID()}`,
          eventType: 'AmlVnetAuditor.RemediationApplied',
          schema: 'eventgrid',
          kind: 'upsert',
          resourceId,
          subscriptionId: (/^\/subscriptions\/([^/]+)/i.exec(resourceId)?.[1] ?? '').toLowerCase(),
          eventTime: at,
        })),
      );
      const finding = await this.deps.store.getFinding(plan.ruleId, plan.resourceId);
      verified = finding?.state === 'resolved';
      detail = `${verified ? 'fixed and verified: the finding is resolved' : `written, but judged again the finding is ${finding?.state ?? 'not recorded'}`}; ${detail}`;
    }
    const latencyMs = Date.now() - started;
    await this.record(plan, 'apply', report.outcome, detail, { ...(verified !== undefined ? { verified } : {}), operations: report.operations as unknown as JsonValue });
    log.info(`remediation: ${plan.ruleId} on ${plan.resourceId}: ${report.outcome}${verified === undefined ? '' : verified ? ', verified' : ', NOT verified'} in ${latencyMs} ms`);
    return { ...base, outcome: report.outcome, ...(verified !== undefined ? { verified } : {}), latencyMs };
  }
}
