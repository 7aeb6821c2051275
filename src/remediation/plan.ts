import { idKey, parentId } from '../core/ids';
import { isObject } from '../core/json';
import type { Evaluation, Finding, Verdict } from '../core/types';
import { isFinding, severityRank } from '../core/types';
import { auditEstate, DEFAULT_PROFILE, selectRules } from '../engine/audit';
import type { Profile } from '../engine/audit';
import { affectedSubjectKeys, buildEstate } from '../estate';
import type { Estate } from '../estate';
import type { Inventory, ResourceRow } from '../inventory/types';
import { allRules, ruleById } from '../rules/registry';
import type { Draft, PlanningContext } from './planners';
import { plannerFor } from './planners';
import { applyToRows } from './simulate';
import type { Plan, PlanDocument } from './types';

/**
 * Planning: every failing finding gets a plan; a plan is proven before it is offered. Its writes
 * are played on the estate (simulate.ts), the rules run again, and the plan is `verified` only
 * when its finding passes and no other check gets worse. Auto plans build on each other in order
 * (a second rule added to the same NSG sees the first, and takes another priority), so a plan file
 * applied in order is what was proven.
 */

export interface PlanOptions {
  /** Plan only findings of these rules (default: every failing finding of the profile's rules). */
  readonly ruleIds?: readonly string[];
  /** Which rules' findings are planned when `ruleIds` is not given; default documented. */
  readonly profile?: Profile;
  /** Plan only these findings (`ruleId|case-folded resource ID`, see findingKey): the app plans what just opened. */
  readonly only?: ReadonlySet<string>;
  /**
   * Each plan proven on the estate as it is, none building on another (the app records plans it
   * may never apply; it plans again, on the current estate, right before it applies one).
   */
  readonly independent?: boolean;
  /** Remediable findings to leave alone (the opt-out tag, an allowlist): `reason` is reported on the plan. */
  readonly exclude?: (finding: Finding) => string | undefined;
  readonly now?: Date;
  /** The estate already built from this inventory (the app's subscription state): not built again. */
  readonly estate?: Estate;
  /** Called before each finding is planned (done of total), and once at the end: progress on a terminal. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface PlanResult extends PlanDocument {
  /** Findings judged `unknown`: nothing can be planned until they can be judged. */
  readonly unjudged: number;
}

const RANK: Readonly<Record<Verdict, number>> = { pass: 0, 'not-applicable': 0, unknown: 1, fail: 2 };

/** How plans and findings are matched: rule and case-folded resource ID. */
export function findingKey(evaluation: Pick<Evaluation, 'ruleId' | 'resourceId'>): string {
  return `${evaluation.ruleId}|${idKey(evaluation.resourceId)}`;
}

/** Rules the proof runs: every rule on by default, and any rule the caller named. */
function proofRuleIds(ruleIds: readonly string[] | undefined): string[] {
  const ids = new Set(allRules.filter((rule) => rule.meta.enabledByDefault).map((rule) => rule.meta.id));
  for (const id of ruleIds ?? []) ids.add(id);
  return [...ids];
}

/**
 * The estate a plan is proven on, and the verdicts on it: of every subject, or (planning a few
 * findings) of the subjects judged so far, the others judged when a proof first needs them.
 */
interface Baseline {
  readonly rows: readonly ResourceRow[];
  readonly estate: Estate;
  readonly evaluations: Map<string, Evaluation>;
  /** Case-folded subject IDs judged; undefined: all of them. */
  readonly judged: Set<string> | undefined;
}

function baselineOf(inventory: Inventory, rows: readonly ResourceRow[], ruleIds: readonly string[], estate?: Estate, subjectKeys?: ReadonlySet<string>): Baseline {
  const built = estate ?? buildEstate({ ...inventory, resources: rows });
  const result = auditEstate(built, { ruleIds, ...(subjectKeys !== undefined ? { subjectKeys } : {}) });
  return { rows, estate: built, evaluations: new Map(result.evaluations.map((evaluation) => [findingKey(evaluation), evaluation])), judged: subjectKeys !== undefined ? new Set(subjectKeys) : undefined };
}

/** Judges, on the baseline, the subjects among `keys` it has not judged yet. */
function judgeOnBaseline(baseline: Baseline, keys: ReadonlySet<string>, ruleIds: readonly string[]): void {
  if (baseline.judged === undefined) return;
  const missing = new Set([...keys].filter((key) => !baseline.judged?.has(key)));
  if (missing.size === 0) return;
  for (const evaluation of auditEstate(baseline.estate, { ruleIds, subjectKeys: missing }).evaluations) baseline.evaluations.set(findingKey(evaluation), evaluation);
  for (const key of missing) baseline.judged.add(key);
}

interface Proof {
  readonly verified: boolean;
  readonly verification: string;
  /** The baseline with the draft's writes in (for the plans after it). */
  readonly after: Baseline;
}

/**
 * Plays the draft on the baseline and judges again every subject whose verdict may depend on
 * what it writes (the neighbourhood the event path re-judges, taken before and after the change):
 * the rest of the estate cannot change, so it is not judged again.
 */
export function proveDraft(inventory: Inventory, baseline: Baseline, draft: Draft, finding: Finding, ruleIds: readonly string[]): Proof {
  const rows = applyToRows(baseline.rows, draft.operations);
  const estate = buildEstate({ ...inventory, resources: rows });
  const subjectKeys = new Set<string>([idKey(finding.resourceId)]);
  for (const operation of draft.operations) {
    for (const key of affectedSubjectKeys(baseline.estate, operation.id)) subjectKeys.add(key);
    for (const key of affectedSubjectKeys(estate, operation.id)) subjectKeys.add(key);
  }
  judgeOnBaseline(baseline, subjectKeys, ruleIds);
  const judged = auditEstate(estate, { ruleIds, subjectKeys });
  const evaluations = new Map(baseline.evaluations);
  // Subjects of the neighbourhood are judged anew: drop what they were, then write what they are.
  for (const [key, evaluation] of baseline.evaluations) if (subjectKeys.has(idKey(evaluation.resourceId))) evaluations.delete(key);
  for (const evaluation of judged.evaluations) evaluations.set(findingKey(evaluation), evaluation);
  const after: Baseline = { rows, estate, evaluations, judged: baseline.judged !== undefined ? new Set([...baseline.judged, ...subjectKeys]) : undefined };
  if (judged.ruleErrors.length > 0) return { verified: false, verification: `after the change, rule ${judged.ruleErrors[0]?.ruleId ?? ''} could not run: ${judged.ruleErrors[0]?.reason ?? ''}`, after };
  const target = evaluations.get(findingKey(finding));
  if (target === undefined || (target.status !== 'pass' && target.status !== 'not-applicable')) {
    return { verified: false, verification: `applied to the estate, the finding is still ${target?.status ?? 'not judged'}${target ? `: ${target.message}` : ''}`, after };
  }
  const worse = judged.evaluations.filter((evaluation) => findingKey(evaluation) !== findingKey(finding) && RANK[evaluation.status] > RANK[baseline.evaluations.get(findingKey(evaluation))?.status ?? 'pass']);
  if (worse.length > 0) {
    const first = worse[0] as Evaluation;
    return { verified: false, verification: `applied to the estate, the finding passes but ${worse.length} other check(s) get worse, first ${first.ruleId} on ${first.resourceId} (${first.status}): ${first.message}`, after };
  }
  const others = judged.evaluations.length - 1;
  return {
    verified: true,
    verification: `applied to the estate, ${finding.ruleId} passes on ${finding.resourceId}${others > 0 ? ` and none of the ${others} other check(s) of the subjects it can affect gets worse` : '; no other check depends on what it writes'}`,
    after,
  };
}

/** The tag that keeps a resource out of automatic remediation (any case; value off, false or no). */
export const OPT_OUT_TAG = 'aml-auditor-remediation';

function optsOut(row: unknown): boolean {
  const tags = isObject(row) ? row.tags : undefined;
  if (!isObject(tags)) return false;
  const entry = Object.entries(tags).find(([name]) => name.toLowerCase() === OPT_OUT_TAG);
  return entry !== undefined && typeof entry[1] === 'string' && ['off', 'false', 'no'].includes(entry[1].trim().toLowerCase());
}

/** The first resource the plan touches (its subject, each written resource and its parent) that carries the opt-out tag. */
function optedOutResource(context: PlanningContext, finding: Finding, draft: Draft): string | undefined {
  const ids = [finding.resourceId, ...draft.operations.flatMap((operation) => [operation.id, operation.precondition.readId])];
  for (const id of ids) {
    for (let current: string | undefined = id; current !== undefined; current = parentId(current)) {
      if (optsOut(context.estate.resource(current)?.raw ?? context.estate.subnet(current)?.raw)) return current;
    }
  }
  return undefined;
}

/** A plan of no writes: why there is none (`manualReason`), and what was proven of it, by default nothing. */
function genericPlan(finding: Finding, reason: string, verification = 'not simulated: no change is written for it'): Plan {
  const rule = ruleById(finding.ruleId);
  return {
    ruleId: finding.ruleId,
    resourceId: finding.resourceId,
    severity: finding.severity,
    mode: 'manual',
    verified: false,
    verification,
    summary: rule?.meta.remediation ?? finding.message,
    risk: 'Not assessed: no concrete change is written for this rule; follow the rule\'s documentation.',
    operations: [],
    az: [],
    rollback: [],
    manualReason: reason,
  };
}

export function planRemediations(inventory: Inventory, options: PlanOptions = {}): PlanResult {
  const ruleIds = proofRuleIds(options.ruleIds);
  // Proofs judge every rule either profile runs (nothing may get worse under either); the findings
  // planned are the named rules', or the profile's (`only` names its findings itself).
  const wanted =
    options.only !== undefined
      ? undefined
      : new Set(options.ruleIds !== undefined && options.ruleIds.length > 0 ? options.ruleIds : selectRules(undefined, allRules, options.profile ?? DEFAULT_PROFILE).map((rule) => rule.meta.id));
  // Planning a few findings (the app, as they open) judges only their subjects up front; the estate may come prebuilt.
  const onlySubjects = options.only !== undefined ? new Set([...options.only].map((key) => key.slice(key.indexOf('|') + 1))) : undefined;
  let baseline = baselineOf(inventory, inventory.resources, ruleIds, options.estate, onlySubjects);
  const findings = [...baseline.evaluations.values()]
    .filter((evaluation): evaluation is Finding => isFinding(evaluation))
    .filter((finding) => (wanted === undefined || wanted.has(finding.ruleId)) && (options.only === undefined || options.only.has(findingKey(finding))))
    .sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.ruleId.localeCompare(b.ruleId) || a.resourceId.localeCompare(b.resourceId));
  const plans: Plan[] = [];
  let unjudged = 0;
  for (const [index, finding] of findings.entries()) {
    options.onProgress?.(index, findings.length);
    if (finding.status !== 'fail') {
      unjudged++;
      continue;
    }
    const planner = plannerFor(finding.ruleId);
    if (planner === undefined) {
      plans.push(genericPlan(finding, 'no automated change exists for this rule (the fix recreates or re-attaches a resource, or needs a choice only you can make)'));
      continue;
    }
    // The finding as the current (possibly already changed) estate judges it: an earlier plan may have fixed it.
    const current = baseline.evaluations.get(findingKey(finding));
    if (current === undefined || current.status !== 'fail') {
      plans.push({ ...genericPlan(finding, 'an earlier plan in this document fixes it too', 'the estate with the earlier plans applied no longer fails this check'), verified: true, summary: 'Fixed by an earlier plan of this document.', risk: 'None of its own.' });
      continue;
    }
    const context: PlanningContext = { estate: baseline.estate, serviceTags: inventory.serviceTags };
    const drafts = planner.plan(current as Finding, context);
    if (drafts.length === 0) {
      plans.push(genericPlan(finding, 'the inventory does not hold what a concrete change needs (a resource, a prefix or a region it names is missing)'));
      continue;
    }
    const excluded = options.exclude?.(finding);
    let chosen: { draft: Draft; proof: Proof } | undefined;
    let first: { draft: Draft; proof: Proof } | undefined;
    for (const draft of drafts) {
      const proof: Proof =
        draft.operations.length === 0
          ? { verified: false, verification: 'not simulated: the plan is commands for a person to run (with values only they can confirm), not writes this auditor makes', after: baseline }
          : proveDraft(inventory, baseline, draft, current as Finding, ruleIds);
      first ??= { draft, proof };
      if (proof.verified) {
        chosen = { draft, proof };
        break;
      }
    }
    const picked = chosen ?? first;
    if (picked === undefined) continue;
    const { draft, proof } = picked;
    const optedOut = optedOutResource(context, finding, draft);
    // An unproven change is never applied without a person: it is demoted to manual, with why.
    const mode = draft.mode === 'auto' && proof.verified && excluded === undefined && optedOut === undefined ? 'auto' : 'manual';
    const manualReason =
      draft.manualReason ??
      (optedOut !== undefined ? `resource ${optedOut} opts out of automatic remediation (tag ${OPT_OUT_TAG}: off)` : excluded ?? (proof.verified ? undefined : proof.verification));
    plans.push({
      ruleId: finding.ruleId,
      resourceId: finding.resourceId,
      severity: finding.severity,
      mode,
      verified: proof.verified,
      verification: proof.verification,
      summary: draft.summary,
      risk: draft.risk,
      operations: draft.operations,
      az: draft.az,
      rollback: draft.rollback,
      ...(mode === 'manual' && manualReason !== undefined ? { manualReason } : {}),
    });
    if (mode === 'auto' && options.independent !== true) baseline = proof.after;
  }
  options.onProgress?.(findings.length, findings.length);
  return { generatedAt: (options.now ?? new Date()).toISOString(), plans, unjudged };
}
