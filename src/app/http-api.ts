import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { isObject } from '../core/json';
import { storedFindingsCsv } from '../core/csv';
import type { FindingCsvColumn } from '../core/csv';
import { StoreInputError } from '../store';
import { FilterError, parseFindingFilter } from '../store';
import type { FindingFilter, RemediationFilter, StoredFinding } from '../store';
import { TransientError } from './ports';
import type { AppLog, AuditorApp, AuditRequest } from './service';
import { boundedBodyText, MAX_JSON_BODY_BYTES, PayloadTooLargeError } from './http-body';
import { NotFoundError, RequestError } from './service';

/**
 * The HTTP surface of docs/interfaces.md as plain functions over an AuditorApp: the `audit` and
 * `findings` Functions call them, and so does the local server (through those Functions).
 */

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_SUBSCRIPTIONS_PER_AUDIT = 50;

/** POST /api/audit with `{ "subscriptionIds": [...] }` or `{ "workspaceId": "..." }`. */
export async function auditResponse(auditor: AuditorApp, request: HttpRequest, log: AppLog): Promise<HttpResponseInit> {
  return respond(log, async () => {
    const parsed = parseAuditRequest(await boundedBodyText(request, MAX_JSON_BODY_BYTES));
    const answer = await auditor.audit(parsed, log);
    return {
      status: 200,
      jsonBody: {
        generatedAt: answer.generatedAt,
        subscriptionIds: answer.subscriptionIds,
        complete: answer.complete,
        gaps: answer.gaps,
        summary: answer.summary,
        // "the findings that changed": each with its new state, and the kind of change.
        findings: answer.changes.map((change) => ({ change: change.kind, ...change.finding })),
      },
    };
  });
}

export function parseAuditRequest(text: string): AuditRequest {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new RequestError('the body is not JSON: send { "subscriptionIds": [...] } or { "workspaceId": "..." }');
  }
  if (!isObject(body)) throw new RequestError('the body must be a JSON object: { "subscriptionIds": [...] } or { "workspaceId": "..." }');
  const hasSubscriptions = body.subscriptionIds !== undefined;
  const hasWorkspace = body.workspaceId !== undefined;
  if (hasSubscriptions === hasWorkspace) throw new RequestError('send exactly one of "subscriptionIds" and "workspaceId"');
  if (hasWorkspace) {
    if (typeof body.workspaceId !== 'string' || !/^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/microsoft\.machinelearningservices\/workspaces\/[^/]+$/i.test(body.workspaceId.trim())) {
      throw new RequestError('"workspaceId" must be the ARM ID of a Microsoft.MachineLearningServices/workspaces resource');
    }
    return { workspaceId: body.workspaceId.trim() };
  }
  const ids = body.subscriptionIds;
  if (!Array.isArray(ids) || ids.length === 0) throw new RequestError('"subscriptionIds" must be a non-empty array of subscription IDs');
  if (ids.length > MAX_SUBSCRIPTIONS_PER_AUDIT) throw new RequestError(`"subscriptionIds" holds ${ids.length} IDs; at most ${MAX_SUBSCRIPTIONS_PER_AUDIT} per request (larger scopes are swept by the timer)`);
  const subscriptionIds: string[] = [];
  for (const id of ids) {
    const text = typeof id === 'string' ? id.trim().replace(/^\/subscriptions\//i, '') : '';
    if (!GUID.test(text)) throw new RequestError(`"subscriptionIds": ${JSON.stringify(id)} is not a subscription ID (a GUID)`);
    subscriptionIds.push(text.toLowerCase());
  }
  return { subscriptionIds: [...new Set(subscriptionIds)] };
}

/** GET /api/findings?status=open&severity=high&ruleId=…&subscriptionId=…&workspaceId=…&format=csv&top=…&continuationToken=… */
export async function findingsResponse(auditor: AuditorApp, request: HttpRequest, log: AppLog): Promise<HttpResponseInit> {
  return respond(log, async () => {
    const { filter, format } = parseFindingsQuery(request.query);
    const page = await auditor.store.listFindings(filter);
    const headers: Record<string, string> = {};
    if (page.continuationToken !== undefined) headers['x-continuation-token'] = page.continuationToken;
    if (format === 'csv') {
      return { status: 200, headers: { ...headers, 'content-type': 'text/csv; charset=utf-8' }, body: findingsCsv(page.items) };
    }
    return { status: 200, headers, jsonBody: { findings: page.items, continuationToken: page.continuationToken ?? null } };
  });
}

export function parseFindingsQuery(query: URLSearchParams): { filter: FindingFilter; format: 'json' | 'csv' } {
  const known = new Set(['status', 'state', 'severity', 'ruleId', 'subscriptionId', 'workspaceId', 'resourceId', 'top', 'continuationToken', 'order', 'format', 'code']);
  for (const name of query.keys()) if (!known.has(name)) throw new RequestError(`unknown query parameter '${name}' (known: ${[...known].filter((key) => key !== 'code').join(', ')})`);
  const one = (name: string): string | undefined => query.get(name) ?? undefined;
  const formatText = (one('format')?.trim() || 'json').toLowerCase();
  if (formatText !== 'json' && formatText !== 'csv') throw new RequestError(`format '${formatText}' is not json or csv`);
  try {
    // docs/interfaces.md names the lifecycle state `status` in the query (status=open); `state` is accepted too.
    const filter = parseFindingFilter(
      { state: one('status') ?? one('state'), severity: one('severity'), ruleId: one('ruleId'), subscriptionId: one('subscriptionId'), workspaceId: one('workspaceId'), resourceId: one('resourceId'), top: one('top'), continuationToken: one('continuationToken'), order: one('order') },
      (field) => (field === 'state' ? 'status' : field),
    );
    return { filter, format: formatText };
  } catch (error) {
    if (error instanceof FilterError) throw new RequestError(error.message);
    throw error;
  }
}

/** GET /api/remediations?subscriptionId=…&ruleId=…&resourceId=…&mode=plan|apply&top=…: the remediations table, newest first. */
export async function remediationsResponse(auditor: AuditorApp, request: HttpRequest, log: AppLog): Promise<HttpResponseInit> {
  return respond(log, async () => {
    const filter = parseRemediationsQuery(request.query);
    const records = await auditor.store.listRemediations(filter);
    return { status: 200, jsonBody: { mode: auditor.remediator?.settings.mode ?? 'off', remediations: records } };
  });
}

export function parseRemediationsQuery(query: URLSearchParams): RemediationFilter {
  const known = new Set(['subscriptionId', 'ruleId', 'resourceId', 'mode', 'top', 'code']);
  for (const name of query.keys()) if (!known.has(name)) throw new RequestError(`unknown query parameter '${name}' (known: ${[...known].filter((key) => key !== 'code').join(', ')})`);
  const one = (name: string): string | undefined => {
    const text = query.get(name)?.trim();
    return text === undefined || text === '' ? undefined : text;
  };
  const subscriptionId = one('subscriptionId')?.replace(/^\/subscriptions\//i, '');
  if (subscriptionId !== undefined && !GUID.test(subscriptionId)) throw new RequestError(`subscriptionId '${subscriptionId.slice(0, 80)}' is not a subscription ID (a GUID)`);
  const resourceId = one('resourceId');
  if (resourceId !== undefined && !/^\/subscriptions\/[^/]+\//i.test(resourceId)) throw new RequestError('resourceId must be an Azure resource ID (/subscriptions/…)');
  const mode = one('mode');
  if (mode !== undefined && mode !== 'plan' && mode !== 'apply') throw new RequestError(`mode '${mode.slice(0, 20)}' is not plan or apply`);
  const topText = one('top');
  if (topText !== undefined && (!/^\d{1,4}$/.test(topText) || Number(topText) < 1 || Number(topText) > 1000)) throw new RequestError(`top '${topText.slice(0, 20)}' is not a whole number from 1 to 1000`);
  const ruleId = one('ruleId');
  return {
    ...(subscriptionId !== undefined ? { subscriptionId: subscriptionId.toLowerCase() } : {}),
    ...(ruleId !== undefined ? { ruleId } : {}),
    ...(resourceId !== undefined ? { resourceId } : {}),
    ...(mode !== undefined ? { mode } : {}),
    ...(topText !== undefined ? { top: Number(topText) } : {}),
  };
}

/** The columns of GET /api/findings?format=csv (docs/interfaces.md), in their order. */
export const FINDINGS_CSV_COLUMNS = ['ruleId', 'resourceId', 'status', 'severity', 'state', 'title', 'message', 'workspaceIds', 'evidence', 'firstSeen', 'lastSeen', 'resolvedAt'] as const satisfies readonly FindingCsvColumn[];

/** The one stored-findings CSV (src/core/csv.ts) in the API's columns. */
export function findingsCsv(findings: readonly StoredFinding[]): string {
  return storedFindingsCsv(findings, FINDINGS_CSV_COLUMNS);
}

/** Maps failures: the caller's mistakes → 400; an unreachable store or inventory → 503 (retry); anything else → 500. */
async function respond(log: AppLog, work: () => Promise<HttpResponseInit>): Promise<HttpResponseInit> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof PayloadTooLargeError) return { status: 413, jsonBody: { error: error.message } };
    if (error instanceof NotFoundError) return { status: 404, jsonBody: { error: error.message } };
    if (error instanceof RequestError || error instanceof StoreInputError) return { status: 400, jsonBody: { error: error.message } };
    if (error instanceof TransientError || isUnavailable(error)) {
      // The detail (store endpoints, SDK text) goes to the log, not to the caller.
      log.error(`service unavailable: ${messageOf(error)}`);
      return { status: 503, headers: { 'retry-after': '5' }, jsonBody: { error: 'the findings store or the inventory is unavailable; try again shortly (details are in the function log)' } };
    }
    log.error(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return { status: 500, jsonBody: { error: 'internal error; see the function log' } };
  }
}

function isUnavailable(error: unknown): boolean {
  return error instanceof Error && error.name === 'StoreUnavailableError';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
