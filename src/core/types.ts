/**
 * The vocabulary every layer shares: severities, verdicts, evaluations and findings.
 * The JSON field names here are the contract of docs/interfaces.md: extend, never rename.
 */

export type Severity = 'info' | 'low' | 'medium' | 'high';
export const SEVERITIES: readonly Severity[] = ['info', 'low', 'medium', 'high'];

/** The four outcomes of one rule on one subject (docs/rules.md, "Result of one check"). */
export type Verdict = 'pass' | 'fail' | 'unknown' | 'not-applicable';

/** A finding is a `fail` or an `unknown`. */
export type FindingStatus = 'fail' | 'unknown';

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
/** Facts that justify a verdict: the NSG rule and priority, the overlapping CIDRs, the missing subnets… */
export type Evidence = { [key: string]: JsonValue };

/** One rule applied to one subject resource. Every verdict, `pass` included, carries a sentence. */
export interface Evaluation {
  readonly ruleId: string;
  /** The rule's subject, as written in the inventory. */
  readonly resourceId: string;
  readonly status: Verdict;
  readonly severity: Severity;
  readonly title: string;
  readonly message: string;
  /**
   * Which of the rule's messages (meta.messages) the outcome chose; the engine always sets it
   * (CHECK_FAILED_MESSAGE_ID when the check threw). Not part of the contract's JSON finding.
   */
  readonly messageId?: string;
  readonly evidence: Evidence;
  /** Workspaces the subject serves, as written in the inventory. */
  readonly workspaceIds: readonly string[];
}

/** The messageId of an evaluation whose check threw: the message then says why, as data allows. */
export const CHECK_FAILED_MESSAGE_ID = 'checkFailed';

/**
 * The messageId of a verdict not given because part of what it rests on could not be read (an
 * inventory gap over a resource): reported as `unknown` with the reason, never stored, so the
 * finding stays as it was until a read that holds that part judges it.
 */
export const NOT_READ_MESSAGE_ID = 'notRead';

export interface Finding extends Evaluation {
  readonly status: FindingStatus;
}

export function isFinding(evaluation: Evaluation): evaluation is Finding {
  return evaluation.status === 'fail' || evaluation.status === 'unknown';
}

export interface AuditSummary {
  readonly resources: number;
  readonly evaluations: number;
  readonly pass: number;
  readonly fail: number;
  readonly unknown: number;
  readonly notApplicable: number;
}

/** A part of the estate the inventory could not read (a partial sweep resolves nothing it missed). */
export interface InventoryGap {
  readonly scope: string;
  readonly reason: string;
}

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}
