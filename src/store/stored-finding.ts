/** A stored finding as readers see it: lifecycle, suppression and confirmation applied at read time. */
import { subscriptionOf } from '../core/ids';
import { severityRank } from '../core/types';
import { compareAsc } from './paging';
import type { FindingRecord } from './record';
import { matchSuppression } from './suppression';
import type { FindingState, StoredFinding, Suppression } from './types';

export function storedFindingOf(record: FindingRecord, suppressions: readonly Suppression[], now: Date, confirmedAt: string | undefined): StoredFinding {
  const suppression = record.lifecycle === 'open' ? matchSuppression(suppressions, record.ruleId, record.resourceId, now) : null;
  const state: FindingState = record.lifecycle === 'resolved' ? 'resolved' : suppression !== null ? 'suppressed' : 'open';
  // An open finding a later complete sweep left untouched was confirmed by that sweep (see StoredFinding.lastSeen).
  const lastSeen = record.lifecycle === 'open' && confirmedAt !== undefined && confirmedAt > record.lastSeen ? confirmedAt : record.lastSeen;
  return {
    ruleId: record.ruleId,
    resourceId: record.resourceId,
    status: record.status,
    severity: record.severity,
    title: record.title,
    message: record.message,
    evidence: record.evidence,
    workspaceIds: record.workspaceIds,
    state,
    firstSeen: record.firstSeen,
    lastSeen,
    resolvedAt: record.resolvedAt,
    resolution: record.resolution,
    occurrences: record.occurrences,
    reopenCount: record.occurrences - 1,
    evaluatedAt: record.evaluatedAt,
    lastChangedAt: record.lastChangedAt,
    subscriptionId: subscriptionOf(record.resourceId) ?? null,
    suppression,
  };
}

/** Most severe first, for callers that want a stable display order. */
export function bySeverityThenRule(a: StoredFinding, b: StoredFinding): number {
  return severityRank(b.severity) - severityRank(a.severity) || compareAsc(a.ruleId, b.ruleId) || compareAsc(a.resourceId, b.resourceId);
}
