import { auditEstate } from '../../src/engine/audit';
import type { Evaluation } from '../../src/core/types';
import type { Estate } from '../../src/estate';
import type { AnyRule } from '../../src/rules/types';

/** Runs one rule through the real engine and returns its evaluations. */
export function evaluateRule(rule: AnyRule, estate: Estate): readonly Evaluation[] {
  return auditEstate(estate, { rules: [rule] }).evaluations;
}

/** The single evaluation of a rule on one subject (case-insensitive ID); throws when absent or repeated. */
export function verdictFor(rule: AnyRule, estate: Estate, subjectId: string): Evaluation {
  const matches = evaluateRule(rule, estate).filter((evaluation) => evaluation.resourceId.toLowerCase() === subjectId.toLowerCase());
  if (matches.length !== 1) {
    throw new Error(`expected one evaluation of ${rule.meta.id} on ${subjectId}, got ${matches.length}`);
  }
  return matches[0] as Evaluation;
}
