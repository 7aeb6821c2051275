import type { JsonValue, Severity } from '../core/types';

/**
 * A remediation plan (docs/interfaces.md, "aml-vnet-audit remediate"): for one finding, the ARM
 * writes that fix it, exactly as ARM takes them, with what each relies on, the equivalent az
 * commands, what the change widens, and how to undo it. Plans are data: the command line prints
 * and reads them, the Functions app stores them, the dashboard shows them.
 */

export type JsonBody = { [key: string]: JsonValue };

/**
 * What must still hold when an operation is applied, read from `readId` (the resource written,
 * or its parent for a child that does not exist yet). `values` maps dotted property paths of that
 * resource (`properties.networkAcls`, `properties.securityRules`) to what they were when the plan
 * was made (null: absent). Compared after dropping what ARM adds on its own (etag, provisioningState,
 * ids' case, empty arrays).
 */
export interface Precondition {
  readonly readId: string;
  readonly apiVersion: string;
  readonly values: { readonly [path: string]: JsonValue };
}

export interface PlanOperation {
  readonly method: 'PUT' | 'PATCH';
  /** Full ARM ID of the resource written (a child for child writes). */
  readonly id: string;
  readonly apiVersion: string;
  /** What ARM takes: PUT replaces the resource, PATCH merges objects and replaces arrays. */
  readonly body: JsonBody;
  /** The ETag the write is conditioned on (Network resources honour If-Match); absent when unknown. */
  readonly ifMatch?: string;
  /** The touched properties as the plan saw them: a changed one means the plan is stale. */
  readonly precondition: Precondition;
  /** One line: what this write does. */
  readonly description: string;
}

export type PlanMode = 'auto' | 'manual';

export interface Plan {
  readonly ruleId: string;
  readonly resourceId: string;
  /** The finding's severity (`--fail-on` compares it). */
  readonly severity: Severity;
  /** auto: bounded and additive, may be applied by `--apply` and by the app in apply mode. manual: reviewed and run by a person. */
  readonly mode: PlanMode;
  /** True when, applied to the estate, the finding passes and no other check gets worse. */
  readonly verified: boolean;
  /** What the verification found (or why there is none). */
  readonly verification: string;
  readonly summary: string;
  /** What the change widens or narrows, and who it could affect. */
  readonly risk: string;
  readonly operations: readonly PlanOperation[];
  /** The same change as az CLI commands, with the real names filled in. */
  readonly az: readonly string[];
  /** Writes that restore the touched properties as they were. */
  readonly rollback: readonly PlanOperation[];
  /** Why the plan is manual (absent for auto plans). */
  readonly manualReason?: string;
}

export interface PlanDocument {
  readonly generatedAt: string;
  readonly plans: readonly Plan[];
}
