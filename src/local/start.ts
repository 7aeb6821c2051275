import { HttpRequest, HttpResponse, InvocationContext } from '@azure/functions';
import type { LogHandler, LogLevel } from '@azure/functions';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { sweepSubscription } from '../../functions/sweepSubscription';
import { openProvider, openPublisher, openStore } from '../app/azure';
import { httpRoutes, manualTimer } from '../app/http-routes';
import type { HttpRoute } from '../app/http-routes';
import { createAuditorApp, resetAuditorApp, runWithAuditorApp, useAuditorApp } from '../app/runtime';
import type { AuditorApp } from '../app/service';
import type { Environment } from '../app/settings';
import { loadSettings, SettingsError } from '../app/settings';
import { startAzuriteTable } from '../azurite';
import type { RunningAzuriteTable } from '../azurite';
import { sweepQueueOutput, sweepScheduled } from '../../functions/sweepScheduled';
import { LocalSweepQueue } from './queue';

/**
 * `npm start`: the Functions of this app served on http://localhost:7071 with the routes the
 * Functions host gives them (docs/contract.md), Azurite in process as the table store, the bundled
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
  const localSettings = azurite !== undefined ? { ...settings, storage: { kind: 'connection-string' as const, connectionString: azurite.connectionString } } : settings;
  let server: Server | undefined;
  try {
    const [store, provider] = await Promise.all([openStore(localSettings), openProvider(localSettings, env)]);
    const publisher = openPublisher(localSettings);
    const auditor = createAuditorApp(localSettings, { store, provider, ...(publisher !== undefined ? { publisher } : {}) });
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

    const listening = createServer((request, response) => {
      runWithAuditorApp(auditor, () => void serve(routes, request, response, host, (functionName) => newContext(functionName)));
    });
    server = listening;
    const boundPort = await listen(listening, port, host);
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
        })();
        return stopped;
      },
    };
  } catch (error) {
    server?.close();
    await azurite?.stop();
    throw error;
  }
}

/** The startup lines: where everything is. */
export function describeUrls(url: string): string[] {
  return [
    `aml-vnet-auditor is running on ${url} (no keys locally)`,
    `  dashboard          GET  ${url}/api/dashboard`,
    `  findings           GET  ${url}/api/findings?status=open`,
    `  audit              POST ${url}/api/audit   {"subscriptionIds":["…"]} or {"workspaceId":"…"}`,
    `  event webhook      POST ${url}/runtime/webhooks/eventgrid?functionName=resourceChanged`,
    `  sweeps and queue   GET  ${url}/api/sweeps`,
    `  run a sweep now    POST ${url}/admin/functions/sweepScheduled`,
  ];
}

async function serve(routes: readonly HttpRoute[], request: IncomingMessage, response: ServerResponse, host: string, newContext: (name: string) => InvocationContext): Promise<void> {
  try {
    const url = new URL(request.url ?? '/', `http://${request.headers.host ?? host}`);
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
    const body = await readBody(request);
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
    const message = error instanceof SettingsError ? error.message : `internal error: ${error instanceof Error ? error.message : String(error)}`;
    send(response, 500, { 'content-type': 'application/json' }, JSON.stringify({ error: message }));
  }
}

function send(response: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer): void {
  if (response.headersSent) return;
  response.writeHead(status, headers);
  response.end(body);
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
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
  try {
    const server = await startLocalServer();
    for (const line of describeUrls(server.url)) process.stdout.write(`${line}\n`);
    let stopping = false;
    const shutdown = (): void => {
      if (stopping) return;
      stopping = true;
      void server.stop().then(() => process.exit(0));
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
    // `npm start` runs us under a shell that does not pass signals on: when npm (or that shell) is
    // stopped we are handed to another parent, and stop too rather than keep the port.
    const parent = process.ppid;
    setInterval(() => {
      if (process.ppid !== parent) shutdown();
    }, 500).unref();
  } catch (error) {
    // One clear message, never a stack trace, for the mistakes a user can fix.
    process.stderr.write(`${error instanceof PortInUseError || error instanceof SettingsError ? error.message : `npm start failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`}\n`);
    process.exit(1);
  }
}

// Run directly, or through scripts/run-built.js (which sets argv[1] to this file and requires it).
if (require.main === module || resolve(process.argv[1] ?? '') === __filename) void main();
