/**
 * The finding lifecycle, as a pure function: given what is stored and what was just
 * evaluated, what should be stored. No I/O and no clock, so every transition is testable alone;
 * the store adds keys, ETags and transactions around it.
 *
 *   (none)   --fail/unknown-->  open       opened   (firstSeen, occurrences = 1)
 *   open     --fail/unknown-->  open       updated when the content changed, else unchanged
 *   open     --pass/n-a/gone--> resolved   resolved (resolvedAt, resolution)
 *   resolved --fail/unknown-->  open       reopened (occurrences + 1, firstSeen kept)
 *   resolved --pass/n-a/gone--> resolved   unchanged
 *
 * Suppression is not a stored state: it is applied when reading (see suppression.ts), so it
 * ends by itself when it expires.
 */
import type { Evaluation } from '../core/types';
import { isFinding } from '../core/types';
import type { FindingRecord } from './record';
import { contentHashOf } from './record';
import type { ChangeKind, Resolution } from './types';

export interface DecideOptions {
  /** ISO time of the evaluation being applied. */
  readonly at: string;
  /**
   * Write an unchanged finding anyway, moving its evaluatedAt/lastSeen forward (event path and
   * incomplete sweeps). A complete sweep does not: its claim on the partition marker and its
   * sweep record vouch for every finding it left untouched, which keeps re-sweeps write-free.
   */
  readonly confirmUnchanged: boolean;
  /** Evaluations older than this are stale (the start of the newest complete sweep of the partition). */
  readonly floor?: string;
  /** When the auditor looked (wall clock), for `lastSeen`; default `at`. */
  readonly seenAt?: string;
}

export type Decision =
  | { readonly kind: ChangeKind; readonly next: FindingRecord }
  | { readonly kind: 'confirmed'; readonly next: FindingRecord }
  | { readonly kind: 'unchanged' | 'stale' | 'none' };

/**
 * `evaluation` undefined means the subject was not evaluated by this rule although it was in
 * scope: it no longer exists or no longer applies (resolution `absent`).
 */
export function decide(current: FindingRecord | undefined, evaluation: Evaluation | undefined, options: DecideOptions): Decision {
  const { at } = options;
  const seen = options.seenAt ?? at;
  if (current !== undefined && at < current.evaluatedAt) return { kind: 'stale' };
  if (options.floor !== undefined && at < options.floor) return { kind: 'stale' };

  if (evaluation !== undefined && isFinding(evaluation)) {
    const content = {
      ruleId: evaluation.ruleId,
      resourceId: evaluation.resourceId,
      status: evaluation.status,
      severity: evaluation.severity,
      title: evaluation.title,
      message: evaluation.message,
      evidence: evaluation.evidence,
      workspaceIds: [...evaluation.workspaceIds],
      contentHash: contentHashOf(evaluation),
    };
    if (current === undefined) {
      return {
        kind: 'opened',
        next: {
          ...content,
          lifecycle: 'open',
          firstSeen: at,
          lastSeen: seen,
          resolvedAt: null,
          resolution: null,
          occurrences: 1,
          evaluatedAt: at,
          lastChangedAt: at,
        },
      };
    }
    if (current.lifecycle === 'resolved') {
      return {
        kind: 'reopened',
        next: {
          ...current,
          ...content,
          lifecycle: 'open',
          lastSeen: seen,
          resolvedAt: null,
          resolution: null,
          occurrences: current.occurrences + 1,
          evaluatedAt: at,
          lastChangedAt: at,
        },
      };
    }
    if (current.contentHash !== content.contentHash) {
      return { kind: 'updated', next: { ...current, ...content, lastSeen: seen, evaluatedAt: at, lastChangedAt: at } };
    }
    return options.confirmUnchanged ? { kind: 'confirmed', next: { ...current, lastSeen: seen, evaluatedAt: at } } : { kind: 'unchanged' };
  }

  if (current === undefined) return { kind: 'none' };
  if (current.lifecycle === 'open') {
    return {
      kind: 'resolved',
      next: { ...current, lifecycle: 'resolved', resolvedAt: at, resolution: resolutionOf(evaluation), evaluatedAt: at, lastChangedAt: at },
    };
  }
  return options.confirmUnchanged ? { kind: 'confirmed', next: { ...current, evaluatedAt: at } } : { kind: 'unchanged' };
}

function resolutionOf(evaluation: Evaluation | undefined): Resolution {
  if (evaluation === undefined) return 'absent';
  return evaluation.status === 'pass' ? 'pass' : 'not-applicable';
}
