import type { Finding } from '../../core/types';
import type { Estate } from '../../estate';
import type { ServiceTagEntry } from '../../inventory/types';
import type { Plan } from '../types';

/** A plan before it is proven: what a planner proposes for one finding. */
export type Draft = Pick<Plan, 'mode' | 'summary' | 'risk' | 'operations' | 'az' | 'rollback' | 'manualReason'>;

export interface PlanningContext {
  readonly estate: Estate;
  readonly serviceTags: readonly ServiceTagEntry[] | undefined;
}

/**
 * Proposes plans for a finding of the rules it serves, most preferred first (the first one that
 * proves out is kept). Pure: reads the finding's evidence and the estate, never Azure. An empty
 * list means no concrete change can be written: the finding gets a manual plan of the rule's advice.
 */
export interface Planner {
  readonly ruleIds: readonly string[];
  plan(finding: Finding, context: PlanningContext): readonly Draft[];
}

/** A row of the estate by ID, subnets included (Resource Graph keeps them inside their VNet). */
export function rowOf(estate: Estate, id: string): unknown {
  return estate.resource(id)?.raw ?? estate.subnet(id)?.raw;
}

export function manual(reason: string, draft: Omit<Draft, 'mode' | 'manualReason'>): Draft {
  return { ...draft, mode: 'manual', manualReason: reason };
}
