import type { AuditSummary, Evaluation, Evidence, Finding, InventoryGap } from '../core/types';
import { CHECK_FAILED_MESSAGE_ID, isFinding, NOT_READ_MESSAGE_ID } from '../core/types';
import type { Estate, MalformedRow } from '../estate';
import { affectedSubjectKeys } from '../estate';
import { idKey } from '../core/ids';
import { allRules } from '../rules/registry';
import type { AnyRule, CheckOutcome, MessageData, OutcomeEvidence, RuleSubject } from '../rules/types';
import { DEFAULT_PROFILE, inProfile } from '../rules/profiles';
import type { Profile } from '../rules/profiles';

// Callers above the engine (the app, the store) choose a profile without reaching into src/rules.
export { DEFAULT_PROFILE, isProfile, PROFILES } from '../rules/profiles';
export type { Profile } from '../rules/profiles';

export interface AuditOptions {
  /** Rule IDs to run; default: every rule of the profile. Naming a rule runs it even when off by default. */
  readonly ruleIds?: readonly string[];
  /** Which rules run when none are named (src/rules/profiles.ts); default `documented`. */
  readonly profile?: Profile;
  /** Only subjects whose case-folded ID is in this set (event-driven re-evaluation). */
  readonly subjectKeys?: ReadonlySet<string>;
  /** Rules to run instead of the registry (tests). */
  readonly rules?: readonly AnyRule[];
}

/** A rule that could not select its subjects: none of its findings were judged. */
export interface RuleError {
  readonly ruleId: string;
  readonly reason: string;
}

/**
 * What a run found: every verdict counted, the findings kept. It has no `evaluations` on purpose:
 * a store resolves what a run judged passing, so only a result that holds every evaluation
 * (AuditResult) may ever reach one.
 */
export interface AuditFindings {
  readonly summary: AuditSummary;
  /**
   * Rules that failed as a whole. Their subjects were not evaluated, so a caller must treat the run
   * as incomplete: nothing of these rules may be resolved because it is absent from `evaluations`.
   */
  readonly ruleErrors: readonly RuleError[];
  readonly findings: readonly Finding[];
  /**
   * Rows whose properties are missing or malformed (src/estate/shape.ts). Every subject that may
   * depend on one was judged unknown; a caller must treat the run as incomplete, because a subject
   * such a row named (a workspace's storage account) may be missing from `evaluations` for that alone.
   */
  readonly malformedRows: readonly MalformedRow[];
  /** The rules that ran, in order: a store leaves the findings of other rules as they were. */
  readonly ruleIds: readonly string[];
  /** The profile that chose them (when rules were named, the profile the caller was under). */
  readonly profile: Profile;
}

export interface AuditResult extends AuditFindings {
  /** Every evaluation, pass and not-applicable included. */
  readonly evaluations: readonly Evaluation[];
}

/** What a report shows: the findings of a run, when, and what of the estate it could not read. */
export interface FindingsReport extends AuditFindings {
  readonly generatedAt: string;
  /** Parts of the estate the inventory could not read; the audit is incomplete when non-empty. */
  readonly gaps: readonly InventoryGap[];
  readonly warnings: readonly string[];
}

export interface AuditReport extends AuditResult, FindingsReport {}

/**
 * What a run could not judge, as gaps beside the inventory's: a rule that failed as a whole, a
 * malformed row. Either makes the run incomplete: nothing may be resolved by its absence.
 */
export function unjudgedGaps(result: Pick<AuditFindings, 'ruleErrors' | 'malformedRows'>): InventoryGap[] {
  return [
    ...result.ruleErrors.map((error) => ({ scope: `rule:${error.ruleId}`, reason: `the rule failed and judged nothing: ${error.reason}` })),
    ...result.malformedRows.map((row) => ({ scope: row.resourceId, reason: `${row.reason}: what depends on it was judged unknown` })),
  ];
}

/** Rules selected by `ruleIds`, or every rule of the profile. Throws on an unknown ID (a usage error). */
export function selectRules(ruleIds: readonly string[] | undefined, registry: readonly AnyRule[] = allRules, profile: Profile = DEFAULT_PROFILE): readonly AnyRule[] {
  if (ruleIds === undefined || ruleIds.length === 0) return registry.filter((rule) => inProfile(rule.meta, profile));
  const byId = new Map(registry.map((rule) => [rule.meta.id, rule]));
  const unknownIds = ruleIds.filter((id) => !byId.has(id));
  if (unknownIds.length > 0) {
    throw new UnknownRuleError(unknownIds);
  }
  return [...new Set(ruleIds)].map((id) => byId.get(id) as AnyRule);
}

export class UnknownRuleError extends Error {
  constructor(readonly ruleIds: readonly string[]) {
    super(`unknown rule ID${ruleIds.length > 1 ? 's' : ''}: ${ruleIds.join(', ')} (see docs/rules.md or 'aml-vnet-audit rules')`);
    this.name = 'UnknownRuleError';
  }
}

/** Runs the rules over the estate. Pure: the same estate and options give the same result. */
export function auditEstate(estate: Estate, options: AuditOptions = {}): AuditResult {
  const run = runRules(estate, options, true);
  return { summary: run.summary, ruleErrors: run.ruleErrors, malformedRows: estate.malformedRows, evaluations: run.kept, findings: run.kept.filter(isFinding), ruleIds: run.ruleIds, profile: run.profile };
}

/**
 * auditEstate for a caller that only reports (the CLI without a store): passes and not-applicable
 * verdicts are counted, never kept, and their messages never formatted. At 100k resources that
 * is four evaluations in five, a tenth of the audit's memory.
 */
export function auditFindings(estate: Estate, options: AuditOptions = {}): AuditFindings {
  const run = runRules(estate, options, false);
  return { summary: run.summary, ruleErrors: run.ruleErrors, malformedRows: estate.malformedRows, findings: run.kept.filter(isFinding), ruleIds: run.ruleIds, profile: run.profile };
}

/** The rules' run over the estate: every verdict counted; kept, every evaluation or only the findings. */
function runRules(
  estate: Estate,
  options: AuditOptions,
  keepEveryVerdict: boolean,
): { readonly summary: AuditSummary; readonly ruleErrors: RuleError[]; readonly kept: Evaluation[]; readonly ruleIds: string[]; readonly profile: Profile } {
  const profile = options.profile ?? DEFAULT_PROFILE;
  const rules = options.rules ?? selectRules(options.ruleIds, allRules, profile);
  const ruleErrors: RuleError[] = [];
  const kept: Evaluation[] = [];
  const tally = new VerdictTally();
  let evaluated = 0;
  const untrusted = untrustedSubjects(estate);
  for (const rule of rules) {
    const subjects = subjectsOf(rule, estate);
    if ('error' in subjects) {
      ruleErrors.push({ ruleId: rule.meta.id, reason: subjects.error });
      continue;
    }
    for (const subject of subjects.list) {
      if (options.subjectKeys && !options.subjectKeys.has(subject.resourceId.toLowerCase())) continue;
      let judged = judge(rule, subject, estate);
      if (judged.outcome.notRead !== undefined) judged = unjudged(judged.outcome.notRead, NOT_READ_MESSAGE_ID);
      if (untrusted.size > 0) {
        // What rests on a malformed row or an unread part is not a verdict. A rule that already answered
        // unknown says why better, except where part of what it read is missing: nothing is stored of that.
        const cause = untrusted.get(idKey(subject.resourceId)) ?? untrusted.get(EVERY_SUBJECT);
        if (cause !== undefined && (cause.unread || judged.outcome.status !== 'unknown')) judged = unjudged(cause.reason, cause.unread ? NOT_READ_MESSAGE_ID : CHECK_FAILED_MESSAGE_ID);
      }
      const status = judged.outcome.status;
      evaluated += 1;
      tally.add(status);
      if (keepEveryVerdict || status === 'fail' || status === 'unknown') kept.push(evaluationOf(rule, subject, judged));
    }
  }
  const summary: AuditSummary = { resources: estate.resourceCount, evaluations: evaluated, ...tally.counts() };
  return { summary, ruleErrors, kept, ruleIds: rules.map((rule) => rule.meta.id), profile };
}

function subjectsOf(rule: AnyRule, estate: Estate): { readonly list: readonly RuleSubject<unknown>[] } | { readonly error: string } {
  try {
    return { list: [...rule.subjects(estate)] };
  } catch (error) {
    // A rule bug must not take the audit down with it, nor pass for "no subjects": it is reported.
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** Past this many malformed rows and unread parts, their neighbourhoods are not worked out one by one (each walks the estate): every verdict is unknown. */
const MAX_MALFORMED_NEIGHBOURHOODS = 1_000;
const EVERY_SUBJECT = '';

/**
 * Subjects whose verdicts may depend on a malformed row or on a part of a resource that could not
 * be read (a workspace's computes), by key, with why: the resource's own key and its neighbourhood
 * (src/estate/neighbourhood.ts, the subjects an event on it would re-judge). Judged without what
 * is missing, a workspace whose computes could not be listed would fail for having none.
 */
function untrustedSubjects(estate: Estate): Map<string, Untrusted> {
  const untrusted = new Map<string, Untrusted>();
  // Unread parts first: a subject under both is left as it was rather than judged unknown.
  const causes = [
    ...estate.unreadParts.map((gap) => ({ resourceId: gap.scope, unread: true, own: `part of it could not be read (${gap.reason})`, dependent: `part of which could not be read (${gap.reason})` })),
    ...estate.malformedRows.map((row) => ({ resourceId: row.resourceId, unread: false, own: `its row is malformed: ${row.reason}`, dependent: `whose row is malformed: ${row.reason}` })),
  ];
  if (causes.length > MAX_MALFORMED_NEIGHBOURHOODS) {
    const first = causes[0];
    const what = estate.unreadParts.length === 0 ? 'rows of the inventory are malformed' : 'resources of the inventory are malformed or were read in part';
    untrusted.set(EVERY_SUBJECT, { reason: `${causes.length} ${what}, among them ${first?.resourceId ?? ''} (${first?.own ?? ''})`, unread: estate.unreadParts.length > 0 });
    return untrusted;
  }
  for (const cause of causes) {
    const own = idKey(cause.resourceId);
    if (!untrusted.has(own)) untrusted.set(own, { reason: cause.own, unread: cause.unread });
    for (const key of affectedSubjectKeys(estate, cause.resourceId)) {
      if (!untrusted.has(key)) untrusted.set(key, { reason: `it depends on ${cause.resourceId}, ${cause.dependent}`, unread: cause.unread });
    }
  }
  return untrusted;
}

/** Why a subject's verdict is not to be trusted; `unread` when part of what it rests on is missing, not malformed. */
interface Untrusted {
  readonly reason: string;
  readonly unread: boolean;
}

/** A verdict not given because what it would rest on cannot be read. */
function unjudged(reason: string, messageId: string): Judged {
  return { outcome: { status: 'unknown', messageId, evidence: { error: reason } }, error: reason, notRun: true };
}

/** A rule's verdict on one subject, or the reason it could not give one. */
interface Judged {
  readonly outcome: CheckOutcome<string>;
  /** The check's error: the verdict is unknown. */
  readonly error?: string;
  /** The check was not run: `error` says what it would rest on that cannot be trusted. */
  readonly notRun?: boolean;
}

function judge(rule: AnyRule, subject: RuleSubject<unknown>, estate: Estate): Judged {
  try {
    return { outcome: rule.check(subject, estate) };
  } catch (error) {
    // Malformed inventory must never crash an audit (docs/interfaces.md): the verdict is unknown, with the reason.
    const reason = error instanceof Error ? error.message : String(error);
    return { outcome: { status: 'unknown', messageId: CHECK_FAILED_MESSAGE_ID, evidence: { error: reason } }, error: reason };
  }
}

function evaluationOf(rule: AnyRule, subject: RuleSubject<unknown>, judged: Judged): Evaluation {
  const { outcome } = judged;
  return {
    ruleId: rule.meta.id,
    resourceId: subject.resourceId,
    status: outcome.status,
    severity: rule.meta.severity,
    title: rule.meta.title,
    message:
      judged.notRun === true
        ? `Not judged: ${judged.error ?? ''}.`
        : judged.error !== undefined
          ? `The check could not be completed on this resource (${judged.error}); the inventory may hold malformed data.`
          : formatMessage(rule.meta.messages[outcome.messageId], outcome.data),
    messageId: outcome.messageId,
    evidence: evidenceOf(outcome.evidence),
    workspaceIds: subject.workspaceIds,
  };
}

/** Evidence as stored: the fields a check left `undefined` are left out. */
function evidenceOf(evidence: OutcomeEvidence | undefined): Evidence {
  const result: Evidence = {};
  if (evidence === undefined) return result;
  for (const [key, value] of Object.entries(evidence)) if (value !== undefined) result[key] = value;
  return result;
}

/** What a person reads where a rule gave no value for a placeholder: never "undefined", never "{{name}}". */
export const MISSING_VALUE = '(not known)';

/**
 * Fills `{{name}}` placeholders. A value the rule did not give reads MISSING_VALUE: a template's
 * syntax never reaches a user (test/conventions/messages.test.ts holds every rule to filling them all).
 */
export function formatMessage(template: string | undefined, data: MessageData | undefined): string {
  if (template === undefined) return '';
  const parts = templateParts(template);
  let message = parts.literals[0] ?? '';
  for (let index = 0; index < parts.names.length; index += 1) {
    const value = data?.[parts.names[index] ?? ''];
    message += (value === undefined ? MISSING_VALUE : String(value)) + (parts.literals[index + 1] ?? '');
  }
  return message;
}

/** A template cut at its placeholders: literals[i], placeholder i, literals[i + 1]… */
interface TemplateParts {
  readonly literals: readonly string[];
  readonly names: readonly string[];
}

// Rule messages are a few hundred fixed templates formatted ~70k times per large audit: each is cut
// once. Bounded (cleared when full) because callers may pass any template.
const TEMPLATE_LIMIT = 1_000;
const templates = new Map<string, TemplateParts>();

function templateParts(template: string): TemplateParts {
  let parts = templates.get(template);
  if (parts === undefined) {
    const literals: string[] = [];
    const names: string[] = [];
    const placeholder = /\{\{\s*(\w+)\s*\}\}/g;
    let start = 0;
    for (let match = placeholder.exec(template); match !== null; match = placeholder.exec(template)) {
      literals.push(template.slice(start, match.index));
      names.push(match[1] ?? '');
      start = match.index + match[0].length;
    }
    literals.push(template.slice(start));
    parts = { literals, names };
    if (templates.size >= TEMPLATE_LIMIT) templates.clear();
    templates.set(template, parts);
  }
  return parts;
}

/** How many evaluations ended in each verdict: the one place verdicts are counted. */
export interface VerdictCounts {
  readonly pass: number;
  readonly fail: number;
  readonly unknown: number;
  readonly notApplicable: number;
}

/** Verdicts counted one at a time: countVerdicts, and a run that does not keep them all (auditFindings). */
class VerdictTally {
  private pass = 0;
  private fail = 0;
  private unknown = 0;
  private notApplicable = 0;

  add(status: Evaluation['status']): void {
    if (status === 'pass') this.pass++;
    else if (status === 'fail') this.fail++;
    else if (status === 'unknown') this.unknown++;
    else this.notApplicable++;
  }

  counts(): VerdictCounts {
    return { pass: this.pass, fail: this.fail, unknown: this.unknown, notApplicable: this.notApplicable };
  }
}

export function countVerdicts(evaluations: Iterable<Pick<Evaluation, 'status'>>): VerdictCounts {
  const tally = new VerdictTally();
  for (const evaluation of evaluations) tally.add(evaluation.status);
  return tally.counts();
}

export function summarize(resources: number, evaluations: readonly Evaluation[]): AuditSummary {
  return { resources, evaluations: evaluations.length, ...countVerdicts(evaluations) };
}
