import type { TokenCredential } from '@azure/core-auth';
import type { TlsSettings } from '@azure/core-rest-pipeline';
import { idKey, regionKey, subscriptionOf, typeFromId } from '../core/ids';
import { asNonEmptyString, isObject } from '../core/json';
import type { InventoryGap } from '../core/types';
import type { Inventory, ResourceRow, ServiceTagEntry } from '../inventory/types';
import type { Transport } from './clients';
import { createArmGetClient, createGraphClient, createNetworkClient, listArmItems } from './clients';
import type { CloudName } from './clouds';
import { cloudSettings } from './clouds';
import { readComputesFromArm, workspacesLackingComputes } from './computes';
import type { GraphScope } from './graph';
import {
  appendAll,
  MAX_PAGE_SIZE,
  MAX_SUBSCRIPTIONS_PER_REQUEST,
  readGraph,
  resourcesQuery,
  networkResourcesQuery,
  roleAssignmentsQuery,
  rowCountsQuery,
  subscriptionsQuery,
} from './graph';
import { readServiceTags } from './service-tags';
import type { ReadFailure } from './arm-read';
import { readFromArm } from './arm-read';
import type { ArmResourceClient } from './arm-write';
import { createArmResourceClient } from './arm-write';
import type { RetrySettings } from './throttle';
import { QuotaPacer } from './throttle';

export type LivePhase = 'resources' | 'role-assignments' | 'computes' | 'service-tags' | 'done';

/** Progress of a live read, for a terminal line on stderr. */
export interface LiveProgress {
  readonly phase: LivePhase;
  /** Subscriptions whose resources have been read (or given up); undefined total for a management group. */
  readonly subscriptionsDone: number;
  readonly subscriptionsTotal: number | undefined;
  /** Resource Graph pages received so far. */
  readonly pages: number;
  /** Rows received so far. */
  readonly resources: number;
}

export interface LiveReadOptions {
  readonly credential: TokenCredential;
  readonly cloud?: CloudName;
  /** ARM endpoint override (Azure Stack, a proxy, a local test server); keeps the cloud's token scope. */
  readonly armEndpoint?: string;
  /** Rows per Resource Graph page, 1–1000 (default 1000, the service's maximum). */
  readonly pageSize?: number;
  /** Subscriptions per Resource Graph request, 1–1000 (default 1000, the service's maximum). */
  readonly subscriptionBatchSize?: number;
  readonly onProgress?: (progress: LiveProgress) => void;
  /** Throttling and retry behaviour; tests inject `sleep` and short delays. */
  readonly retry?: RetrySettings;
  /** Extra TLS trust (TLS-inspecting proxy CA; the tests' local server). */
  readonly tlsOptions?: TlsSettings;
  /** Parallel ARM calls for workspace computes (default 4). */
  readonly computeConcurrency?: number;
}

export interface LiveInventoryOptions extends LiveReadOptions {
  readonly subscriptionIds?: readonly string[];
  readonly managementGroupId?: string;
  /** Read service tags from the Network API (default true). */
  readonly serviceTags?: boolean;
}

/** The scope options were wrong: a usage error (exit 2), not an inventory gap. */
export class LiveUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LiveUsageError';
  }
}

/** The credential could not get an ARM token: a usage error (exit 2) with what to do, never a gap. */
export class LiveSignInError extends LiveUsageError {
  constructor(reason: string) {
    super(
      `not signed in to Azure: run 'az login' (or set AZURE_ACCESS_TOKEN to an Azure Resource Manager access token, or run where a managed identity is assigned)${reason !== '' ? `; the sign-in said: ${reason}` : ''}`,
    );
    this.name = 'LiveSignInError';
  }
}

/** Gets one token before any request, so a missing sign-in is one clear error instead of a gap per query. */
async function signIn(credential: TokenCredential, scope: string): Promise<void> {
  let token;
  try {
    token = await credential.getToken(scope);
  } catch (error) {
    throw new LiveSignInError(shortReason(error));
  }
  if (token === null || token.token === '') throw new LiveSignInError('');
}

/** The SDK's credential-chain errors run to kilobytes: the first sentence says enough. */
function shortReason(error: unknown): string {
  const text = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim();
  const first = /^(.{20,}?[.;])\s/.exec(text)?.[1] ?? text;
  return first.length > 160 ? `${first.slice(0, 159)}…` : first;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Reads the estate of subscriptions or a management group through Resource Graph: one
 * `resources` query and one `authorizationresources` query per batch of up to 1000
 * subscriptions, every page followed; workspace computes through ARM where the graph has none;
 * service tags once per cloud. Failures never throw: they become `gaps` (a partial
 * sweep must never resolve findings it did not see).
 */
export async function readLiveInventory(options: LiveInventoryOptions): Promise<Inventory> {
  const scope = scopeOf(options);
  const capturedAt = new Date().toISOString();
  const transport = transportOf(options);
  const pageSize = clamp(options.pageSize ?? MAX_PAGE_SIZE, 1, MAX_PAGE_SIZE, 'pageSize');
  const batchSize = clamp(options.subscriptionBatchSize ?? MAX_SUBSCRIPTIONS_PER_REQUEST, 1, MAX_SUBSCRIPTIONS_PER_REQUEST, 'subscriptionBatchSize');
  const graphPacer = new QuotaPacer(options.retry?.quotaLowWatermark ?? 3);
  const armPacer = new QuotaPacer(options.retry?.quotaLowWatermark ?? 3);
  const graph = createGraphClient(transport, graphPacer);
  await signIn(options.credential, transport.cloud.armScope);

  const progress = {
    phase: 'resources' as LivePhase,
    subscriptionsDone: 0,
    subscriptionsTotal: scope.kind === 'subscriptions' ? scope.ids.length : undefined,
    pages: 0,
    resources: 0,
  };
  const report = (phase?: LivePhase): void => {
    if (phase) progress.phase = phase;
    options.onProgress?.({ ...progress });
  };
  const onPage = ({ rows }: { rows: number }): void => {
    progress.pages++;
    progress.resources += rows;
    report();
  };

  report('resources');
  const resources = await readGraph(graph, resourcesQuery(), scope, {
    pageSize,
    batchSize,
    label: 'resources',
    onPage,
    onSubscriptionsDone: (count) => {
      progress.subscriptionsDone += count;
      report();
    },
  });
  // Rule collection groups live only in `networkresources`; without them every policy-based firewall would be misjudged.
  const network = await readGraph(graph, networkResourcesQuery(), scope, { pageSize, batchSize, label: 'firewall rule collection groups', onPage });
  report('role-assignments');
  // AtScopeAboveAndBelow: grants inherited from management groups apply too (aks.internal-lb-network-contributor).
  const roles = await readGraph(graph, roleAssignmentsQuery(), scope, { pageSize, batchSize, label: 'role assignments', onPage, authorizationScopeFilter: 'AtScopeAboveAndBelow' });
  // The subscriptions' management group ancestry tells which inherited grants cover which subscription.
  const containers = await readGraph(graph, subscriptionsQuery(), scope, { pageSize, batchSize, label: 'subscriptions', onPage });

  const gaps: InventoryGap[] = mergeGaps([...resources.gaps, ...network.gaps, ...roles.gaps, ...containers.gaps]);
  const warnings: string[] = [];
  let malformed = resources.malformed + network.malformed + roles.malformed + containers.malformed;
  const rows = mergeRows(resources.rows, network.rows, roles.rows, containers.rows);
  if (scope.kind === 'subscriptions') gaps.push(...unseenSubscriptions(scope.ids, rows, gaps));

  const lacking = workspacesLackingComputes(rows);
  if (lacking.length > 0) {
    report('computes');
    const computes = await readComputesFromArm(createArmGetClient(transport, armPacer), lacking, options.computeConcurrency);
    const known = new Set(rows.map((row) => idKey(row.id)));
    appendAll(rows, mergeRows(computes.rows).filter((row) => !known.has(idKey(row.id))));
    gaps.push(...computes.gaps);
    malformed += computes.malformed;
    progress.resources += computes.rows.length;
  }
  if (malformed > 0) warnings.push(`skipped ${malformed} row${malformed === 1 ? '' : 's'} that ${malformed === 1 ? 'is not an object or lacks' : 'are not objects or lack'} an id`);

  let serviceTags: readonly ServiceTagEntry[] | undefined;
  if (options.serviceTags !== false) {
    const regions = regionsInUse(rows);
    const subscription = scope.kind === 'subscriptions' ? firstReadSubscription(rows) ?? scope.ids[0] : firstReadSubscription(rows);
    if (regions.length > 0 && subscription !== undefined) {
      report('service-tags');
      const tags = await readServiceTags(transport.cloud.armEndpoint, () => createNetworkClient(transport, subscription, armPacer), regions);
      serviceTags = tags.entries;
      if (tags.warning) warnings.push(tags.warning);
    }
  }
  report('done');
  return {
    capturedAt,
    resources: rows,
    ...(serviceTags !== undefined ? { serviceTags } : {}),
    warnings,
    gaps,
  };
}

/**
 * How many rows of the read types each subscription holds in Resource Graph's `resources` table
 * (the bulk of a read): one request per 1,000 subscriptions. A subscription with none is 0; one
 * that could not be counted is left out (`gaps`). The sweep timer sizes its batches by it.
 */
export async function readRowCounts(subscriptionIds: readonly string[], options: LiveReadOptions): Promise<{ readonly counts: ReadonlyMap<string, number>; readonly gaps: readonly InventoryGap[] }> {
  const transport = transportOf(options);
  const graph = createGraphClient(transport, new QuotaPacer(options.retry?.quotaLowWatermark ?? 3));
  await signIn(options.credential, transport.cloud.armScope);
  const read = await readGraph(graph, rowCountsQuery(), { kind: 'subscriptions', ids: subscriptionIds }, { pageSize: MAX_PAGE_SIZE, batchSize: MAX_SUBSCRIPTIONS_PER_REQUEST, label: 'row counts' });
  const failed = new Set(read.gaps.map((gap) => subscriptionOf(gap.scope)));
  const counts = new Map<string, number>();
  for (const id of subscriptionIds) if (!failed.has(id.toLowerCase())) counts.set(id.toLowerCase(), 0);
  for (const row of read.rows) {
    const subscription = asNonEmptyString(row.subscriptionId)?.toLowerCase();
    const count = typeof row.rowCount === 'number' ? row.rowCount : Number(row.rowCount);
    if (subscription !== undefined && counts.has(subscription) && Number.isFinite(count) && count >= 0) counts.set(subscription, count);
  }
  return { counts, gaps: read.gaps };
}

export const SUBSCRIPTIONS_API_VERSION = '2022-12-01';

/** ARM's subscription states in which one can be read; a Disabled or Deleted one cannot, and its sweep would only record a gap. */
const READABLE_SUBSCRIPTION_STATES: ReadonlySet<string> = new Set(['enabled', 'warned', 'pastdue']);

/**
 * The subscriptions the identity can read (ARM `GET /subscriptions`, every page), lowercased and
 * sorted: what sweeps cover when no scope is configured. Throttled and retried as every ARM read.
 * Throws rather than answer part of the list when a page fails or is not ARM's list shape.
 */
export async function listReadableSubscriptions(options: LiveReadOptions): Promise<string[]> {
  const transport = transportOf(options);
  const arm = createArmGetClient(transport, new QuotaPacer(options.retry?.quotaLowWatermark ?? 3));
  await signIn(options.credential, transport.cloud.armScope);
  const ids = new Set<string>();
  for (const item of await listArmItems(arm, `/subscriptions?api-version=${SUBSCRIPTIONS_API_VERSION}`)) {
    const id = isObject(item) ? asNonEmptyString(item.subscriptionId) : undefined;
    const state = isObject(item) ? asNonEmptyString(item.state) : undefined;
    if (id !== undefined && (state === undefined || READABLE_SUBSCRIPTION_STATES.has(state.toLowerCase()))) ids.add(id.toLowerCase());
  }
  return [...ids].sort();
}

export interface ResourcesByIdResult {
  /** Rows found, in Resource Graph's shape (a subnet, rule or route is answered with its container). */
  readonly resources: readonly ResourceRow[];
  /** IDs read (after resourceToReadFor) that no longer exist. */
  readonly missing: readonly string[];
  /** IDs that could not be read, each on its own. */
  readonly failures: readonly ReadFailure[];
  readonly warnings: readonly string[];
}

/**
 * Re-reads changed resources by ID from Azure Resource Manager (the event path): the provider's
 * current state, never a Resource Graph row that may still lag the change. Each ID is read on
 * its own, so one that cannot be read does not fail the others.
 */
export async function readResourcesByIds(ids: readonly string[], options: LiveReadOptions): Promise<ResourcesByIdResult> {
  const transport = transportOf(options);
  const arm = createArmGetClient(transport, new QuotaPacer(options.retry?.quotaLowWatermark ?? 3));
  const read = await readFromArm(arm, ids, typeFromId, options.computeConcurrency);
  const warnings = read.unsupported.length > 0 ? [`not read (no rule reads their type): ${read.unsupported.join(', ')}`] : [];
  return { resources: read.resources, missing: read.missing, failures: read.failures, warnings };
}

/**
 * Resource Graph answers a subscription the identity cannot read (or that no longer exists) with
 * no rows and no error, exactly as it answers an empty one, except that an empty one it can read
 * still has its own `resourcecontainers` row. A subscription of which nothing at all came back is
 * therefore a gap: judged as empty, it would resolve every finding it holds without looking.
 */
function unseenSubscriptions(ids: readonly string[], rows: readonly ResourceRow[], gaps: readonly InventoryGap[]): InventoryGap[] {
  const seen = new Set<string>();
  for (const row of rows) {
    const subscription = subscriptionOf(row.id);
    if (subscription !== undefined) seen.add(subscription);
  }
  for (const gap of gaps) {
    const subscription = subscriptionOf(gap.scope);
    if (subscription !== undefined) seen.add(subscription);
  }
  const unseen = new Set(ids.map((id) => id.trim().toLowerCase()).filter((id) => !seen.has(id)));
  return [...unseen].map((id) => ({ scope: `/subscriptions/${id}`, reason: UNSEEN_SUBSCRIPTION }));
}

/** The reason of the gap of a subscription Resource Graph returned nothing for. */
export const UNSEEN_SUBSCRIPTION = 'Resource Graph returned nothing for this subscription, not even the subscription itself: the identity cannot read it (grant Reader on it) or it no longer exists';

function scopeOf(options: LiveInventoryOptions): GraphScope {
  const subscriptions = (options.subscriptionIds ?? []).flatMap((value) => value.split(',')).map((value) => value.trim()).filter((value) => value !== '');
  const group = options.managementGroupId?.trim();
  if (subscriptions.length > 0 && group) throw new LiveUsageError('give either subscriptions or a management group, not both');
  if (group) return { kind: 'managementGroup', id: group };
  if (subscriptions.length === 0) throw new LiveUsageError('no scope: give at least one subscription ID or a management group ID');
  const invalid = subscriptions.filter((id) => !GUID.test(id));
  if (invalid.length > 0) throw new LiveUsageError(`not a subscription ID (a GUID): ${invalid.join(', ')}`);
  return { kind: 'subscriptions', ids: subscriptions };
}

function transportOf(options: LiveReadOptions): Transport {
  return {
    credential: options.credential,
    cloud: cloudSettings(options.cloud, options.armEndpoint),
    retry: options.retry ?? {},
    ...(options.tlsOptions ? { tlsOptions: options.tlsOptions } : {}),
  };
}

function clamp(value: number, min: number, max: number, name: string): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new LiveUsageError(`${name} must be a whole number from ${min} to ${max}, not ${value}`);
  return value;
}

/** One gap per scope: the queries that failed for it, joined ("resources: HTTP 500; role assignments: HTTP 500"). */
function mergeGaps(gaps: readonly InventoryGap[]): InventoryGap[] {
  const byScope = new Map<string, { scope: string; reasons: string[] }>();
  for (const gap of gaps) {
    const key = gap.scope.toLowerCase();
    const entry = byScope.get(key) ?? { scope: gap.scope, reasons: [] };
    if (!entry.reasons.includes(gap.reason)) entry.reasons.push(gap.reason);
    byScope.set(key, entry);
  }
  return [...byScope.values()].map((entry) => ({ scope: entry.scope, reason: entry.reasons.join('; ') }));
}

/** Concatenates row lists, keeping the first row of each case-folded ID. */
function mergeRows(...lists: readonly (readonly ResourceRow[])[]): ResourceRow[] {
  const seen = new Set<string>();
  const merged: ResourceRow[] = [];
  for (const list of lists) {
    for (const row of list) {
      const key = idKey(row.id);
      if (seen.has(key)) continue;
      seen.add(key);
      merged.push(row);
    }
  }
  return merged;
}

function regionsInUse(rows: readonly ResourceRow[]): string[] {
  const regions = new Map<string, string>();
  for (const row of rows) {
    const location = asNonEmptyString(row.location);
    if (location === undefined) continue;
    const key = regionKey(location);
    if (key === 'global' || regions.has(key)) continue;
    regions.set(key, key);
  }
  return [...regions.values()].sort();
}

function firstReadSubscription(rows: readonly ResourceRow[]): string | undefined {
  for (const row of rows) {
    const subscription = asNonEmptyString(row.subscriptionId) ?? subscriptionOf(row.id);
    if (subscription !== undefined) return subscription;
  }
  return undefined;
}

/** The ARM client remediation writes with, on the same identity, cloud, retry and TLS trust as the reads. */
export function armResourceClient(options: LiveReadOptions, pollIntervalMs?: number): ArmResourceClient {
  return createArmResourceClient(transportOf(options), new QuotaPacer(options.retry?.quotaLowWatermark ?? 3), pollIntervalMs);
}
