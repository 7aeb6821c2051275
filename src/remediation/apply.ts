import { typeFromId } from '../core/ids';
import { pick } from '../core/json';
import type { JsonValue } from '../core/types';
import { writable } from './arm';
import { holds, sameState } from './compare';
import type { Plan, PlanOperation } from './types';

/**
 * Applying a reviewed plan (like `terraform apply` of a saved plan): for each write, read the
 * resource again, check what the plan relied on, write with If-Match where the provider honours
 * it, read again to confirm the write holds, and stop the plan at the first write that does not
 * go through. Nothing here knows HTTP: the caller gives an ARM port (src/live's client, or a test's).
 */

export type ArmReadResult = { readonly status: 'found'; readonly body: unknown; readonly etag: string | undefined } | { readonly status: 'missing' };

export interface ArmPort {
  read(id: string, apiVersion: string): Promise<ArmReadResult>;
  write(request: { readonly method: 'PUT' | 'PATCH'; readonly id: string; readonly apiVersion: string; readonly body: unknown; readonly ifMatch?: string }): Promise<void>;
}

/** applied: written and read back. unchanged: already as planned, nothing written. skipped: the precondition no longer holds, nothing written. failed: the write or its confirmation failed. */
export type OperationOutcome = 'applied' | 'unchanged' | 'skipped' | 'failed';

export interface OperationReport {
  readonly id: string;
  readonly description: string;
  readonly outcome: OperationOutcome;
  /** One sentence: what happened, and what changed when skipped. */
  readonly detail: string;
  /** The touched properties before and after (as read), for the record. */
  readonly before?: { readonly [path: string]: JsonValue };
  readonly after?: { readonly [path: string]: JsonValue };
}

export type PlanOutcome = 'applied' | 'unchanged' | 'skipped' | 'failed' | 'manual';

export interface PlanApplyReport {
  readonly ruleId: string;
  readonly resourceId: string;
  readonly outcome: PlanOutcome;
  readonly operations: readonly OperationReport[];
  /** After the writes, the finding judged again: true when it passes (undefined: not verified). */
  readonly verified?: boolean;
  readonly verification?: string;
}

/**
 * The only types an automatic plan writes (its rollback included). A plan file is reviewed, but it
 * is a file: one edited to write anything else (a role assignment, a VM) is refused, not sent.
 */
const WRITABLE_TYPES: ReadonlySet<string> = new Set([
  'microsoft.storage/storageaccounts',
  'microsoft.keyvault/vaults',
  'microsoft.containerregistry/registries',
  'microsoft.machinelearningservices/workspaces',
  'microsoft.network/virtualnetworks/subnets',
  'microsoft.network/networksecuritygroups',
  'microsoft.network/networksecuritygroups/securityrules',
  'microsoft.network/routetables',
  'microsoft.network/routetables/routes',
]);

/** Providers that honour If-Match on writes (Microsoft.Network keeps an ETag on every resource). */
function honoursIfMatch(id: string): boolean {
  return (typeFromId(id) ?? '').startsWith('microsoft.network/');
}

function valuesAt(body: unknown, paths: readonly string[]): { [path: string]: JsonValue } {
  const out: { [path: string]: JsonValue } = {};
  for (const path of paths) {
    const value = pick(body, path);
    out[path] = value === undefined ? null : writable(value);
  }
  return out;
}

function shortly(value: JsonValue): string {
  const text = JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isPreconditionFailed(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { statusCode?: unknown }).statusCode === 412;
}

/** One write, read-checked before and after. Never throws: a failure is its report. */
export async function applyOperation(operation: PlanOperation, arm: ArmPort): Promise<OperationReport> {
  const base = { id: operation.id, description: operation.description };
  const paths = Object.keys(operation.precondition.values);
  const type = typeFromId(operation.id) ?? '';
  if (!WRITABLE_TYPES.has(type)) return { ...base, outcome: 'failed', detail: `not written: automatic remediation never writes ${type === '' ? 'this resource' : `a ${type}`} (plan it again rather than edit a plan)` };
  try {
    const target = await arm.read(operation.id, operation.apiVersion);
    if (target.status === 'found' && holds(target.body, operation.body)) {
      return { ...base, outcome: 'unchanged', detail: 'already as planned: nothing written' };
    }
    const guard = operation.precondition.readId.toLowerCase() === operation.id.toLowerCase() ? target : await arm.read(operation.precondition.readId, operation.precondition.apiVersion);
    const before = valuesAt(guard.status === 'found' ? guard.body : undefined, paths);
    const changed = paths.filter((path) => !sameState(before[path], operation.precondition.values[path] ?? null));
    if (changed.length > 0) {
      const path = changed[0] as string;
      return {
        ...base,
        outcome: 'skipped',
        detail: `${path} of ${operation.precondition.readId} changed since the plan was made (planned on ${shortly(operation.precondition.values[path] ?? null)}, now ${shortly(before[path] ?? null)}): plan again`,
        before,
      };
    }
    const etag = target.status === 'found' ? target.etag : undefined;
    if (operation.ifMatch !== undefined && etag !== undefined && etag !== operation.ifMatch) {
      return { ...base, outcome: 'skipped', detail: `the ETag of ${operation.id} changed since the plan was made (${operation.ifMatch} → ${etag}): plan again`, before };
    }
    // The ETag just read closes the window between this check and the write.
    const ifMatch = operation.ifMatch ?? (honoursIfMatch(operation.id) ? etag : undefined);
    try {
      await arm.write({ method: operation.method, id: operation.id, apiVersion: operation.apiVersion, body: operation.body, ...(ifMatch !== undefined ? { ifMatch } : {}) });
    } catch (error) {
      if (isPreconditionFailed(error)) return { ...base, outcome: 'skipped', detail: `${operation.id} was changed by someone else between the check and the write (412 on If-Match): nothing written; plan again`, before };
      return { ...base, outcome: 'failed', detail: `the write failed: ${describeError(error)}`, before };
    }
    const reread = await arm.read(operation.id, operation.apiVersion);
    const guardAfter = operation.precondition.readId.toLowerCase() === operation.id.toLowerCase() ? reread : await arm.read(operation.precondition.readId, operation.precondition.apiVersion);
    const after = valuesAt(guardAfter.status === 'found' ? guardAfter.body : undefined, paths);
    if (reread.status !== 'found' || !holds(reread.body, operation.body)) {
      return { ...base, outcome: 'failed', detail: 'the write was accepted, but reading it back does not show it: a concurrent change may have overwritten it', before, after };
    }
    return { ...base, outcome: 'applied', detail: 'written and read back as planned', before, after };
  } catch (error) {
    return { ...base, outcome: 'failed', detail: `reading from Azure Resource Manager failed: ${describeError(error)}` };
  }
}

/** The plan's writes in order, stopping at the first that is skipped or fails (later writes build on it). */
export async function applyOperations(operations: readonly PlanOperation[], arm: ArmPort): Promise<{ outcome: Exclude<PlanOutcome, 'manual'>; operations: OperationReport[] }> {
  const reports: OperationReport[] = [];
  for (const operation of operations) {
    const report = await applyOperation(operation, arm);
    reports.push(report);
    if (report.outcome === 'skipped' || report.outcome === 'failed') return { outcome: report.outcome, operations: reports };
  }
  return { outcome: reports.every((report) => report.outcome === 'unchanged') ? 'unchanged' : 'applied', operations: reports };
}

export interface ApplyOptions {
  /** Judges the plan's finding again once its writes are in (the touched neighbourhood read back). */
  readonly verify?: (plan: Plan) => Promise<{ readonly verified: boolean; readonly detail: string }>;
}

/** Applies an auto plan; a manual plan is reported, never written. */
export async function applyPlan(plan: Plan, arm: ArmPort, options: ApplyOptions = {}): Promise<PlanApplyReport> {
  const base = { ruleId: plan.ruleId, resourceId: plan.resourceId };
  if (plan.mode !== 'auto') return { ...base, outcome: 'manual', operations: [], verification: `manual plan: ${plan.manualReason ?? 'review it and run its commands yourself'}` };
  const { outcome, operations } = await applyOperations(plan.operations, arm);
  if ((outcome === 'applied' || outcome === 'unchanged') && options.verify !== undefined) {
    const check = await options.verify(plan);
    return { ...base, outcome, operations, verified: check.verified, verification: check.detail };
  }
  return { ...base, outcome, operations };
}

/** Applies a plan's rollback writes (each checked like any write). */
export async function rollbackPlan(plan: Plan, arm: ArmPort): Promise<{ outcome: Exclude<PlanOutcome, 'manual'>; operations: OperationReport[] }> {
  return applyOperations(plan.rollback, arm);
}
