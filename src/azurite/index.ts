/**
 * Azurite, the Table and Queue emulator, started in-process: the embedded default store for
 * `npm start`, the CLI (`--store` without a connection) and the tests. Nothing is downloaded and
 * nothing leaves the machine: servers bind 127.0.0.1 and telemetry is never initialised (only
 * Azurite's own `main.js` does that; we construct the servers directly).
 *
 * The package ships no typings and `require('azurite')` fails, so the servers are
 * loaded through deep imports and described by the small interfaces below.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

/** Azurite's well-known development account (public, documented by Microsoft; not a secret). */
export const DEV_ACCOUNT_NAME = 'devstoreaccount1';
export const DEV_ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuriteOptions {
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /**
   * A folder for the emulator's data. When set (and `inMemory` is not true) data is kept on disk
   * there and survives a restart; otherwise everything lives in memory.
   */
  readonly location?: string;
  readonly inMemory?: boolean;
}

export interface RunningAzuriteTable {
  /** A connection string for `@azure/data-tables` (explicit http endpoint: pass `allowInsecureConnection`). */
  readonly connectionString: string;
  /** `http://127.0.0.1:PORT/devstoreaccount1` */
  readonly tableUrl: string;
  readonly port: number;
  /** Closes the server; on-disk data is saved first. Safe to call twice. */
  stop(): Promise<void>;
}

export interface RunningAzuriteQueue {
  readonly connectionString: string;
  /** `http://127.0.0.1:PORT/devstoreaccount1` */
  readonly queueUrl: string;
  readonly port: number;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

/** What we use of Azurite's ServerBase. */
interface AzuriteServer {
  start(): Promise<void>;
  close(): Promise<void>;
  getHttpServerAddress(): string;
  getStatus(): string;
}
type ServerConstructor = new (configuration: unknown) => AzuriteServer;
type ConfigurationConstructor = new (...args: unknown[]) => unknown;

// A require bound to this file works both in the compiled CommonJS build and under vitest.
const load = createRequire(resolve(__dirname, 'index.js'));

function defaultExport<T>(modulePath: string): T {
  const loaded = load(modulePath) as { default?: T };
  if (loaded.default === undefined) throw new Error(`azurite: ${modulePath} has no default export (azurite version changed?)`);
  return loaded.default;
}

/** Starts Azurite's Table service. */
export async function startAzuriteTable(options: AzuriteOptions = {}): Promise<RunningAzuriteTable> {
  const TableServer = defaultExport<ServerConstructor>('azurite/dist/src/table/TableServer');
  const TableConfiguration = defaultExport<ConfigurationConstructor>('azurite/dist/src/table/TableConfiguration');
  const inMemory = options.inMemory === true || options.location === undefined;
  const dbPath = inMemory ? '__azurite_db_table__.json' : join(ensureDir(options.location), '__azurite_db_table__.json');
  // Positional arguments of TableConfiguration (azurite 3.35, dist/src/table/TableConfiguration.js).
  const configuration = new TableConfiguration(
    HOST,
    options.port ?? 0,
    5, // keepAliveTimeout (s)
    dbPath,
    false, // enableDebugLog
    false, // enableAccessLog: no request lines on our stdout
    undefined, // accessLogWriteStream
    undefined, // debugLogFilePath
    false, // loose
    true, // skipApiVersionCheck: the SDK may speak a newer API version than the emulator knows
    '', // cert
    '', // key
    '', // pwd
    undefined, // oauth
    false, // disableProductStyleUrl
    inMemory, // isMemoryPersistence
  );
  const server = new TableServer(configuration);
  await server.start();
  const port = portOf(server);
  const tableUrl = `http://${HOST}:${port}/${DEV_ACCOUNT_NAME}`;
  return {
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT_NAME};AccountKey=${DEV_ACCOUNT_KEY};TableEndpoint=${tableUrl};`,
    tableUrl,
    port,
    stop: stopper(server),
  };
}

/** Starts Azurite's Queue service (the sweep fan-out uses it locally). */
export async function startAzuriteQueue(options: AzuriteOptions = {}): Promise<RunningAzuriteQueue> {
  const started = await startExtentService('queue', options);
  return { connectionString: `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT_NAME};AccountKey=${DEV_ACCOUNT_KEY};QueueEndpoint=${started.url};`, queueUrl: started.url, port: started.port, stop: started.stop };
}

export interface RunningAzuriteBlob {
  /** A connection string for `@azure/storage-blob` (explicit http endpoint). */
  readonly connectionString: string;
  readonly blobUrl: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Starts Azurite's Blob service (the shared subscription states use it locally). */
export async function startAzuriteBlob(options: AzuriteOptions = {}): Promise<RunningAzuriteBlob> {
  const started = await startExtentService('blob', options);
  return { connectionString: `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT_NAME};AccountKey=${DEV_ACCOUNT_KEY};BlobEndpoint=${started.url};`, blobUrl: started.url, port: started.port, stop: started.stop };
}

/** The Queue and Blob services: the same configuration, with a metadata and an extent store. */
async function startExtentService(service: 'queue' | 'blob', options: AzuriteOptions): Promise<{ url: string; port: number; stop: () => Promise<void> }> {
  const Title = service === 'queue' ? 'Queue' : 'Blob';
  const Server = defaultExport<ServerConstructor>(`azurite/dist/src/${service}/${Title}Server`);
  const Configuration = defaultExport<ConfigurationConstructor>(`azurite/dist/src/${service}/${Title}Configuration`);
  const inMemory = options.inMemory === true || options.location === undefined;
  const folder = inMemory ? '.' : ensureDir(options.location);
  // Positional arguments of QueueConfiguration and BlobConfiguration (azurite 3.35, dist/src/{queue,blob}/…Configuration.js).
  const configuration = new Configuration(
    HOST,
    options.port ?? 0,
    5, // keepAliveTimeout (s)
    join(folder, `__azurite_db_${service}__.json`),
    join(folder, `__azurite_db_${service}_extent__.json`),
    [{ locationId: 'Default', locationPath: join(folder, `__${service}storage__`), maxConcurrency: 1 }],
    false, // enableAccessLog
    undefined, // accessLogWriteStream
    false, // enableDebugLog
    undefined, // debugLogFilePath
    false, // loose
    true, // skipApiVersionCheck
    '', // cert
    '', // key
    '', // pwd
    undefined, // oauth
    false, // disableProductStyleUrl
    inMemory, // isMemoryPersistence
  );
  const server = new Server(configuration);
  await server.start();
  const port = portOf(server);
  return { url: `http://${HOST}:${port}/${DEV_ACCOUNT_NAME}`, port, stop: stopper(server) };
}

function ensureDir(path: string): string {
  mkdirSync(path, { recursive: true });
  return path;
}

function portOf(server: AzuriteServer): number {
  const match = /:(\d+)$/.exec(server.getHttpServerAddress());
  if (!match?.[1]) throw new Error(`azurite: cannot read the listening port from '${server.getHttpServerAddress()}'`);
  return Number(match[1]);
}

function stopper(server: AzuriteServer): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () => {
    stopping ??= server.getStatus() === 'Running' ? server.close() : Promise.resolve();
    return stopping;
  };
}

/** The name the design notes use: the Table service (the store's default backend). */
export const startAzurite = startAzuriteTable;
