import type { AuditFindings, AuditOptions, AuditReport, FindingsReport } from '../engine/audit';
import { auditEstate, auditFindings, unjudgedGaps } from '../engine/audit';
import type { Estate } from '../estate';
import { buildEstate } from '../estate';
import type { Inventory } from '../inventory/types';

export interface AuditRunOptions extends AuditOptions {
  /** The report's timestamp; now when absent (tests pin it). */
  readonly now?: Date;
  /** Called at the start of each stage (progress on a terminal). */
  readonly onStage?: (stage: 'index' | 'evaluate', detail: string) => void;
}

/**
 * The audit as a service: inventory → estate graph → rule evaluation → report. Every inventory
 * source (snapshot file, Resource Graph, the local sample) and every caller (CLI, Functions,
 * bench) goes through here, so they agree on what a report holds.
 */
export function auditInventory(inventory: Inventory, options: AuditRunOptions = {}): AuditReport {
  return reportOf(inventory, options, auditEstate);
}

/** auditInventory for a caller that only shows the report: every verdict counted, only findings kept (auditFindings). */
export function auditInventoryFindings(inventory: Inventory, options: AuditRunOptions = {}): FindingsReport {
  return reportOf(inventory, options, auditFindings);
}

function reportOf<R extends AuditFindings>(inventory: Inventory, options: AuditRunOptions, audit: (estate: Estate, options: AuditOptions) => R): R & FindingsReport {
  options.onStage?.('index', `${inventory.resources.length} resources`);
  const estate = buildEstate(inventory);
  options.onStage?.('evaluate', `${estate.resourceCount} resources`);
  const { now, onStage, ...auditOptions } = options;
  const result = audit(estate, auditOptions);
  return {
    ...result,
    generatedAt: (now ?? new Date()).toISOString(),
    // A rule that failed as a whole, or a malformed row, left subjects unjudged: the report is incomplete, as with an unread part of the estate.
    gaps: [...inventory.gaps, ...unjudgedGaps(result)],
    // The estate repeats the inventory's warnings; each is reported once.
    warnings: [...new Set([...inventory.warnings, ...estate.warnings])],
  };
}
