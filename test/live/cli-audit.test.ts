/**
 * `aml-vnet-audit audit --subscription …` end to end through the CLI dispatcher, in-process:
 * the live source is the one src/cli/commands.ts registers, given the test server's TLS trust.
 */
import { afterEach, expect, it } from 'vitest';
import { createAuditCommand, runCli } from '../../src/cli';
import type { CliIo } from '../../src/cli';
import { clearServiceTagCache } from '../../src/live';
import { createLiveInventorySource, createSnapshotCommand } from '../../src/cli/live-commands';
import { startArmServer } from '../support/arm-server';
import type { ArmServer } from '../support/arm-server';
import { buildTestEstate, SERVICE_TAGS, SUB_A, SUB_B, SUB_C } from './estate';
import { RecordingCredential, recordedRetry } from './helpers';

let server: ArmServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
  clearServiceTagCache();
});

function cliIo(): CliIo & { out: () => string; err: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    stdout: { write: (text: string) => out.push(text) },
    stderr: { write: (text: string) => err.push(text) },
    stdoutIsTTY: false,
    stderrIsTTY: false,
    env: {},
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
