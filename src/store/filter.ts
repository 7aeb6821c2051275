/**
 * One validation of what a caller asks of stored findings, shared by `findings list` (CLI) and
 * `GET /api/findings` (HTTP), so both accept and refuse exactly the same things. Each caller names
 * the fields as its users write them (`--rule` or `ruleId`).
 */
import { SEVERITIES } from '../core/types';
import type { Severity } from '../core/types';
import { ruleById } from '../rules/registry';
import { normalizeScope } from './suppression';
import { FINDING_ORDERS, FINDING_STATES } from './types';
import type { FindingFilter, FindingState } from './types';

export type FilterField = 'state' | 'severity' | 'ruleId' | 'subscriptionId' | 'workspaceId' | 'resourceId' | 'top' | 'continuationToken' | 'order';

/** The raw text of each field, as given (undefined or blank: not given). */
export type FindingFilterInput = Partial<Record<FilterField, string | undefined>>;

/** A value the caller got wrong; `field` as the caller names it. */
export class FilterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FilterError';
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const WORKSPACE_ID = /^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/microsoft\.machinelearningservices\/workspaces\/[^/]+$/i;

/** `state` also takes `all` (no filter). Throws FilterError naming the field as `label` gives it. */
export function parseFindingFilter(input: FindingFilterInput, label: (field: FilterField) => string): FindingFilter {
  const text = (field: FilterField): string | undefined => {
    const value = input[field]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const filter: { -readonly [K in keyof FindingFilter]: FindingFilter[K] } = {};
  const state = text('state');
  if (state !== undefined && state.toLowerCase() !== 'all') {
    const known = FINDING_STATES.find((candidate) => candidate === state.toLowerCase());
    if (known === undefined) throw new FilterError(`${label('state')} '${state}' is not one of ${FINDING_STATES.join(', ')}, all`);
    filter.state = known satisfies FindingState;
  }
  const severity = text('severity');
  if (severity !== undefined) {
    const known = SEVERITIES.find((candidate) => candidate === severity.toLowerCase());
    if (known === undefined) throw new FilterError(`${label('severity')} '${severity}' is not one of ${SEVERITIES.join(', ')}`);
    filter.severity = known satisfies Severity;
  }
  const ruleId = text('ruleId');
  if (ruleId !== undefined) {
    if (ruleById(ruleId) === undefined) throw new FilterError(`${label('ruleId')} '${ruleId}' is not a rule ID (see 'aml-vnet-audit rules')`);
    filter.ruleId = ruleId;
  }
  const subscriptionId = text('subscriptionId')?.replace(/^\/subscriptions\//i, '');
  if (subscriptionId !== undefined) {
    if (!GUID.test(subscriptionId)) throw new FilterError(`${label('subscriptionId')} '${subscriptionId}' is not a subscription ID (a GUID)`);
    filter.subscriptionId = subscriptionId.toLowerCase();
  }
  const workspaceId = text('workspaceId');
  if (workspaceId !== undefined) {
    if (!WORKSPACE_ID.test(workspaceId)) throw new FilterError(`${label('workspaceId')} '${workspaceId}' is not an Azure ML workspace ID (/subscriptions/…/providers/Microsoft.MachineLearningServices/workspaces/NAME)`);
    filter.workspaceId = workspaceId;
  }
  const resourceId = text('resourceId');
  if (resourceId !== undefined) {
    const scope = normalizeScope(resourceId);
    if ('error' in scope || !/\/providers\//i.test(resourceId)) throw new FilterError(`${label('resourceId')} '${resourceId}' is not an Azure resource ID`);
    filter.resourceId = resourceId;
  }
  const top = text('top');
  if (top !== undefined) {
    if (!/^\d+$/.test(top) || Number(top) < 1 || Number(top) > 1000) throw new FilterError(`${label('top')} must be a whole number from 1 to 1000, not '${top}'`);
    filter.top = Number(top);
  }
  const token = text('continuationToken');
  if (token !== undefined) filter.continuationToken = token;
  const order = text('order');
  if (order !== undefined) {
    const known = FINDING_ORDERS.find((candidate) => candidate === order.toLowerCase());
    if (known === undefined) throw new FilterError(`${label('order')} '${order}' is not one of ${FINDING_ORDERS.join(', ')}`);
    filter.order = known;
  }
  return filter;
}
