import type { Evaluation, Severity } from '../core/types';
import { auditEstate, countVerdicts, DEFAULT_PROFILE, selectRules } from '../engine/audit';
import type { Profile } from '../engine/audit';
import type { Estate } from '../estate';
import { allRules } from '../rules/registry';
import type { AnyRule, RuleGuidance } from '../rules/types';
import type { SweepRecord } from '../store';
import { SOURCE_DOCUMENTS as SOURCES, sourcePage } from '../rules/sources';
import { RULE_FIXES } from '../rules/fixes.generated';

/**
 * What the dashboard shows about each rule beyond a finding: the requirement it comes from
 * (quoted, with its section), the remediation and its az CLI and Bicep fixes, and how many
 * subjects it judged. Served as JSON at /api/dashboard/rules; the findings API lacks these.
 */

/** The titles of the documents rule sources cite (src/rules/sources.ts). */
export const SOURCE_DOCUMENTS: Readonly<Record<'000' | '001', string>> = {
  '000': SOURCES['000'].title,
  '001': SOURCES['001'].title,
};

export interface RuleEvaluationCounts {
  /** Subjects the rule applied to (pass + fail + unknown). */
  readonly evaluated: number;
  readonly pass: number;
  readonly fail: number;
  readonly unknown: number;
  readonly notApplicable: number;
}

export interface DashboardRule {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly description: string;
  readonly remediation: string;
  readonly enabledByDefault: boolean;
  /** Whether today's guidance still asks for it; superseded ones say why, with the page. */
  readonly guidance: RuleGuidance;
  /** Whether the catalogue's profile runs it. */
  readonly inProfile: boolean;
  readonly source: { readonly document: string; readonly documentTitle: string; readonly section: string; readonly quote: string };
  readonly examples: { readonly azureCli: string | null; readonly bicep: string | null };
  readonly docPath: string | null;
  /** Null when no estate judged by this instance is at hand (see `RuleCatalogue.evaluatedBasis`). */
  readonly counts: RuleEvaluationCounts | null;
}

export interface SubscriptionSweepSummary {
  readonly subscriptionId: string;
  readonly sweptAt: string;
  readonly evaluations: number;
  readonly pass: number;
  readonly fail: number;
  readonly unknown: number;
  readonly notApplicable: number;
  readonly complete: boolean;
  readonly error: string | null;
}

export interface RuleCatalogue {
  readonly generatedAt: string;
  readonly rules: readonly DashboardRule[];
  /** Subscriptions whose judged estate the per-rule counts come from. */
  readonly evaluatedBasis: readonly string[];
  /** The profile this instance judges with (AML_AUDITOR_PROFILE). */
  readonly profile: Profile;
}

export function ruleInfo(rule: AnyRule, counts: RuleEvaluationCounts | null, profile: Profile = DEFAULT_PROFILE): DashboardRule {
  const { meta } = rule;
  const fix = RULE_FIXES[meta.id];
  return {
    id: meta.id,
    title: meta.title,
    severity: meta.severity,
    description: meta.description,
    remediation: meta.remediation,
    enabledByDefault: meta.enabledByDefault,
    guidance: meta.guidance,
    inProfile: selectRules(undefined, [rule], profile).length > 0,
    source: { document: meta.source.document, documentTitle: sourcePage(meta.source).title, section: meta.source.section, quote: meta.source.quote },
    examples: { azureCli: fix?.azureCli ?? null, bicep: fix?.bicep ?? null },
    docPath: fix?.docPath ?? null,
    counts,
  };
}

// The audit of an estate is pure, so its counts are computed once per estate object and profile.
const countsByEstate = new WeakMap<Estate, Map<Profile, ReadonlyMap<string, RuleEvaluationCounts>>>();

/** Per-rule counts of one judged estate, under a profile. */
export function ruleCountsOf(estate: Estate, profile: Profile = DEFAULT_PROFILE): ReadonlyMap<string, RuleEvaluationCounts> {
  const cached = countsByEstate.get(estate)?.get(profile);
  if (cached !== undefined) return cached;
  const byRule = new Map<string, Evaluation[]>();
  for (const evaluation of auditEstate(estate, { profile }).evaluations) {
    const list = byRule.get(evaluation.ruleId);
    if (list === undefined) byRule.set(evaluation.ruleId, [evaluation]);
    else list.push(evaluation);
  }
  const counts = new Map<string, RuleEvaluationCounts>();
  for (const [ruleId, evaluations] of byRule) {
    const verdicts = countVerdicts(evaluations);
    // "Evaluated" is what the rule judged: not-applicable subjects are counted apart.
    counts.set(ruleId, { evaluated: evaluations.length - verdicts.notApplicable, ...verdicts });
  }
  const byProfile = countsByEstate.get(estate) ?? new Map<Profile, ReadonlyMap<string, RuleEvaluationCounts>>();
  byProfile.set(profile, counts);
  countsByEstate.set(estate, byProfile);
  return counts;
}

export function addCounts(maps: readonly ReadonlyMap<string, RuleEvaluationCounts>[]): Map<string, RuleEvaluationCounts> {
  const total = new Map<string, RuleEvaluationCounts>();
  for (const map of maps) {
    for (const [ruleId, counts] of map) {
      const sum = total.get(ruleId) ?? { evaluated: 0, pass: 0, fail: 0, unknown: 0, notApplicable: 0 };
      total.set(ruleId, {
        evaluated: sum.evaluated + counts.evaluated,
        pass: sum.pass + counts.pass,
        fail: sum.fail + counts.fail,
        unknown: sum.unknown + counts.unknown,
        notApplicable: sum.notApplicable + counts.notApplicable,
      });
    }
  }
  return total;
}

/** The newest sweep record of each subscription (failed ones included, so a broken sweep is visible), by subscription ID. */
export function newestSweepPerSubscription(records: readonly SweepRecord[]): SubscriptionSweepSummary[] {
  const newest = new Map<string, SweepRecord>();
  for (const record of records) {
    if (record.superseded) continue;
    const current = newest.get(record.subscriptionId);
    if (current === undefined || record.startedAt > current.startedAt) newest.set(record.subscriptionId, record);
  }
  return [...newest.values()]
    .sort((a, b) => a.subscriptionId.localeCompare(b.subscriptionId))
    .map((record) => ({
      subscriptionId: record.subscriptionId,
      sweptAt: record.startedAt,
      evaluations: record.evaluations,
      pass: record.pass,
      fail: record.fail,
      unknown: record.unknown,
      notApplicable: record.notApplicable,
      complete: record.complete,
      error: record.error ?? null,
    }));
}

/**
 * The catalogue: every registered rule with its counts over the estates at hand. `estates` are
 * the judged estates this instance holds (src/app keeps one per swept subscription); the store
 * records findings, not the subjects that passed, so without them the counts are null.
 */
export function ruleCatalogue(estates: ReadonlyMap<string, Estate>, profile: Profile = DEFAULT_PROFILE, now: Date = new Date()): RuleCatalogue {
  const basis = [...estates.keys()].sort();
  const counts = basis.length === 0 ? undefined : addCounts([...estates.values()].map((estate) => ruleCountsOf(estate, profile)));
  return {
    generatedAt: now.toISOString(),
    rules: allRules.map((rule) => ruleInfo(rule, counts === undefined ? null : (counts.get(rule.meta.id) ?? { evaluated: 0, pass: 0, fail: 0, unknown: 0, notApplicable: 0 }), profile)),
    evaluatedBasis: basis,
    profile,
  };
}
