/**
 * `aml-vnet-audit audit --subscription …` end to end through the CLI dispatcher, in-process:
 * the live source is the one src/cli/commands.ts registers, given the test server's TLS trust.
 */
import { afterEach, expect, it } from 'vitest';
import { createAuditCommand, runCli } from '../../src/cli';
import type { CliIo } from '../../src/cli';
import { clearServiceTagCache } from '../../src/live';
import { createLiveInventorySource, createSnapshotCommand } from '../../src/cli/live-commands';
import { createFindingsCommand, createStoreAuditHook, persistAuditResult, withBareStoreFlag } from '../../src/cli/store-commands';
import type { StoreCliDeps } from '../../src/cli/store-commands';
import { summarize } from '../../src/engine/audit';
import type { AuditReport } from '../../src/engine/audit';
import { startArmServer } from '../support/arm-server';
import type { ArmServer } from '../support/arm-server';
import { uniqueTablePrefix, useAzurite } from '../support/azurite';
import { evaluation } from '../store/fixtures';
import type { FindingsStore, OpenedStore } from '../../src/store';
import { buildTestEstate, SERVICE_TAGS, SUB_A, SUB_B, SUB_C } from './estate';
import { RecordingCredential, recordedRetry } from './helpers';

let server: ArmServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
  clearServiceTagCache();
});

const azurite = useAzurite();

function cliIo(env: Record<string, string> = {}): CliIo & { out: () => string; err: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    stdout: { write: (text: string) => out.push(text) },
    stderr: { write: (text: string) => err.push(text) },
    stdoutIsTTY: false,
    stderrIsTTY: false,
    env,
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

function commandsFor(on: ArmServer) {
  const deps = { credential: new RecordingCredential(), tlsOptions: on.tlsOptions, retry: recordedRetry().retry };
  return [createAuditCommand({ sources: [createLiveInventorySource(deps)] }), createSnapshotCommand(deps)];
}

it('audits live subscriptions and marks a partial sweep incomplete in the JSON, naming what is missing', async () => {
  server = await startArmServer({ rows: buildTestEstate(2), serviceTags: SERVICE_TAGS, faults: [{ when: (request) => (request.subscriptions ?? []).includes(SUB_C), status: 403 }] });
  const io = cliIo();
  await runCli(['audit', '--subscription', SUB_A, '--subscription', `${SUB_B},${SUB_C}`, '--arm-endpoint', server.endpoint, '--format', 'json'], io, commandsFor(server));
  const report = JSON.parse(io.out()) as { incomplete?: boolean; gaps?: { scope: string }[]; summary: { resources: number } };
  expect(report.incomplete).toBe(true);
  expect(report.gaps?.map((gap) => gap.scope)).toEqual([`/subscriptions/${SUB_C}`]);
  expect(report.summary.resources).toBeGreaterThan(0);
});

it('audits a complete live estate without gaps', async () => {
  server = await startArmServer({ rows: buildTestEstate(2), serviceTags: SERVICE_TAGS });
  const io = cliIo();
  await runCli(['audit', '--subscription', SUB_A, '--arm-endpoint', server.endpoint, '--format', 'json'], io, commandsFor(server));
  const report = JSON.parse(io.out()) as { incomplete?: boolean; gaps?: unknown[] };
  expect(report.incomplete).toBeUndefined();
  expect(report.gaps ?? []).toEqual([]);
});

it('turns bad live arguments into one usage line and exit 2', async () => {
  server = await startArmServer({ rows: [] });
  const io = cliIo();
  const code = await runCli(['audit', '--management-group', 'mg', '--subscription', SUB_A], io, commandsFor(server));
  expect(code).toBe(2);
  expect(io.err()).toMatch(/^aml-vnet-audit: audit: give either subscriptions or a management group, not both\n$/);
});

it('dispatches the snapshot command', async () => {
  server = await startArmServer({ rows: buildTestEstate(0) });
  const io = cliIo();
  const code = await runCli(['snapshot', '--subscription', SUB_A, '--arm-endpoint', server.endpoint, '--no-service-tags'], io, commandsFor(server));
  expect(code).toBe(0);
  expect((JSON.parse(io.out()) as { resources: unknown[] }).resources.length).toBeGreaterThan(0);
});

it('refuses to audit when not signed in: one line, exit 2, no findings printed', async () => {
  server = await startArmServer({ rows: buildTestEstate(0) });
  const io = cliIo();
  const failing = { getToken: async (): Promise<never> => Promise.reject(new Error('AzureCliCredential: Please run az login to set up an account. '.repeat(20))) };
  const code = await runCli(['audit', '--subscription', SUB_A, '--arm-endpoint', server.endpoint, '--format', 'json'], io, [createAuditCommand({ sources: [createLiveInventorySource({ credential: failing, tlsOptions: server.tlsOptions })] })]);
  expect(code).toBe(2);
  expect(io.out()).toBe('');
  expect(io.err().trimEnd().split('\n')).toHaveLength(1);
  expect(io.err()).toMatch(/^aml-vnet-audit: audit: not signed in to Azure: run 'az login'/);
});

/** A findings store on Azurite, and the environment that points the CLI at it. */
async function findingsStore(): Promise<{ readonly env: Record<string, string>; readonly store: FindingsStore }> {
  const env = { AML_AUDITOR_STORAGE_CONNECTION: azurite.server().connectionString, AML_AUDITOR_TABLE_PREFIX: uniqueTablePrefix() };
  return { env, store: await azurite.freshStore({ tablePrefix: env.AML_AUDITOR_TABLE_PREFIX }) };
}

/**
 * What an event's batch in the app leaves of a change to `resourceId` a minute ago: its change
 * notice, and (`judged`) its verdict, storage.default-deny failing.
 */
async function anEventBatch(store: FindingsStore, env: Record<string, string>, resourceId: string, judged: boolean): Promise<void> {
  const eventTime = new Date(Date.now() - 60_000);
  await store.announceChanges(SUB_A, await store.syncPartition(SUB_A, undefined), [{ resourceId, version: eventTime.toISOString(), at: eventTime.toISOString() }], eventTime);
  if (!judged) return;
  const failing = evaluation(resourceId, 'fail', { ruleId: 'storage.default-deny' });
  const report: AuditReport = { generatedAt: eventTime.toISOString(), summary: summarize(1, [failing]), ruleErrors: [], malformedRows: [], evaluations: [failing], findings: [], gaps: [], warnings: [], ruleIds: ['storage.default-deny'], profile: 'documented' };
  await persistAuditResult(report, { io: cliIo(env), subscriptionIds: [SUB_A] });
}

/** The stalpha storage account of the test estate: its ID, and a way to open it to all networks in ARM (Resource Graph lags). */
function storageAccountOf(on: ArmServer): { readonly id: string; open(): void } {
  const row = on.store.rows.find((candidate) => String(candidate.id).endsWith('/storageAccounts/stalpha'));
  return { id: String(row?.id), open: () => void ((row?.properties as { networkAcls: { defaultAction: string } }).networkAcls.defaultAction = 'Allow') };
}

/** `audit` with the live source and the store hook, and `findings`. */
function storeCommands(on: ArmServer, storeDeps: StoreCliDeps = {}) {
  const deps = { credential: new RecordingCredential(), tlsOptions: on.tlsOptions, retry: recordedRetry().retry };
  return [withBareStoreFlag(createAuditCommand({ sources: [createLiveInventorySource(deps)], hooks: [createStoreAuditHook(storeDeps)] })), createFindingsCommand()];
}

const auditStored = ['audit', '--subscription', SUB_A, '--store', '--format', 'json'];

it('audit --store reads again from ARM what an event changed that Resource Graph does not show yet, and keeps its finding', { timeout: 60_000 }, async () => {
  server = await startArmServer({ rows: buildTestEstate(0), serviceTags: SERVICE_TAGS, graphLags: true });
  const storage = storageAccountOf(server);
  // The storage account was opened to every network a minute ago: ARM says so, Resource Graph has not indexed it yet; the event's batch judged it.
  storage.open();
  const { env, store } = await findingsStore();
  await anEventBatch(store, env, storage.id, true);

  const commands = storeCommands(server);
  const io = cliIo(env);
  expect([0, 1, 4]).toContain(await runCli([...auditStored, '--arm-endpoint', server.endpoint], io, commands));
  const reported = (JSON.parse(io.out()) as { findings: { ruleId: string; resourceId: string; status: string }[] }).findings;
  // Judged on ARM's state: the report says what is true now.
  expect(reported.find((finding) => finding.ruleId === 'storage.default-deny' && finding.resourceId === storage.id)?.status).toBe('fail');
  expect(server.requestsOf('resource').some((request) => request.path.toLowerCase() === storage.id.toLowerCase())).toBe(true);
  expect((await store.getFinding('storage.default-deny', storage.id))?.state).toBe('open');
});

it('audit --store stops, reporting and storing nothing, when a resource an event changed cannot be read again for now', { timeout: 60_000 }, async () => {
  server = await startArmServer({ rows: buildTestEstate(0), serviceTags: SERVICE_TAGS, graphLags: true, faults: [{ when: (request) => request.kind === 'resource', status: 503 }] });
  const { env, store } = await findingsStore();
  await anEventBatch(store, env, storageAccountOf(server).id, false);
  const commands = storeCommands(server);
  const io = cliIo(env);
  expect(await runCli([...auditStored, '--arm-endpoint', server.endpoint], io, commands)).toBe(2);
  expect(io.out()).toBe('');
  expect(io.err()).toMatch(/^aml-vnet-audit: audit --store: cannot read \/subscriptions\/.*stalpha, which an event changed shortly before this read, again \(.*\); nothing was reported or stored: run the audit again\n$/);
  const listed = cliIo(env);
  expect(await runCli(['findings', 'list', '--state', 'all', '--format', 'json'], listed, commands)).toBe(0);
  expect((JSON.parse(listed.out()) as { findings: unknown[] }).findings).toEqual([]);
});

it("audit --store leaves as it was the verdict of a batch that announced after the audit read the notices, and before it stored", { timeout: 60_000 }, async () => {
  server = await startArmServer({ rows: buildTestEstate(0), serviceTags: SERVICE_TAGS, graphLags: true });
  const storage = storageAccountOf(server);
  const { env, store } = await findingsStore();
  let opened = 0;
  const open = async (): Promise<OpenedStore> => {
    // The second opening is the audit's write: just before it, an event's batch judges the storage account opened a minute ago.
    if (++opened === 2) {
      storage.open();
      await anEventBatch(store, env, storage.id, true);
    }
    return { store, close: async () => undefined };
  };
  expect([0, 1, 4]).toContain(await runCli([...auditStored, '--arm-endpoint', server.endpoint], cliIo(env), storeCommands(server, { open })));
  expect(opened).toBe(2);
  expect((await store.getFinding('storage.default-deny', storage.id))?.state).toBe('open');
});
