/**
 * A local HTTPS server that speaks the parts of the Resource Graph and ARM REST protocols the
 * auditor uses, so tests drive the real SDK clients (`@azure/arm-resourcegraph`,
 * `@azure/arm-network`, core-rest-pipeline) instead of mocks.
 *
 *   const server = await startArmServer({ rows, pageSize: 3, faults: [...] });
 *   // server.endpoint  "https://127.0.0.1:PORT"  (ARM endpoint override)
 *   // server.tlsOptions { ca }                    (pass as the clients' `tlsOptions`)
 *   // server.caFile                               (or NODE_EXTRA_CA_CERTS for a child process)
 *   // server.requests                             (every request, in order, with its answer)
 *   await server.stop();
 *
 * Why HTTPS: modern Azure SDK clients refuse to send a bearer token over http://. The
 * certificate is self-signed for IP 127.0.0.1, generated with `openssl` once per process into a
 * temporary directory (no key is committed). `NODE_EXTRA_CA_CERTS` is only read when node
 * starts, so in-process tests pass `tlsOptions: { ca }` to the clients (core-rest-pipeline's
 * tlsPolicy); tests that spawn a process set `NODE_EXTRA_CA_CERTS=caFile` in its environment.
 *
 * Routes:
 * - POST /providers/Microsoft.ResourceGraph/resources: the KQL the auditor sends is understood
 *   only as far as it needs: the table, `type in~ (…)` / `type =~ '…'` and `id in~ (…)` filters,
 *   and `summarize rowCount = count() by subscriptionId` (one row per subscription with any rows).
 *   Each table holds what the real service keeps there (Microsoft Learn, "Azure Resource Graph
 *   table and resource type reference"): firewall policy rule collection groups only in
 *   `networkresources`; role assignments only in `authorizationresources` (those scoped to a
 *   management group only with `authorizationScopeFilter` AtScopeAboveAndBelow or AtScopeAndAbove,
 *   and only when that group holds a queried subscription); subscriptions, with their
 *   `managementGroupAncestorsChain`, only in `resourcecontainers`; workspace computes in no table
 *   (unless `graphIndexesComputes`). Rows are scoped by `subscriptions` or `managementGroups`
 *   (see `managementGroups` option), ordered by id, paged by min($top, pageSize) with an opaque
 *   `$skipToken` that is bound to the query and scopes (a mismatch answers 400, as the service does).
 * - GET {resourceId}?api-version=…: one resource in ARM's shape (no subscriptionId/resourceGroup
 *   columns), 404 when absent, 400 without an api-version; a child (security rule, route, subnet)
 *   from its parent; Microsoft.Network resources with their ETag (body and header).
 * - PUT / PATCH {resourceId}?api-version=…: writes as ARM takes them (arm-writes.ts: ETags and
 *   If-Match, long-running operations polled at their Azure-AsyncOperation or Location URL).
 * - GET {workspaceId}/computes: ARM list of workspace computes (ARM shape, nextLink paging).
 * - GET {workspaceId}/computes/{name}: one compute (ARM shape) or 404.
 * - GET /subscriptions/{s}/providers/Microsoft.Network/locations/{loc}/serviceTags.
 * - GET /subscriptions?api-version=…: ARM's list of the subscriptions the identity can read (those
 *   `resourcecontainers` lists), each with its `state` (`subscriptionStates`, default Enabled),
 *   paged by `pageSize` with a nextLink; 400 without an api-version.
 * Anything else answers 404 with an ARM error body.
 *
 * Faults answer a status (with headers and body) or drop the connection, for requests a
 * predicate picks, a number of times or forever:
 *   { when: (r) => r.kind === 'graph' && r.index === 0, status: 429, headers: { 'retry-after': '2' }, times: 1 }
 *   { when: (r) => (r.subscriptions ?? []).includes(SUB), status: 500 }            // fails for good
 *   { when: (r) => r.kind === 'graph', status: 0, dropConnection: true, times: 1 }  // network error
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArmStore } from './arm-writes';

/** A row as Resource Graph returns it; `id` is optional so tests can serve malformed rows. */
export type ServerRow = { readonly [key: string]: unknown };

export type RequestKind = 'graph' | 'computes' | 'compute' | 'resource' | 'write' | 'operation' | 'service-tags' | 'subscriptions' | 'other';

export interface LoggedRequest {
  /** 0-based position among all requests. */
  readonly index: number;
  readonly kind: RequestKind;
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly body: unknown;
  readonly authorization: string | undefined;
  /** The If-Match header of a write. */
  readonly ifMatch: string | undefined;
  /** Graph requests: the table queried, lowercased. */
  readonly table?: string;
  /** Graph requests: scopes as sent. */
  readonly subscriptions?: readonly string[];
  readonly managementGroups?: readonly string[];
  readonly skipToken?: string;
  readonly top?: number;
  /** Filled when the answer is sent. */
  status: number;
  /** Rows (graph) or items (ARM lists) in the answer. */
  rowCount: number;
}

export interface Fault {
  /** Which requests it hits. */
  readonly when: (request: LoggedRequest) => boolean;
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** JSON body; default an ARM error body naming the status. */
  readonly body?: unknown;
  /** How many times it fires; default forever. */
  readonly times?: number;
  /** Close the connection without an answer (a network error) instead of answering `status`. */
  readonly dropConnection?: boolean;
}

export interface QuotaHeaders {
  readonly remaining: number;
  /** "hh:mm:ss" as the service writes it. */
  readonly resetsAfter: string;
}

export interface ArmServerOptions {
  /** The estate: rows of `resources` and `authorizationresources` (role assignments), RG shape. */
  readonly rows: readonly ServerRow[];
  /** Largest page the server returns, whatever $top asks (default 1000, the service's maximum). */
  readonly pageSize?: number;
  readonly faults?: readonly Fault[];
  /** Resource Graph indexes workspace computes in `resources` (default false: as the real service, only ARM lists them). */
  readonly graphIndexesComputes?: boolean;
  /**
   * Subscriptions the identity can read that hold no rows (listed in `resourcecontainers`, as the
   * service lists every readable subscription); those of `rows` are listed anyway. A subscription
   * in neither is one the identity cannot read: the service answers nothing for it, not an error.
   */
  readonly emptySubscriptions?: readonly string[];
  /** Subscription ID → its ARM state (Enabled, Warned, PastDue, Disabled, Deleted); default Enabled. */
  readonly subscriptionStates?: Readonly<Record<string, string>>;
  /** Management group ID → subscription IDs it holds. */
  readonly managementGroups?: Readonly<Record<string, readonly string[]>>;
  /** Service-tag entries served by the Network serviceTags API. */
  readonly serviceTags?: readonly unknown[];
  /** Quota headers for the n-th (0-based) graph answer; default a comfortable 14 of 15. */
  readonly quota?: (graphIndex: number) => QuotaHeaders | undefined;
  /** Polls of a long-running write that answer "still running" before it ends (default 1). */
  readonly pollsBeforeDone?: number;
  /**
   * Resource Graph answers from an index that Azure brings up to date after ARM, with a lag (most
   * changes within seconds, with no upper bound): with `graphLags`, what ARM holds (writes, and
   * changes to `store`) reaches Graph's answers only when the test calls `indexGraph()`. Default
   * false: Graph answers what ARM holds at once.
   */
  readonly graphLags?: boolean;
  /**
   * API versions the cloud serves, by lowercase resource type: a GET of a listed type with another
   * version answers 404 InvalidResourceType, as ARM does (a sovereign cloud may not serve a version
   * the public cloud does, and a retired version stops being served). That 404 says nothing about
   * the resource. Types not listed accept any well-formed version.
   */
  readonly apiVersions?: Readonly<Record<string, readonly string[]>>;
}

export interface ArmServer {
  /** https://127.0.0.1:PORT, no trailing slash. */
  readonly endpoint: string;
  /** PEM of the self-signed certificate. */
  readonly ca: string;
  readonly caFile: string;
  /** Ready to pass as a client's `tlsOptions`. */
  readonly tlsOptions: { readonly ca: string };
  /** Every request in arrival order. */
  readonly requests: LoggedRequest[];
  /** Requests of one kind. */
  requestsOf(kind: RequestKind): LoggedRequest[];
  /** The resources as they are now (writes included): what ARM answers from, and Resource Graph (at once unless `graphLags`). */
  readonly store: ArmStore;
  /** With `graphLags`: Resource Graph indexes what ARM holds now. */
  indexGraph(): void;
  stop(): Promise<void>;
}

const COMPUTE_TYPE = 'microsoft.machinelearningservices/workspaces/computes';

let certificate: { key: string; cert: string; certFile: string } | undefined;

/** A self-signed certificate for 127.0.0.1, made once per process (EC P-256: fast to generate). */
export function testCertificate(): { key: string; cert: string; certFile: string } {
  if (certificate) return certificate;
  const dir = mkdtempSync(join(tmpdir(), 'arm-server-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'ignore' },
  );
  certificate = { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
  return certificate;
}

export async function startArmServer(options: ArmServerOptions): Promise<ArmServer> {
  const { key, cert, certFile } = testCertificate();
  const requests: LoggedRequest[] = [];
  const faults = (options.faults ?? []).map((fault) => ({ fault, fired: 0 }));
  const serverPageSize = options.pageSize ?? 1000;
  const store = new ArmStore(options.rows, options.pollsBeforeDone ?? 1);
  const rows = store.rows;
  let indexed: readonly ServerRow[] = options.graphLags === true ? structuredClone(rows) : rows;
  let graphIndex = 0;
  let endpoint = '';

  const server = createServer({ key, cert }, (req, res) => {
    void readBody(req).then((text) => {
      const url = new URL(req.url ?? '/', 'https://127.0.0.1');
      let body: unknown;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        body = text;
      }
      const logged = describe(requests.length, req, url, body);
      requests.push(logged);
      const fault = faults.find((entry) => (entry.fault.times === undefined || entry.fired < entry.fault.times) && entry.fault.when(logged));
      if (fault) {
        fault.fired++;
        if (fault.fault.dropConnection) {
          logged.status = 0;
          req.socket.destroy();
          return;
        }
        const faultBody = fault.fault.body ?? { error: { code: `Status${fault.fault.status}`, message: `Injected fault ${fault.fault.status}` } };
        send(res, logged, fault.fault.status, faultBody, fault.fault.headers ?? {});
        return;
      }
      if (logged.kind === 'graph') {
        const quota = options.quota ? options.quota(graphIndex) : { remaining: 14, resetsAfter: '00:00:05' };
        graphIndex++;
        const headers: Record<string, string> = quota
          ? { 'x-ms-user-quota-remaining': String(quota.remaining), 'x-ms-user-quota-resets-after': quota.resetsAfter }
          : {};
        answerGraph(logged, res, headers);
      } else if (logged.kind === 'computes') {
        answerComputes(logged, res);
      } else if (logged.kind === 'operation') {
        const answer = store.poll(logged.path);
        send(res, logged, answer.status, answer.body, answer.headers);
      } else if (logged.kind === 'write') {
        if (!/^\d{4}-\d{2}-\d{2}(-preview)?$/.test(logged.query['api-version'] ?? '')) {
          send(res, logged, 400, { error: { code: 'MissingApiVersionParameter', message: 'The api-version query parameter (?api-version=) is required for all requests.' } }, {});
          return;
        }
        const ifMatch = req.headers['if-match'];
        const answer = store.write(logged.method as 'PUT' | 'PATCH', logged.path.replace(/\/+$/, ''), logged.body, typeof ifMatch === 'string' ? ifMatch : undefined, endpoint, logged.query['api-version'] ?? '');
        send(res, logged, answer.status, answer.status < 300 && answer.body !== undefined ? toArmShape(answer.body as ServerRow) : answer.body, answer.headers);
      } else if (logged.kind === 'compute') {
        const found = rows.find((row) => rowTypeOf(row) === COMPUTE_TYPE && idOf(row).toLowerCase() === logged.path.toLowerCase());
        logged.rowCount = found ? 1 : 0;
        if (found) send(res, logged, 200, toArmShape(found), {});
        else send(res, logged, 404, { error: { code: 'ResourceNotFound', message: `${logged.path} was not found` } }, {});
      } else if (logged.kind === 'resource') {
        if (!/^\d{4}-\d{2}-\d{2}(-preview)?$/.test(logged.query['api-version'] ?? '')) {
          send(res, logged, 400, { error: { code: 'MissingApiVersionParameter', message: "The api-version query parameter (?api-version=) is required for all requests." } }, {});
          return;
        }
        const served = options.apiVersions?.[armTypeOf(logged.path)];
        const version = logged.query['api-version'] ?? '';
        if (served !== undefined && !served.includes(version)) {
          const [namespace = '', ...types] = armTypeOf(logged.path).split('/');
          send(res, logged, 404, { error: { code: 'InvalidResourceType', message: `The resource type '${types.join('/')}' could not be found in the namespace '${namespace}' for api version '${version}'. The supported api-versions are '${served.join(',')}'.` } }, {});
          return;
        }
        const found = store.get(logged.path.replace(/\/+$/, ''));
        logged.rowCount = found ? 1 : 0;
        const etag = found?.etag;
        if (found) send(res, logged, 200, toArmShape(found), typeof etag === 'string' ? { etag } : {});
        else send(res, logged, 404, { error: { code: 'ResourceNotFound', message: `The Resource '${logged.path}' was not found.` } }, {});
      } else if (logged.kind === 'subscriptions') {
        answerSubscriptions(logged, res);
      } else if (logged.kind === 'service-tags') {
        send(res, logged, 200, { name: 'Public', id: 'Public', type: 'Microsoft.Network/serviceTags', changeNumber: '1', cloud: 'Public', values: options.serviceTags ?? [] }, {});
      } else {
        send(res, logged, 404, { error: { code: 'NotFound', message: `No route for ${logged.method} ${logged.path}` } }, {});
      }
    });
  });

  function answerGraph(logged: LoggedRequest, res: ServerResponse, headers: Record<string, string>): void {
    const query = typeof (logged.body as { query?: unknown } | undefined)?.query === 'string' ? (logged.body as { query: string }).query : '';
    let scopeSubscriptions: Set<string>;
    if (logged.managementGroups && logged.managementGroups.length > 0) {
      scopeSubscriptions = new Set(
        logged.managementGroups.flatMap((group) => options.managementGroups?.[group] ?? []).map((id) => id.toLowerCase()),
      );
    } else {
      scopeSubscriptions = new Set((logged.subscriptions ?? []).map((id) => id.toLowerCase()));
    }
    const scopeFilter = (logged.body as { options?: { authorizationScopeFilter?: unknown } } | undefined)?.options?.authorizationScopeFilter;
    const inheritedGroups = new Set<string>();
    if (scopeFilter === 'AtScopeAboveAndBelow' || scopeFilter === 'AtScopeAndAbove') {
      for (const [group, members] of Object.entries(options.managementGroups ?? {})) {
        if (members.some((member) => scopeSubscriptions.has(member.toLowerCase())) || (logged.managementGroups ?? []).includes(group)) inheritedGroups.add(group.toLowerCase());
      }
    }
    let selected = selectRows(query, logged.table ?? '', indexed, options.graphIndexesComputes ?? false, options.managementGroups ?? {}, options.emptySubscriptions ?? [], options.subscriptionStates);
    if (selected === undefined) {
      send(res, logged, 400, { error: { code: 'BadRequest', message: 'The test server does not understand this query' } }, headers);
      return;
    }
    selected = selected.filter((row) => {
      const group = /^\/providers\/Microsoft\.Management\/managementGroups\/([^/]+)\//i.exec(idOf(row))?.[1]?.toLowerCase();
      if (group !== undefined) return inheritedGroups.has(group);
      const subscription = subscriptionOfRow(row);
      return subscription !== undefined && scopeSubscriptions.has(subscription);
    });
    // The row counts of the sweep timer: `summarize rowCount = count() by subscriptionId` then `extend id = …`.
    if (/\|\s*summarize\s+rowCount\s*=\s*count\(\)\s+by\s+subscriptionId\b/i.test(query)) {
      const counts = new Map<string, number>();
      for (const row of selected) {
        const subscription = subscriptionOfRow(row);
        if (subscription !== undefined) counts.set(subscription, (counts.get(subscription) ?? 0) + 1);
      }
      selected = [...counts].map(([subscriptionId, rowCount]) => ({ subscriptionId, rowCount, id: `/subscriptions/${subscriptionId}` }));
    }
    selected.sort((a, b) => compareIds(idOf(a), idOf(b)));

    const binding = JSON.stringify([query, logged.subscriptions ?? [], logged.managementGroups ?? []]);
    let offset = 0;
    if (logged.skipToken !== undefined) {
      const decoded = decodeToken(logged.skipToken);
      if (!decoded || decoded.binding !== binding) {
        send(res, logged, 400, { error: { code: 'InvalidSkipToken', message: 'The $skipToken does not belong to this query and scope' } }, headers);
        return;
      }
      offset = decoded.offset;
    }
    const size = Math.min(logged.top ?? 100, serverPageSize);
    const page = selected.slice(offset, offset + size);
    const next = offset + page.length;
    const answer: Record<string, unknown> = {
      totalRecords: selected.length,
      count: page.length,
      data: page,
      facets: [],
      resultTruncated: 'false',
    };
    if (next < selected.length) answer.$skipToken = encodeToken({ binding, offset: next });
    logged.rowCount = page.length;
    send(res, logged, 200, answer, headers);
  }

  function answerSubscriptions(logged: LoggedRequest, res: ServerResponse): void {
    const version = logged.query['api-version'] ?? '';
    if (!/^\d{4}-\d{2}-\d{2}(-preview)?$/.test(version)) {
      send(res, logged, 400, { error: { code: 'MissingApiVersionParameter', message: 'The api-version query parameter (?api-version=) is required for all requests.' } }, {});
      return;
    }
    const all = readableSubscriptions(rows, options.emptySubscriptions ?? []).map((id) => ({
      id: `/subscriptions/${id}`,
      authorizationSource: 'RoleBased',
      managedByTenants: [],
      subscriptionId: id,
      tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
      displayName: `subscription ${id.slice(0, 8)}`,
      state: subscriptionState(options.subscriptionStates, id),
      subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'EnterpriseAgreement_2014-09-01', spendingLimit: 'Off' },
    }));
    const offset = Number(logged.query.$skipToken ?? '0') || 0;
    const page = all.slice(offset, offset + serverPageSize);
    const answer: Record<string, unknown> = { value: page, count: { type: 'Total', value: all.length } };
    if (offset + page.length < all.length) answer.nextLink = `${endpoint}/subscriptions?api-version=${version}&$skipToken=${offset + page.length}`;
    logged.rowCount = page.length;
    send(res, logged, 200, answer, {});
  }

  function answerComputes(logged: LoggedRequest, res: ServerResponse): void {
    const workspaceId = logged.path.replace(/\/computes\/?$/i, '');
    const prefix = `${workspaceId.toLowerCase()}/computes/`;
    const all = rows
      .filter((row) => typeof row.type === 'string' && row.type.toLowerCase() === COMPUTE_TYPE && idOf(row).toLowerCase().startsWith(prefix))
      .sort((a, b) => compareIds(idOf(a), idOf(b)))
      .map(toArmShape);
    const offset = Number(logged.query.$skipToken ?? '0') || 0;
    const page = all.slice(offset, offset + serverPageSize);
    const answer: Record<string, unknown> = { value: page };
    if (offset + page.length < all.length) {
      answer.nextLink = `${endpoint}${logged.path}?api-version=${logged.query['api-version'] ?? ''}&$skipToken=${offset + page.length}`;
    }
    logged.rowCount = page.length;
    send(res, logged, 200, answer, {});
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  endpoint = `https://127.0.0.1:${port}`;

  return {
    endpoint,
    ca: cert,
    caFile: certFile,
    tlsOptions: { ca: cert },
    requests,
    requestsOf: (kind) => requests.filter((request) => request.kind === kind),
    store,
    indexGraph: () => {
      if (options.graphLags === true) indexed = structuredClone(rows);
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Short name, as in the plan: start({ rows, pageSize, faults }) → { endpoint, requests, stop }. */
export const start = startArmServer;

/** Writes the certificate to a file for a child process's NODE_EXTRA_CA_CERTS (already on disk: returned as is). */
export function caFileFor(server: ArmServer, path?: string): string {
  if (path === undefined) return server.caFile;
  writeFileSync(path, server.ca);
  return path;
}

function describe(index: number, req: IncomingMessage, url: URL, body: unknown): LoggedRequest {
  const path = decodeURIComponent(url.pathname);
  const query: Record<string, string> = {};
  url.searchParams.forEach((value, name) => {
    query[name] = value;
  });
  let kind: RequestKind = 'other';
  const method = req.method ?? 'GET';
  const base = {
    index,
    method,
    path,
    query,
    body,
    authorization: req.headers.authorization,
    ifMatch: typeof req.headers['if-match'] === 'string' ? req.headers['if-match'] : undefined,
    status: 0,
    rowCount: 0,
  };
  if (method === 'POST' && /^\/providers\/Microsoft\.ResourceGraph\/resources$/i.test(path)) {
    const request = (body ?? {}) as { query?: unknown; subscriptions?: unknown; managementGroups?: unknown; options?: { $skipToken?: unknown; $top?: unknown } };
    const text = typeof request.query === 'string' ? request.query : '';
    const table = /^\s*(\w+)/.exec(text)?.[1]?.toLowerCase();
    return {
      ...base,
      kind: 'graph',
      ...(table !== undefined ? { table } : {}),
      ...(Array.isArray(request.subscriptions) ? { subscriptions: request.subscriptions.map(String) } : {}),
      ...(Array.isArray(request.managementGroups) ? { managementGroups: request.managementGroups.map(String) } : {}),
      ...(typeof request.options?.$skipToken === 'string' ? { skipToken: request.options.$skipToken } : {}),
      ...(typeof request.options?.$top === 'number' ? { top: request.options.$top } : {}),
    };
  }
  if (method === 'GET' && /\/(operations|operationResults)\/op-\d+$/i.test(path)) kind = 'operation';
  else if ((method === 'PUT' || method === 'PATCH') && /^\/(subscriptions|providers)\/.+\/providers\/[^/]+\/[^/]+\/[^/]+/i.test(path)) kind = 'write';
  else if (method === 'GET' && /\/providers\/Microsoft\.MachineLearningServices\/workspaces\/[^/]+\/computes$/i.test(path)) kind = 'computes';
  else if (method === 'GET' && /\/providers\/Microsoft\.MachineLearningServices\/workspaces\/[^/]+\/computes\/[^/]+$/i.test(path)) kind = 'compute';
  else if (method === 'GET' && /^\/subscriptions\/?$/i.test(path)) kind = 'subscriptions';
  else if (method === 'GET' && /^\/subscriptions\/[^/]+\/providers\/Microsoft\.Network\/locations\/[^/]+\/serviceTags$/i.test(path)) kind = 'service-tags';
  else if (method === 'GET' && /^\/(subscriptions|providers)\/.+\/providers\/[^/]+\/[^/]+\/[^/]+/i.test(path)) kind = 'resource';
  return { ...base, kind };
}

const NETWORK_RESOURCE_TYPES = new Set(['microsoft.network/firewallpolicies/rulecollectiongroups']);
const AUTHORIZATION_TYPES = new Set(['microsoft.authorization/roleassignments']);

/** Understands the KQL the auditor writes; undefined for anything else (answered 400). */
function selectRows(
  query: string,
  table: string,
  rows: readonly ServerRow[],
  graphIndexesComputes: boolean,
  managementGroups: Readonly<Record<string, readonly string[]>>,
  emptySubscriptions: readonly string[],
  subscriptionStates: Readonly<Record<string, string>> | undefined,
): ServerRow[] | undefined {
  let selected: ServerRow[];
  const typeOf = (row: ServerRow): string => rowTypeOf(row) ?? '';
  if (table === 'resources') {
    selected = rows.filter((row) => !NETWORK_RESOURCE_TYPES.has(typeOf(row)) && !AUTHORIZATION_TYPES.has(typeOf(row)) && typeOf(row) !== 'microsoft.resources/subscriptions');
    if (!graphIndexesComputes) selected = selected.filter((row) => rowTypeOf(row) !== COMPUTE_TYPE);
  } else if (table === 'networkresources') {
    selected = rows.filter((row) => NETWORK_RESOURCE_TYPES.has(typeOf(row)));
  } else if (table === 'authorizationresources') {
    selected = rows.filter((row) => AUTHORIZATION_TYPES.has(typeOf(row)));
  } else if (table === 'resourcecontainers') {
    selected = readableSubscriptions(rows, emptySubscriptions).map((id) => ({
      id: `/subscriptions/${id}`,
      subscriptionId: id,
      type: 'microsoft.resources/subscriptions',
      name: id,
      properties: {
        state: subscriptionState(subscriptionStates, id),
        managementGroupAncestorsChain: Object.entries(managementGroups)
          .filter(([, members]) => members.some((member) => member.toLowerCase() === id))
          .map(([group]) => ({ name: group, displayName: group })),
      },
    }));
  } else {
    return undefined;
  }
  const typeList = /\btype\s+in~\s*\(([^)]*)\)/i.exec(query)?.[1];
  const typeEquals = /\btype\s*=~\s*'([^']*)'/i.exec(query)?.[1];
  const idList = /\bid\s+in~\s*\(([^)]*)\)/i.exec(query)?.[1];
  if (typeList !== undefined) {
    const types = new Set(literals(typeList));
    // Malformed rows (no type) are kept: the service would return whatever is stored.
    selected = selected.filter((row) => rowTypeOf(row) === undefined || types.has(rowTypeOf(row) as string));
  }
  if (typeEquals !== undefined) selected = selected.filter((row) => rowTypeOf(row) === typeEquals.toLowerCase());
  if (idList !== undefined) {
    const ids = new Set(literals(idList));
    selected = selected.filter((row) => ids.has(idOf(row).toLowerCase()));
  }
  return selected;
}

function literals(list: string): string[] {
  return [...list.matchAll(/'((?:[^'\\]|\\.)*)'/g)].map((match) => (match[1] ?? '').replace(/\\(.)/g, '$1').toLowerCase());
}

/** The lowercase type an ARM path names: "/subscriptions/s/resourceGroups/g/providers/Microsoft.X/a/n/b/m" → "microsoft.x/a/b". */
function armTypeOf(path: string): string {
  const match = /\/providers\/([^/]+)\/(.*)$/i.exec(path.replace(/\/+$/, ''));
  if (match === null) return '';
  const segments = (match[2] ?? '').split('/');
  return [match[1] ?? '', ...segments.filter((_, index) => index % 2 === 0)].join('/').toLowerCase();
}

function rowTypeOf(row: ServerRow): string | undefined {
  return typeof row.type === 'string' ? row.type.toLowerCase() : undefined;
}

function idOf(row: ServerRow): string {
  return typeof row.id === 'string' ? row.id : '';
}

/** The subscriptions the identity can read: those holding rows, and the empty ones listed, lowercased. */
function readableSubscriptions(rows: readonly ServerRow[], emptySubscriptions: readonly string[]): string[] {
  return [...new Set([...rows.map(subscriptionOfRow).filter((id): id is string => id !== undefined), ...emptySubscriptions.map((id) => id.toLowerCase())])].sort();
}

function subscriptionState(states: Readonly<Record<string, string>> | undefined, id: string): string {
  return Object.entries(states ?? {}).find(([subscription]) => subscription.toLowerCase() === id)?.[1] ?? 'Enabled';
}

function subscriptionOfRow(row: ServerRow): string | undefined {
  if (typeof row.subscriptionId === 'string') return row.subscriptionId.toLowerCase();
  return /^\/subscriptions\/([^/]+)/i.exec(idOf(row))?.[1]?.toLowerCase();
}

function compareIds(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/** ARM writes the type in the provider's own case and has no subscriptionId/resourceGroup columns. */
function toArmShape(row: ServerRow): ServerRow {
  const { subscriptionId: _s, resourceGroup: _g, tenantId: _t, ...rest } = row;
  return { ...rest, type: armCaseType(typeof row.type === 'string' ? row.type : '') };
}

/** 'microsoft.network/virtualnetworks' → 'Microsoft.Network/virtualNetworks', as ARM writes it. */
function armCaseType(type: string): string {
  const known: Record<string, string> = {
    'microsoft.machinelearningservices/workspaces/computes': 'Microsoft.MachineLearningServices/workspaces/computes',
    'microsoft.machinelearningservices/workspaces': 'Microsoft.MachineLearningServices/workspaces',
    'microsoft.network/virtualnetworks': 'Microsoft.Network/virtualNetworks',
    'microsoft.network/networksecuritygroups': 'Microsoft.Network/networkSecurityGroups',
    'microsoft.network/routetables': 'Microsoft.Network/routeTables',
    'microsoft.containerregistry/registries': 'Microsoft.ContainerRegistry/registries',
    'microsoft.storage/storageaccounts': 'Microsoft.Storage/storageAccounts',
    'microsoft.keyvault/vaults': 'Microsoft.KeyVault/vaults',
    'microsoft.authorization/roleassignments': 'Microsoft.Authorization/roleAssignments',
    'microsoft.containerservice/managedclusters': 'Microsoft.ContainerService/managedClusters',
  };
  return known[type.toLowerCase()] ?? type;
}

function encodeToken(token: { binding: string; offset: number }): string {
  return Buffer.from(JSON.stringify(token)).toString('base64');
}

function decodeToken(text: string): { binding: string; offset: number } | undefined {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64').toString('utf8')) as { binding?: unknown; offset?: unknown };
    return typeof value.binding === 'string' && typeof value.offset === 'number' ? { binding: value.binding, offset: value.offset } : undefined;
  } catch {
    return undefined;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function send(res: ServerResponse, logged: LoggedRequest, status: number, body: unknown, headers: Readonly<Record<string, string>>): void {
  logged.status = status;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-ms-request-id': `req-${logged.index}`, ...headers });
  res.end(JSON.stringify(body));
}
