import { HttpRequest, HttpResponse, InvocationContext } from '@azure/functions';
import type { LogHandler, LogLevel } from '@azure/functions';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { sweepSubscription } from '../../functions/sweepSubscription';
import { BlobServiceClient } from '@azure/storage-blob';
import { openProvider, openPublisher, openRemediation, openSharedStates, openStore, SHARED_STATE_CONTAINER } from '../app/azure';
import { BlobSharedStates } from '../app/shared-state';
import { MAX_EVENT_BODY_BYTES, MAX_JSON_BODY_BYTES } from '../app/http-body';
import { httpRoutes, manualTimer } from './http-routes';
import type { HttpRoute } from './http-routes';
import { createAuditorApp, resetAuditorApp, runWithAuditorApp, useAuditorApp } from '../app/runtime';
import type { AuditorApp } from '../app/service';
import type { Environment } from '../app/settings';
import { loadSettings, SettingsError } from '../app/settings';
import { startAzuriteBlob, startAzuriteTable } from '../azurite';
import type { RunningAzuriteTable } from '../azurite';
import { sweepQueueOutput, sweepScheduled } from '../../functions/sweepScheduled';
import { LocalSweepQueue } from './queue';

/**
 * `npm start`: the Functions of this app served on http://localhost:7071 with the routes the
 * Functions host gives them (docs/interfaces.md), Azurite in process as the table store, the bundled
 * sample estate as the inventory (updated by Resource Notifications payloads), an initial sweep,
 * and no keys. The handlers are the very ones deployed; only the host is stood in for.
 */
export interface LocalServerOptions {
  /** Default: env PORT, else 7071. 0 picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1: nothing here asks for a key, so it is not exposed beyond the local host. */
  readonly host?: string;
  /** The snapshot used as inventory; default samples/sample-estate.json (unless AML_AUDITOR_INVENTORY says otherwise). */
  readonly inventoryPath?: string;
  /** App settings; default process.env. AML_AUDITOR_STORAGE_* unset = embedded Azurite. */
  readonly env?: Environment;
  /** Where log lines go; default stdout. */
  readonly log?: (line: string) => void;
  /** Run sweepScheduled once at start and wait for its sweeps (default true). */
  readonly initialSweep?: boolean;
  /** Print Functions' information-level lines too (default true). */
  readonly verbose?: boolean;
}

export interface LocalServer {
  readonly url: string;
  readonly port: number;
  readonly auditor: AuditorApp;
  readonly queue: LocalSweepQueue;
  readonly routes: readonly HttpRoute[];
  /** The embedded Azurite, when no storage setting was given. */
  readonly azurite: RunningAzuriteTable | undefined;
  stop(): Promise<void>;
}

export class PortInUseError extends Error {
  constructor(readonly port: number) {
    super(`port ${port} is in use: set PORT=<another port> (or PORT=0 for any free port) and run npm start again`);
    this.name = 'PortInUseError';
  }
}

export async function startLocalServer(options: LocalServerOptions = {}): Promise<LocalServer> {
  const baseEnv = options.env ?? process.env;
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const verbose = options.verbose ?? true;
  const port = options.port ?? portFromEnv(baseEnv.PORT);
  const host = options.host ?? '127.0.0.1';

  const ownsStorage = !present(baseEnv.AML_AUDITOR_STORAGE_CONNECTION) && !present(baseEnv.AML_AUDITOR_STORAGE_ACCOUNT_URL);
  const env: Record<string, string | undefined> = { ...baseEnv };
  if (!present(env.AML_AUDITOR_INVENTORY) || options.inventoryPath !== undefined) env.AML_AUDITOR_INVENTORY = `snapshot:${options.inventoryPath ?? bundledSamplePath()}`;
  // Validate before starting anything, with a placeholder where Azurite's connection will go.
  const settings = loadSettings(ownsStorage ? { ...env, AML_AUDITOR_STORAGE_CONNECTION: 'UseDevelopmentStorage=true' } : env);

  const azurite = ownsStorage ? await startAzuriteTable({ inMemory: true }) : undefined;
  // The subscription states sweeps share between instances live in the blob service beside it.
  const azuriteBlob = ownsStorage ? await startAzuriteBlob({ inMemory: true }) : undefined;
  const localSettings = azurite !== undefined ? { ...settings, storage: { kind: 'connection-string' as const, connectionString: azurite.connectionString } } : settings;
  let server: Server | undefined;
  try {
    const [store, provider] = await Promise.all([openStore(localSettings), openProvider(localSettings, env)]);
    const publisher = openPublisher(localSettings);
    const remediation = openRemediation(localSettings, provider, env);
    const sharedStates = azuriteBlob !== undefined ? new BlobSharedStates(BlobServiceClient.fromConnectionString(azuriteBlob.connectionString).getContainerClient(SHARED_STATE_CONTAINER)) : openSharedStates(localSettings);
    const auditor = createAuditorApp(localSettings, {
      store,
      provider,
      ...(publisher !== undefined ? { publisher } : {}),
      ...(remediation !== undefined ? { remediation } : {}),
      ...(sharedStates !== undefined ? { sharedStates } : {}),
    });
    useAuditorApp(auditor);

    const logHandler = (functionName: string): LogHandler => (level: LogLevel, ...args: unknown[]) => {
      if (!verbose && (level === 'information' || level === 'debug' || level === 'trace')) return;
      log(`[${new Date().toISOString()}] ${functionName} ${level === 'information' ? 'info' : level}: ${args.map(String).join(' ')}`);
    };
    const newContext = (functionName: string, triggerMetadata?: Record<string, unknown>): InvocationContext =>
      new InvocationContext({ functionName, invocationId: randomUUID(), logHandler: logHandler(functionName), ...(triggerMetadata !== undefined ? { triggerMetadata } : {}) });

    const queue = new LocalSweepQueue(
      localSettings.queueName,
      (message, dequeueCount) => runWithAuditorApp(auditor, () => sweepSubscription(message, newContext('sweepSubscription', { dequeueCount }))),
      (line) => log(line),
    );
    const routes = httpRoutes({ newContext, enqueueSweeps: (messages) => queue.enqueue(messages), queueStatus: () => queue.status() });

    if (options.initialSweep ?? true) {
      const context = newContext('sweepScheduled');
      await runWithAuditorApp(auditor, () => sweepScheduled(manualTimer(), context));
      queue.enqueue((context.extraOutputs.get(sweepQueueOutput) as unknown[] | undefined) ?? []);
      await queue.idle();
    }

    const guard: LocalGuard = { hosts: new Set(), origins: new Set(), log };
    const listening = createServer((request, response) => {
      runWithAuditorApp(auditor, () => void serve(routes, request, response, host, guard, (functionName) => newContext(functionName)));
    });
    server = listening;
    const boundPort = await listen(listening, port, host);
    // Keyless, so reachable only as this host itself: a page on another site (or a DNS-rebound name)
    // must not drive it from a browser.
    for (const name of ['localhost', '127.0.0.1', '[::1]', ...(host === '127.0.0.1' || host === '0.0.0.0' ? [] : [host])]) {
      guard.hosts.add(`${name}:${boundPort}`);
      guard.origins.add(`http://${name}:${boundPort}`);
    }
    const url = `http://${host === '127.0.0.1' || host === '0.0.0.0' ? 'localhost' : host}:${boundPort}`;
    let stopped: Promise<void> | undefined;
    return {
      url,
      port: boundPort,
      auditor,
      queue,
      routes,
      azurite,
      stop: () => {
        stopped ??= (async () => {
          await new Promise<void>((done) => {
            listening.close(() => done());
            listening.closeAllConnections();
          });
          await queue.idle();
          resetAuditorApp(auditor);
          await azurite?.stop();
          await azuriteBlob?.stop();
        })();
        return stopped;
      },
    };
  } catch (error) {
    server?.close();
    await azurite?.stop();
    await azuriteBlob?.stop();
    throw error;
  }
}

/** The startup lines: where everything is. */
export function describeUrls(url: string): string[] {
  return [
    `aml-vnet-auditor is running on ${url} (no keys locally)`,
    `  dashboard          GET  ${url}/api/dashboard`,
    `  findings           GET  ${url}/api/findings?status=open`,
    `  remediations       GET  ${url}/api/remediations   (plans and applied fixes; AML_AUDITOR_REMEDIATION=plan|apply)`,
    `  audit              POST ${url}/api/audit   {"subscriptionIds":["…"]} or {"workspaceId":"…"}`,
    `  audit (automation) POST ${url}/api/automation/audit   (in Azure: a function key in x-functions-key)`,
    `  event webhook      POST ${url}/runtime/webhooks/eventgrid?functionName=resourceChanged`,
    `  sweeps and queue   GET  ${url}/api/sweeps`,
    `  run a sweep now    POST ${url}/admin/functions/sweepScheduled`,
  ];
}

/** What the local server accepts from a client: its own host names, its own origin. */
interface LocalGuard {
  readonly hosts: Set<string>;
  readonly origins: Set<string>;
  readonly log: (line: string) => void;
}

/** Content types of JSON bodies: plain JSON, and CloudEvents deliveries. */
const JSON_TYPES = /^application\/(json|cloudevents\+json|cloudevents-batch\+json)\s*(;|$)/i;

async function serve(routes: readonly HttpRoute[], request: IncomingMessage, response: ServerResponse, host: string, guard: LocalGuard, newContext: (name: string) => InvocationContext): Promise<void> {
  try {
    const hostHeader = (request.headers.host ?? '').toLowerCase();
    if (!guard.hosts.has(hostHeader)) {
      send(response, 421, { 'content-type': 'application/json' }, JSON.stringify({ error: `this local server answers only as ${[...guard.hosts].join(', ')}` }));
      return;
    }
    const origin = request.headers.origin;
    if (origin !== undefined && !guard.origins.has(origin.toLowerCase())) {
      send(response, 403, { 'content-type': 'application/json' }, JSON.stringify({ error: 'requests from another origin are refused' }));
      return;
    }
    const url = new URL(request.url ?? '/', `http://${hostHeader}`);
    const method = (request.method ?? 'GET').toUpperCase();
    const samePath = routes.filter((route) => route.path === url.pathname);
    const route = samePath.find((candidate) => candidate.method === method);
    if (route === undefined) {
      if (samePath.length > 0) {
        send(response, 405, { allow: samePath.map((candidate) => candidate.method).join(', '), 'content-type': 'application/json' }, JSON.stringify({ error: `${method} is not allowed on ${url.pathname}` }));
      } else {
        send(response, 404, { 'content-type': 'application/json' }, JSON.stringify({ error: `no route ${method} ${url.pathname}`, routes: routes.map((candidate) => `${candidate.method} ${candidate.path}`) }));
      }
      return;
    }
    const limit = url.pathname.startsWith('/runtime/webhooks/') ? MAX_EVENT_BODY_BYTES : MAX_JSON_BODY_BYTES;
    const body = await readBody(request, limit);
    if (body === 'too large') {
      send(response, 413, { 'content-type': 'application/json', connection: 'close' }, JSON.stringify({ error: `the request body is larger than ${Math.round(limit / 1024)} KiB` }));
      request.socket.destroy();
      return;
    }
    // A form or text POST is what a cross-site page can send without asking: only JSON bodies are taken.
    if (body.length > 0 && method !== 'GET' && !JSON_TYPES.test(request.headers['content-type'] ?? '')) {
      send(response, 415, { 'content-type': 'application/json' }, JSON.stringify({ error: 'send the body as application/json' }));
      return;
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    const httpRequest = new HttpRequest({
      method,
      url: url.toString(),
      headers,
      query: Object.fromEntries(url.searchParams),
      ...(body.length > 0 ? { body: { bytes: body } } : {}),
    });
    const init = await route.handler(httpRequest, newContext(route.name));
    const answer = new HttpResponse(init);
    const outHeaders: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      outHeaders[name] = value;
    });
    send(response, answer.status, outHeaders, Buffer.from(await answer.arrayBuffer()));
  } catch (error) {
    // The detail is for the operator's terminal, not for whoever sent the request.
    guard.log(`local server: ${request.method ?? '?'} ${request.url ?? '?'} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    const message = error instanceof SettingsError ? error.message : 'internal error; see the server log';
    send(response, 500, { 'content-type': 'application/json' }, JSON.stringify({ error: message }));
  }
}

function send(response: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer): void {
  if (response.headersSent) return;
  response.writeHead(status, headers);
  response.end(body);
}

/** The body, or 'too large' as soon as it passes the limit (a declared length over it is not read at all). */
async function readBody(request: IncomingMessage, limit: number): Promise<Buffer | 'too large'> {
  const declared = Number(request.headers['content-length'] ?? '');
  if (Number.isFinite(declared) && declared > limit) return 'too large';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) return 'too large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port) : error);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolvePort((server.address() as AddressInfo).port);
    });
  });
}

function portFromEnv(value: string | undefined): number {
  if (!present(value)) return 7071;
  const port = Number(value);
  if (!/^\d+$/.test(value!.trim()) || port > 65535) throw new SettingsError([`PORT: '${value}' is not a port number (0–65535)`]);
  return port;
}

function present(value: string | undefined): boolean {
  return value !== undefined && value.trim() !== '';
}

/** samples/sample-estate.json of this package, found from src/local (tests) or dist/src/local (npm start). */
export function bundledSamplePath(): string {
  for (let folder = __dirname; ; folder = dirname(folder)) {
    const candidate = join(folder, 'samples', 'sample-estate.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(folder) === folder) return resolve('samples', 'sample-estate.json');
  }
}

async function main(): Promise<void> {
  // The parent is read before anything else, and the handlers are in place before the URL is
  // printed: whoever reads the URL may stop npm at once, and a parent read after that would
  // already be init, so the change that stops us would never be seen.
  const parent = process.ppid;
  let server: LocalServer | undefined;
  let stopping = false;
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    // A stop that waits on work in flight (a sweep on a loaded machine) must not keep the port: 5 s at most.
    setTimeout(() => process.exit(0), 5_000).unref();
    if (server === undefined) process.exit(0);
    void server.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  // `npm start` runs us under a shell that does not pass signals on: when npm (or that shell) is
  // stopped we are handed to another parent, and stop too rather than keep the port.
  setInterval(() => {
    if (process.ppid !== parent) shutdown();
  }, 500).unref();
  try {
    server = await startLocalServer();
    if (stopping) {
      await server.stop();
      process.exit(0);
    }
    for (const line of describeUrls(server.url)) process.stdout.write(`${line}\n`);
  } catch (error) {
    // One clear message, never a stack trace, for the mistakes a user can fix.
    process.stderr.write(`${error instanceof PortInUseError || error instanceof SettingsError ? error.message : `npm start failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`}\n`);
    process.exit(1);
  }
}

// Run directly, or through scripts/run-built.js (which sets argv[1] to this file and requires it).
if (require.main === module || resolve(process.argv[1] ?? '') === __filename) void main();
