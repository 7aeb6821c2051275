import { expect } from 'vitest';
import { CHECK_FAILED_MESSAGE_ID, NOT_READ_MESSAGE_ID } from '../../src/core/types';
import type { Evaluation } from '../../src/core/types';
import { auditEstate, MISSING_VALUE } from '../../src/engine/audit';
import type { Estate } from '../../src/estate';
import type { AnyRule } from '../../src/rules/types';

/** Message IDs each rule has produced in this test file (read by test/support/rule-messages.ts). */
export const exercisedMessages = new Map<string, Set<string>>();

/**
 * Runs one rule through the real engine and returns its evaluations, each checked as a user will
 * read it: its messageId is one of the rule's messages (or the engine's check-failed one), and its
 * message has every placeholder filled.
 */
export function evaluateRule(rule: AnyRule, estate: Estate): readonly Evaluation[] {
  const evaluations = auditEstate(estate, { rules: [rule] }).evaluations;
  let exercised = exercisedMessages.get(rule.meta.id);
  if (exercised === undefined) exercisedMessages.set(rule.meta.id, (exercised = new Set()));
  for (const evaluation of evaluations) {
    const messageId = evaluation.messageId ?? '';
    exercised.add(messageId);
    if (messageId !== CHECK_FAILED_MESSAGE_ID && messageId !== NOT_READ_MESSAGE_ID) expect(Object.keys(rule.meta.messages), `${rule.meta.id} chose a message it does not declare`).toContain(messageId);
    expect(evaluation.message, `${rule.meta.id}/${messageId} left a placeholder unfilled`).not.toContain(MISSING_VALUE);
    expect(evaluation.message, `${rule.meta.id}/${messageId}`).not.toMatch(/\{\{|\}\}|undefined|\[object Object\]/);
  }
  return evaluations;
}

/** The single evaluation of a rule on one subject (case-insensitive ID); throws when absent or repeated. */
export function verdictFor(rule: AnyRule, estate: Estate, subjectId: string): Evaluation {
  const matches = evaluateRule(rule, estate).filter((evaluation) => evaluation.resourceId.toLowerCase() === subjectId.toLowerCase());
  if (matches.length !== 1) {
    throw new Error(`expected one evaluation of ${rule.meta.id} on ${subjectId}, got ${matches.length}`);
  }
  return matches[0] as Evaluation;
}
