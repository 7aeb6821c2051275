/**
 * Sweep records: what one sweep of a subscription did (verdict counts, finding breakdowns, the
 * lifecycle changes it wrote), as the store writes them to and reads them from the sweeps table,
 * and the tally the write protocol keeps while it applies a sweep's partitions.
 */
import { summarize } from '../engine/audit';
import { asBoolean, asNumber, asString } from '../core/json';
import type { Evaluation, Severity } from '../core/types';
import { isFinding, SEVERITIES } from '../core/types';
import { clip } from './record';
import type { FindingChange, RecordEvaluationsInput, SweepRecord } from './types';

export interface Tally {
  opened: number;
  reopened: number;
  resolved: number;
  updated: number;
  unchanged: number;
  suppressed: number;
  stale: number;
  written: number;
  bookkeepingWrites: number;
  superseded: boolean;
  readonly changes: FindingChange[];
}

export function newTally(): Tally {
  return { opened: 0, reopened: 0, resolved: 0, updated: 0, unchanged: 0, suppressed: 0, stale: 0, written: 0, bookkeepingWrites: 0, superseded: false, changes: [] };
}

export function addTally(total: Tally, part: Tally): void {
  total.opened += part.opened;
  total.reopened += part.reopened;
  total.resolved += part.resolved;
  total.updated += part.updated;
  total.unchanged += part.unchanged;
  total.suppressed += part.suppressed;
  total.stale += part.stale;
  total.written += part.written;
  total.bookkeepingWrites += part.bookkeepingWrites;
  for (const change of part.changes) total.changes.push(change);
}

export function emptySweepCounts(): Omit<SweepRecord, 'sweepId' | 'subscriptionId' | 'startedAt' | 'observedAt' | 'finishedAt' | 'durationMs' | 'complete' | 'superseded'> {
  return {
    evaluations: 0,
    pass: 0,
    fail: 0,
    unknown: 0,
    notApplicable: 0,
    bySeverity: { info: 0, low: 0, medium: 0, high: 0 },
    byRule: {},
    opened: 0,
    reopened: 0,
    resolved: 0,
    updated: 0,
    stale: 0,
    written: 0,
  };
}

export function sweepRecordOf(
  sweepId: string,
  subscriptionId: string,
  input: RecordEvaluationsInput,
  evaluations: readonly Evaluation[],
  complete: boolean,
  tally: Tally,
  startedMs: number,
  finished: Date,
): SweepRecord {
  const bySeverity: Record<Severity, number> = { info: 0, low: 0, medium: 0, high: 0 };
  const byRule: Record<string, number> = {};
  // The verdict counts are the engine's own summary; only the finding breakdowns are the store's.
  const { pass, fail, unknown, notApplicable } = summarize(0, evaluations);
  for (const evaluation of evaluations) {
    if (isFinding(evaluation)) {
      bySeverity[evaluation.severity]++;
      byRule[evaluation.ruleId] = (byRule[evaluation.ruleId] ?? 0) + 1;
    }
  }
  return {
    sweepId,
    subscriptionId,
    startedAt: input.evaluatedAt.toISOString(),
    observedAt: (input.observedAt ?? input.evaluatedAt).toISOString(),
    finishedAt: finished.toISOString(),
    durationMs: Math.round((input.durationMs ?? 0) + (Date.now() - startedMs)),
    complete,
    evaluations: evaluations.length,
    pass,
    fail,
    unknown,
    notApplicable,
    bySeverity,
    byRule,
    opened: tally.opened,
    reopened: tally.reopened,
    resolved: tally.resolved,
    updated: tally.updated,
    stale: tally.stale,
    written: tally.written,
    superseded: tally.superseded,
    ...(input.ruleIds !== undefined ? { rules: [...new Set(input.ruleIds)].sort() } : {}),
  };
}

export function sweepEntity(record: SweepRecord): Record<string, string | number | boolean> {
  const { bySeverity, byRule, error, rules, ...flat } = record;
  return {
    ...flat,
    bySeverity: JSON.stringify(bySeverity),
    // A sweep has at most a few dozen rules: far below the property limit.
    byRule: clip(JSON.stringify(byRule)),
    ...(error === undefined ? {} : { error }),
    ...(rules === undefined ? {} : { rules: JSON.stringify(rules) }),
  };
}

export function sweepFromEntity(entity: Readonly<Record<string, unknown>>): SweepRecord | undefined {
  const sweepId = asString(entity.sweepId);
  const subscriptionId = asString(entity.subscriptionId);
  const startedAt = asString(entity.startedAt);
  if (sweepId === undefined || subscriptionId === undefined || startedAt === undefined) return undefined;
  const count = (name: string): number => asNumber(entity[name]) ?? 0;
  const bySeverity: Record<Severity, number> = { info: 0, low: 0, medium: 0, high: 0 };
  const parsedSeverity = parseObject(asString(entity.bySeverity));
  for (const severity of SEVERITIES) bySeverity[severity] = asNumber(parsedSeverity[severity]) ?? 0;
  const byRule: Record<string, number> = {};
  for (const [rule, value] of Object.entries(parseObject(asString(entity.byRule)))) {
    const n = asNumber(value);
    if (n !== undefined) byRule[rule] = n;
  }
  const error = asString(entity.error);
  const rules = sweepRulesFromProperty(entity.rules);
  return {
    sweepId,
    subscriptionId,
    startedAt,
    observedAt: asString(entity.observedAt) ?? startedAt,
    finishedAt: asString(entity.finishedAt) ?? startedAt,
    durationMs: count('durationMs'),
    complete: asBoolean(entity.complete) ?? false,
    evaluations: count('evaluations'),
    pass: count('pass'),
    fail: count('fail'),
    unknown: count('unknown'),
    notApplicable: count('notApplicable'),
    bySeverity,
    byRule,
    opened: count('opened'),
    reopened: count('reopened'),
    resolved: count('resolved'),
    updated: count('updated'),
    stale: count('stale'),
    written: count('written'),
    superseded: asBoolean(entity.superseded) ?? false,
    ...(error === undefined ? {} : { error }),
    ...(rules === undefined ? {} : { rules }),
  };
}

/** The `rules` property of a sweep record: the rule IDs it judged; undefined when absent (every rule); none when unreadable. */
export function sweepRulesFromProperty(value: unknown): readonly string[] | undefined {
  const text = asString(value);
  if (text === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) && parsed.every((item) => typeof item === 'string') ? parsed : [];
  } catch {
    // Unreadable: vouch for nothing rather than for everything.
    return [];
  }
}

export function parseObject(json: string | undefined): Record<string, unknown> {
  if (json === undefined) return {};
  try {
    const parsed: unknown = JSON.parse(json);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The newest complete sweep of a partition: when it looked, and the rules it judged (undefined: all). */
export interface LatestSweep {
  readonly at: string;
  readonly rules: ReadonlySet<string> | undefined;
}

/** A sweep confirms the open findings of the rules it judged, only. */
export function confirmationOf(sweep: LatestSweep | undefined, ruleId: string): string | undefined {
  return sweep !== undefined && (sweep.rules === undefined || sweep.rules.has(ruleId)) ? sweep.at : undefined;
}

/** The rules a sweep record says it judged, as a set; undefined: every rule. */
export function rulesOf(value: unknown): ReadonlySet<string> | undefined {
  const list = sweepRulesFromProperty(value);
  return list === undefined ? undefined : new Set(list);
}
