import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { clearServiceTagCache } from '../../src/live';
import { EXIT } from '../../src/cli/io';
import { auditExitCode, loadLiveInventoryFromArgs, parseCloud, runSnapshotCommand } from '../../src/cli/live-commands';
import type { LiveCliIo } from '../../src/cli/live-commands';
import { startArmServer } from '../support/arm-server';
import type { ArmServer } from '../support/arm-server';
import { buildTestEstate, SERVICE_TAGS, SUB_A, SUB_B, SUB_C } from '../live/estate';
import { RecordingCredential, recordedRetry } from '../live/helpers';

let server: ArmServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
  clearServiceTagCache();
});

function io(isTTY = false): LiveCliIo & { err: () => string; out: () => string } {
  const stderr: string[] = [];
  const stdout: string[] = [];
  return {
    stderr: { write: (text: string) => stderr.push(text) },
    stdout: { write: (text: string) => stdout.push(text) },
    isTTY,
    env: {},
    err: () => stderr.join(''),
    out: () => stdout.join(''),
  };
}

const tempFile = (name: string): string => join(mkdtempSync(join(tmpdir(), 'live-cli-')), name);

/** What DefaultAzureCredential throws when nothing signs in: a kilobyte of the credential chain. */
class NoSignIn {
  readonly calls: string[] = [];
  async getToken(scope: string | string[]): Promise<never> {
    this.calls.push(String(scope));
    const error = new Error(`DefaultAzureCredential failed to retrieve a token from the included credentials. Attempted credentials:\n${'EnvironmentCredential is unavailable. Environment variables are not fully configured. '.repeat(12)}\nManagedIdentityCredential: … AzureCliCredential: Please run 'az login'.`);
    error.name = 'CredentialUnavailableError';
    throw error;
  }
}

describe('first errors say what to do', () => {
  it('not signed in: one line naming az login and AZURE_ACCESS_TOKEN, exit 2, no request, no file', async () => {
    server = await startArmServer({ rows: buildTestEstate(0) });
    const file = tempFile('never.json');
    const terminal = io();
    const code = await runSnapshotCommand(['--subscription', SUB_A, '-o', file, '--arm-endpoint', server.endpoint], terminal, { credential: new NoSignIn(), tlsOptions: server.tlsOptions });
    expect(code).toBe(2);
    expect(terminal.err().trimEnd().split('\n')).toHaveLength(1);
    expect(terminal.err()).toMatch(/^aml-vnet-audit snapshot: not signed in to Azure: run 'az login' \(or set AZURE_ACCESS_TOKEN/);
    expect(terminal.err().length).toBeLessThan(500);
    expect(existsSync(file)).toBe(false);
    expect(server.requests).toEqual([]);
  });

  it('nothing read (Resource Graph answers nothing for subscriptions the identity cannot read): exit 2, no file', async () => {
    server = await startArmServer({ rows: buildTestEstate(0) });
    const file = tempFile('empty.json');
    const terminal = io();
    const stranger = '99999999-9999-4999-8999-999999999999';
    const code = await runSnapshotCommand(['--subscription', stranger, '-o', file, '--arm-endpoint', server.endpoint], terminal, { credential: new RecordingCredential(), tlsOptions: server.tlsOptions, retry: recordedRetry().retry });
    expect(code).toBe(2);
    expect(terminal.err()).toContain(`nothing was read from subscription(s) ${stranger}: check the IDs, and that the signed-in identity has Reader on them`);
    expect(existsSync(file)).toBe(false);
  });

  it('summarises each unread part in one short line; --verbose gives the whole reason', async () => {
    const long = `Injected: ${'a very long service explanation '.repeat(40)}`;
    const faults = [{ when: (request: { subscriptions?: readonly string[] }) => (request.subscriptions ?? []).includes(SUB_B), status: 500, body: { error: { code: 'InternalServerError', message: long } } }];
    for (const verbose of [false, true]) {
      server = await startArmServer({ rows: buildTestEstate(0), faults });
      const terminal = io();
      const args = ['--subscription', SUB_A, SUB_B, '-o', tempFile('partial.json'), '--arm-endpoint', server.endpoint, '--no-service-tags', ...(verbose ? ['--verbose'] : [])];
      const code = await runSnapshotCommand(args, terminal, { credential: new RecordingCredential(), tlsOptions: server.tlsOptions, retry: { ...recordedRetry().retry, maxRetries: 0 } });
      expect(code).toBe(EXIT.incomplete);
      const line = terminal.err().split('\n').find((text) => text.includes(`missing /subscriptions/${SUB_B}`)) ?? '';
      if (verbose) expect(line.length).toBeGreaterThan(1000);
      else expect(line).toMatch(/… \(--verbose for all of it\)$/);
      await server.stop();
      server = undefined;
    }
  });
});

describe('aml-vnet-audit snapshot', () => {
  it('writes a snapshot in the contract shape and exits 0', async () => {
    server = await startArmServer({ rows: buildTestEstate(2), serviceTags: SERVICE_TAGS });
    const file = tempFile('estate.json');
    const terminal = io();
    const deps = { credential: new RecordingCredential(), tlsOptions: server.tlsOptions, retry: recordedRetry().retry };
    const code = await runSnapshotCommand(['--subscription', SUB_A, SUB_B, SUB_C, '--output', file, '--arm-endpoint', server.endpoint], terminal, deps);
    expect(code).toBe(0);
    const written = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(written)).toEqual(['capturedAt', 'resources', 'serviceTags', 'warnings', 'incomplete', 'gaps']);
    // The estate's rows plus the three subscriptions (resourcecontainers, with their management group ancestry).
    expect(written.resources).toHaveLength(buildTestEstate(2).length + 3);
    expect(written.incomplete).toBe(false);
    expect(terminal.err()).toMatch(/^wrote \d+ resources and 5 service tags to /m);
    expect(existsSync(`${file}.partial`)).toBe(false);
  });

  it('still writes an incomplete snapshot, with its gaps, and exits with the incomplete code', async () => {
    server = await startArmServer({ rows: buildTestEstate(0), faults: [{ when: (request) => (request.subscriptions ?? []).includes(SUB_B), status: 403 }] });
    const file = tempFile('partial.json');
    const terminal = io();
    const deps = { credential: new RecordingCredential(), tlsOptions: server.tlsOptions, retry: recordedRetry().retry };
    const code = await runSnapshotCommand(['--subscription', `${SUB_A},${SUB_B}`, '-o', file, '--arm-endpoint', server.endpoint, '--no-service-tags'], terminal, deps);
    expect(code).toBe(EXIT.incomplete);
    const written = JSON.parse(readFileSync(file, 'utf8')) as { incomplete: boolean; gaps: { scope: string }[]; serviceTags?: unknown };
    expect(written.incomplete).toBe(true);
    expect(written.gaps.map((gap) => gap.scope)).toEqual([`/subscriptions/${SUB_B}`]);
    expect(written.serviceTags).toBeUndefined();
    expect(terminal.err()).toContain(`missing /subscriptions/${SUB_B}: resources: HTTP 403`);
  });

  it.each([
    [[], /no scope/],
    [['--subscription', SUB_A, '--management-group', 'mg'], /not both/],
    [['--subscription', 'nope'], /not a subscription ID/],
    [['--bogus'], /unknown option '--bogus'/],
    [['--subscription', SUB_A, '--cloud', 'Mars'], /unknown cloud 'Mars'/],
    [['--subscription', SUB_A, '--arm-endpoint', 'http://127.0.0.1:1'], /must be https/],
    // Arguments after --subscription are more IDs (`--subscription A B`), and must be GUIDs.
    [['--subscription', SUB_A, 'stray.json'], /not a subscription ID \(a GUID\): stray\.json/],
    [['--output', 'x.json', 'stray'], /unexpected argument 'stray'/],
    [['--subscription', SUB_A, '--page-size', '0'], /--page-size: a whole number from 1 to 1000, not '0'/],
    [['--subscription', SUB_A, '--page-size', 'many'], /--page-size/],
  ])('exits 2 with one clear line for bad usage %j', async (argv, message) => {
    const terminal = io();
    const code = await runSnapshotCommand(argv, terminal, { credential: new RecordingCredential() });
    expect(code).toBe(2);
    expect(terminal.err()).toMatch(message);
    expect(terminal.err()).not.toMatch(/\n\s+at /);
  });

  it('exits 2 naming the file it cannot write', async () => {
    server = await startArmServer({ rows: buildTestEstate(0) });
    const terminal = io();
    const deps = { credential: new RecordingCredential(), tlsOptions: server.tlsOptions, retry: recordedRetry().retry };
    const code = await runSnapshotCommand(['--subscription', SUB_A, '-o', '/nonexistent-dir/x.json', '--arm-endpoint', server.endpoint], terminal, deps);
    expect(code).toBe(2);
    expect(terminal.err()).toMatch(/cannot write \/nonexistent-dir\/x\.json/);
  });
});

describe('loadLiveInventoryFromArgs', () => {
  it('draws progress on a terminal only', async () => {
    server = await startArmServer({ rows: buildTestEstate(5) });
    const deps = { credential: new RecordingCredential(), tlsOptions: server.tlsOptions, retry: recordedRetry().retry };
    const tty = io(true);
    await loadLiveInventoryFromArgs({ subscription: [SUB_A, SUB_B], armEndpoint: server.endpoint, pageSize: '3' }, tty, deps);
    expect(tty.err()).toMatch(/\r\x1b\[2Kresources: 2\/2 subscriptions, \d+ pages, [\d,]+ resources/);
    expect(tty.err().endsWith('\n')).toBe(true);
    const pipe = io(false);
    await loadLiveInventoryFromArgs({ subscription: [SUB_A], armEndpoint: server.endpoint }, pipe, deps);
    expect(pipe.err()).toBe('');
  });

  it('reads AZURE_ACCESS_TOKEN from the environment it is given', async () => {
    server = await startArmServer({ rows: buildTestEstate(0) });
    const terminal = { ...io(), env: { AZURE_ACCESS_TOKEN: 'from-env' } };
    await loadLiveInventoryFromArgs({ subscription: [SUB_A], armEndpoint: server.endpoint }, terminal, { tlsOptions: server.tlsOptions, retry: recordedRetry().retry });
    expect(server.requests.every((request) => request.authorization === 'Bearer from-env')).toBe(true);
  });
});

describe('exit codes and clouds', () => {
  it('lets a fail win over incompleteness, and never passes an incomplete audit as clean', () => {
    expect(auditExitCode({ failed: true, incomplete: true })).toBe(1);
    expect(auditExitCode({ failed: false, incomplete: true })).toBe(EXIT.incomplete);
    expect(auditExitCode({ failed: false, incomplete: false })).toBe(0);
    expect(EXIT.incomplete).toBe(4);
  });

  it('accepts the Azure CLI cloud names in any case', async () => {
    await expect(parseCloud('AzureCloud')).resolves.toBe('AzurePublicCloud');
    await expect(parseCloud('azureusgovernment')).resolves.toBe('AzureUSGovernment');
    await expect(parseCloud('AzureChinaCloud')).resolves.toBe('AzureChinaCloud');
    await expect(parseCloud(undefined)).resolves.toBe('AzurePublicCloud');
  });
});
