import type { ResourceGraphClient } from '@azure/arm-resourcegraph';
import { isRestError } from '@azure/core-rest-pipeline';
import { idKey } from '../core/ids';
import { isObject } from '../core/json';
import type { InventoryGap } from '../core/types';
import type { ResourceRow } from '../inventory/types';
import type { GraphTable } from '../inventory/resource-types';
import { typesInTable } from '../inventory/resource-types';

/**
 * Resource Graph reading: the KQL we send, `$skipToken` paging, subscription batching, and
 * isolating a failing subscription so that the rest of the estate is still read.
 */

/** The types read from the `resources` table (the rest: resource-types.ts). */
export const GRAPH_RESOURCE_TYPES: readonly string[] = typesInTable('resources');

export const ROLE_ASSIGNMENT_TYPE = 'microsoft.authorization/roleassignments';
export const COMPUTE_TYPE = 'microsoft.machinelearningservices/workspaces/computes';
export const SUBSCRIPTION_TYPE = 'microsoft.resources/subscriptions';

/** Service maximum rows per page and subscriptions per request. */
export const MAX_PAGE_SIZE = 1000;
export const MAX_SUBSCRIPTIONS_PER_REQUEST = 1000;

export type { GraphTable };

/** One query per table; `order by id` makes paging deterministic across pages. */
export function resourcesQuery(): string {
  return typesQuery('resources');
}

/**
 * How many `resources` rows of the read types each subscription holds: one row per subscription
 * that has any (none for one that has none), with an `id` so it pages and deduplicates like any row.
 */
export function rowCountsQuery(): string {
  return `resources\n| where type in~ (${typesInTable('resources').map(kqlString).join(', ')})\n| summarize rowCount = count() by subscriptionId\n| extend id = strcat('/subscriptions/', subscriptionId)\n| order by id asc`;
}

/** Firewall policy rule collection groups: Resource Graph lists them only in `networkresources`. */
export function networkResourcesQuery(): string {
  return typesQuery('networkresources');
}

/** Sent with `authorizationScopeFilter: AtScopeAboveAndBelow` so that grants inherited from management groups are listed too. */
export function roleAssignmentsQuery(): string {
  return `authorizationresources\n| where type =~ ${kqlString(ROLE_ASSIGNMENT_TYPE)}\n| order by id asc`;
}

/** The subscriptions in scope with their management group ancestry (`properties.managementGroupAncestorsChain`). */
export function subscriptionsQuery(): string {
  return `resourcecontainers\n| where type =~ ${kqlString(SUBSCRIPTION_TYPE)}\n| order by id asc`;
}

function typesQuery(table: GraphTable): string {
  return `${table}\n| where type in~ (${typesInTable(table).map(kqlString).join(', ')})\n| order by id asc`;
}

export function byIdsQuery(table: GraphTable, ids: readonly string[]): string {
  return `${table}\n| where id in~ (${ids.map(kqlString).join(', ')})\n| order by id asc`;
}

const SUBSCRIPTIONS_OF_GROUP_QUERY = "resourcecontainers\n| where type =~ 'microsoft.resources/subscriptions'\n| project id, subscriptionId\n| order by id asc";

export function kqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export type GraphScope =
  | { readonly kind: 'subscriptions'; readonly ids: readonly string[] }
  | { readonly kind: 'managementGroup'; readonly id: string };

export interface PageEvent {
  readonly label: string;
  readonly rows: number;
}

export interface GraphReadOptions {
  readonly pageSize: number;
  readonly batchSize: number;
  /** Names the query in gaps and progress ("resources", "role assignments"). */
  readonly label: string;
  readonly onPage?: (event: PageEvent) => void;
  /** Told when a batch of subscriptions is done (read or given up). */
  readonly onSubscriptionsDone?: (count: number) => void;
  /** Role assignments: which scopes' grants to list (`AtScopeAboveAndBelow` includes those inherited from management groups). */
  readonly authorizationScopeFilter?: 'AtScopeAboveAndBelow';
}

export interface GraphReadResult {
  readonly rows: ResourceRow[];
  readonly gaps: InventoryGap[];
  /** Rows that are not objects or lack an id (docs/interfaces.md: skipped with a warning). */
  malformed: number;
}

export function managementGroupScope(id: string): string {
  return `/providers/Microsoft.Management/managementGroups/${id}`;
}

/** Reads every row of a query over a scope; failures become gaps, never exceptions. */
export async function readGraph(client: ResourceGraphClient, query: string, scope: GraphScope, options: GraphReadOptions): Promise<GraphReadResult> {
  const result: GraphReadResult = { rows: [], gaps: [], malformed: 0 };
  if (scope.kind === 'managementGroup') {
    try {
      const page = await readAllPages(client, query, { managementGroups: [scope.id] }, options);
      appendAll(result.rows, page.rows);
      result.malformed += page.malformed;
      return result;
    } catch (error) {
      // One broken subscription must not hide the whole group: list its subscriptions and read them one batch at a time.
      let subscriptions: string[];
      try {
        subscriptions = await subscriptionsOfGroup(client, scope.id, options);
      } catch {
        result.gaps.push({ scope: managementGroupScope(scope.id), reason: `${options.label}: ${describeError(error)}` });
        return result;
      }
      return readGraph(client, query, { kind: 'subscriptions', ids: subscriptions }, options);
    }
  }
  const ids = uniqueIgnoringCase(scope.ids);
  for (let start = 0; start < ids.length; start += options.batchSize) {
    const batch = ids.slice(start, start + options.batchSize);
    await readBatch(client, query, batch, options, result);
    options.onSubscriptionsDone?.(batch.length);
  }
  return result;
}

async function readBatch(client: ResourceGraphClient, query: string, subscriptions: readonly string[], options: GraphReadOptions, result: GraphReadResult): Promise<void> {
  try {
    const page = await readAllPages(client, query, { subscriptions: [...subscriptions] }, options);
    appendAll(result.rows, page.rows);
    result.malformed += page.malformed;
  } catch (error) {
    if (subscriptions.length > 1 && mayBeOneSubscription(error)) {
      // Halve the batch until the failing subscription is alone: the others are still read.
      const half = Math.ceil(subscriptions.length / 2);
      await readBatch(client, query, subscriptions.slice(0, half), options, result);
      await readBatch(client, query, subscriptions.slice(half), options, result);
      return;
    }
    const reason = `${options.label}: ${describeError(error)}`;
    for (const subscription of subscriptions) result.gaps.push({ scope: `/subscriptions/${subscription}`, reason });
  }
}

interface Scopes {
  readonly subscriptions?: string[];
  readonly managementGroups?: string[];
}

/** Follows `$skipToken` to the last page. Any failure discards the partial result (all or nothing per scope). */
async function readAllPages(client: ResourceGraphClient, query: string, scopes: Scopes, options: GraphReadOptions): Promise<{ rows: ResourceRow[]; malformed: number }> {
  const rows: ResourceRow[] = [];
  const seen = new Set<string>();
  const tokens = new Set<string>();
  let malformed = 0;
  let skipToken: string | undefined;
  do {
    const response = await client.resources({
      query,
      ...scopes,
      options: {
        top: options.pageSize,
        resultFormat: 'objectArray',
        ...(options.authorizationScopeFilter !== undefined ? { authorizationScopeFilter: options.authorizationScopeFilter } : {}),
        ...(skipToken !== undefined ? { skipToken } : {}),
      },
    });
    const data = rowsOf(response.data);
    if (data === undefined) throw new MalformedAnswerError('the answer has no row array in `data`');
    for (const item of data) {
      const row = asRow(item);
      if (row === undefined) {
        malformed++;
        continue;
      }
      const key = idKey(row.id);
      if (seen.has(key)) continue;
      seen.add(key);
      rows.push(row);
    }
    options.onPage?.({ label: options.label, rows: data.length });
    skipToken = typeof response.skipToken === 'string' && response.skipToken !== '' ? response.skipToken : undefined;
    if (skipToken === undefined && String(response.resultTruncated) === 'true') {
      throw new MalformedAnswerError('the service truncated the result without a $skipToken');
    }
    if (skipToken !== undefined) {
      if (tokens.has(skipToken)) throw new MalformedAnswerError('the service repeated a $skipToken');
      tokens.add(skipToken);
    }
  } while (skipToken !== undefined);
  return { rows, malformed };
}

async function subscriptionsOfGroup(client: ResourceGraphClient, groupId: string, options: GraphReadOptions): Promise<string[]> {
  const listed = await readAllPages(client, SUBSCRIPTIONS_OF_GROUP_QUERY, { managementGroups: [groupId] }, { ...options, onPage: undefined });
  const ids = listed.rows.map((row) => (typeof row.subscriptionId === 'string' ? row.subscriptionId : row.id.replace(/^\/subscriptions\//i, '')));
  if (ids.length === 0) throw new MalformedAnswerError('no subscriptions listed');
  return ids;
}

/** `objectArray` rows; an object keyed "0","1",… (5.0.0-beta.4's shape) is accepted too. */
function rowsOf(data: unknown): readonly unknown[] | undefined {
  if (Array.isArray(data)) return data as readonly unknown[];
  if (isObject(data) && Object.keys(data).every((key) => /^\d+$/.test(key))) {
    return Object.keys(data)
      .sort((a, b) => Number(a) - Number(b))
      .map((key) => data[key]);
  }
  return undefined;
}

export function asRow(item: unknown): ResourceRow | undefined {
  if (!isObject(item)) return undefined;
  const id = item.id;
  if (typeof id !== 'string' || id.trim() === '') return undefined;
  return item as ResourceRow;
}

/** Errors that name the request as a whole (bad query, no token) are not narrowed down by halving the batch. */
function mayBeOneSubscription(error: unknown): boolean {
  if (error instanceof MalformedAnswerError) return true;
  if (!isRestError(error)) return true;
  return error.statusCode !== 400 && error.statusCode !== 401;
}

export class MalformedAnswerError extends Error {
  constructor(message: string) {
    super(`malformed Resource Graph answer: ${message}`);
    this.name = 'MalformedAnswerError';
  }
}

export function describeError(error: unknown): string {
  if (isRestError(error)) {
    const status = error.statusCode !== undefined ? `HTTP ${error.statusCode}` : (error.code ?? 'network error');
    const message = error.message.split('\n')[0] ?? '';
    return `${status}${message ? `: ${message}` : ''}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** `target.push(...items)` passes every item as an argument and overflows the stack on large estates. */
export function appendAll<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}

function uniqueIgnoringCase(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const unique: string[] = [];
  for (const value of values) {
    const key = value.trim().toLowerCase();
    if (key === '' || seen.has(key)) continue;
    seen.add(key);
    unique.push(value.trim());
  }
  return unique;
}
