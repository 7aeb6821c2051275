import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { createAuditCommand, snapshotInventorySource } from '../../src/cli/audit-command';
import { runCli } from '../../src/cli/run';
import type { AuditReport } from '../../src/engine/audit';
import { summarize } from '../../src/engine/audit';
import { allRules } from '../../src/rules/registry';
import {
  createFindingsCommand,
  createStoreAuditHook,
  createSuppressCommand,
  expandBareStoreFlag,
  parseExpiry,
  persistAuditResult,
  runFindingsList,
  runSuppress,
  withBareStoreFlag,
} from '../../src/cli/store-commands';
import { resolveStoreLocation } from '../../src/store/connection';
import { uniqueTablePrefix, useAzurite } from '../support/azurite';
import { captureIo } from './support';
import type { CapturedIo } from './support';
import { NOT_READ_MESSAGE_ID } from '../../src/core/types';
import { at, evaluation, SUB_A, subnetId } from '../store/fixtures';

const azurite = useAzurite();
const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** The io a command gets, recording what it writes; `env` and `cwd` as the test sets them. */
function io(env: Record<string, string | undefined>, cwd = process.cwd()): CapturedIo {
  return captureIo({ env, cwd });
}

function report(evaluations: ReturnType<typeof evaluation>[], generatedAt: Date, gaps: AuditReport['gaps'] = []): AuditReport {
  return {
    generatedAt: generatedAt.toISOString(),
    summary: summarize(evaluations.length, evaluations),
    ruleErrors: [],
    malformedRows: [],
    evaluations,
    findings: evaluations.filter((item): item is never => item.status === 'fail' || item.status === 'unknown'),
    gaps,
    warnings: [],
    ruleIds: allRules.map((rule) => rule.meta.id),
    profile: 'documented',
  };
}

function env(): Record<string, string> {
  return { AML_AUDITOR_STORAGE_CONNECTION: azurite.server().connectionString, AML_AUDITOR_TABLE_PREFIX: uniqueTablePrefix(), USER: 'tester' };
}

describe('findings list', () => {
  test('persisted runs are listed with filters, in json, csv and table', async () => {
    const environment = env();
    const first = io(environment);
    await persistAuditResult(
      report([evaluation(subnetId('a'), 'fail'), evaluation(subnetId('b'), 'unknown', { ruleId: 'nsg.ssh-exposed', severity: 'medium' }), evaluation(subnetId('c'), 'fail', { message: '=HYPERLINK("x")' })], at(0)),
      { io: first },
    );
    expect(first.err()).toMatch(/stored 1 subscription: 3 opened, 0 reopened, 0 resolved/);
    await persistAuditResult(report([evaluation(subnetId('b'), 'unknown', { ruleId: 'nsg.ssh-exposed', severity: 'medium' }), evaluation(subnetId('c'), 'fail', { message: '=HYPERLINK("x")' })], at(5)), { io: io(environment) });

    const json = io(environment);
    expect(await runFindingsList(['list', '--format', 'json'], json)).toBe(0);
    const document = JSON.parse(json.out()) as { findings: { resourceId: string; state: string; lastSeen: string }[] };
    // Newest change first: the resolution at minute 5, then the two opened at minute 0 (in key order).
    expect(document.findings.map((item) => [item.resourceId, item.state])[0]).toEqual([subnetId('a'), 'resolved']);
    expect(document.findings.slice(1).map((item) => [item.resourceId, item.state]).sort()).toEqual([
      [subnetId('b'), 'open'],
      [subnetId('c'), 'open'],
    ]);
    expect(document.findings[1]?.lastSeen).toBe(at(5).toISOString());

    const filtered = io(environment);
    expect(await runFindingsList(['list', '--state', 'open', '--severity', 'MEDIUM', '--subscription', SUB_A, '--format', 'json'], filtered)).toBe(0);
    expect((JSON.parse(filtered.out()) as { findings: unknown[] }).findings).toHaveLength(1);

    const csv = io(environment);
    expect(await runFindingsList(['list', '--rule', 'nsg.batch-inbound', '--state', 'open', '--format', 'csv'], csv)).toBe(0);
    const rows = csv.out().split('\r\n');
    expect(rows[0]).toBe('ruleId,resourceId,status,severity,state,firstSeen,lastSeen,resolvedAt,occurrences,title,message,workspaceIds,evidence,suppressionReason,suppressionExpiresOn');
    expect(rows[1]).toContain(`"'=HYPERLINK(""x"")"`);

    const table = io(environment);
    expect(await runFindingsList(['list', '--top', '1'], table)).toBe(0);
    expect(table.out()).toMatch(/^RESOLVED\s+HIGH\s+nsg\.batch-inbound/);
    expect(table.err()).toMatch(/more findings: add --continuation \S+/);
    const token = /--continuation (\S+)/.exec(table.err())?.[1] ?? '';
    const next = io(environment);
    expect(await runFindingsList(['list', '--top', '1', '--continuation', token], next)).toBe(0);
    expect(next.out()).toMatch(/^OPEN/);
    expect(next.out()).toContain(document.findings[1]?.resourceId ?? '?');
    // --order key: every finding, page by page, as the table service pages them.
    const byKey: string[] = [];
    let keyToken: string | undefined;
    do {
      const page = io(environment);
      expect(await runFindingsList(['list', '--state', 'all', '--order', 'key', '--top', '1', '--format', 'json', ...(keyToken === undefined ? [] : ['--continuation', keyToken])], page)).toBe(0);
      const body = JSON.parse(page.out()) as { findings: { resourceId: string }[]; continuationToken?: string };
      byKey.push(...body.findings.map((finding) => finding.resourceId));
      keyToken = body.continuationToken;
    } while (keyToken !== undefined);
    expect(byKey.sort()).toEqual(document.findings.map((finding) => finding.resourceId).sort());
  });

  test('prune deletes resolved findings and sweep records older than --older-than; --dry-run only counts', async () => {
    const environment = env();
    await persistAuditResult(report([evaluation(subnetId('a'), 'fail'), evaluation(subnetId('b'), 'fail')], at(0)), { io: io(environment) });
    await persistAuditResult(report([evaluation(subnetId('a'), 'fail'), evaluation(subnetId('b'), 'pass')], at(5)), { io: io(environment) });
    // The clock the command sees: 3 days after the second run, so `--older-than 2d` cuts at minute 5 + 1 day.
    const now = () => new Date(at(5).getTime() + 3 * 86_400_000);
    const dry = io(environment);
    expect(await runFindingsList(['prune', '--older-than', '2d', '--dry-run'], dry, { now })).toBe(0);
    expect(dry.out()).toMatch(/^would delete 1 finding\(s\) resolved and 2 sweep record\(s\) started before /);
    const pruned = io(environment);
    expect(await runFindingsList(['prune', '--older-than', '2d'], pruned, { now })).toBe(0);
    expect(pruned.out()).toMatch(/^deleted 1 finding\(s\) resolved and 2 sweep record\(s\)/);
    const listed = io(environment);
    expect(await runFindingsList(['list', '--state', 'all', '--format', 'json'], listed)).toBe(0);
    expect((JSON.parse(listed.out()) as { findings: { resourceId: string }[] }).findings.map((finding) => finding.resourceId)).toEqual([subnetId('a')]);
    const bad = io(environment);
    expect(await runFindingsList(['prune', '--older-than', 'soon'], bad, { now })).toBe(2);
    expect(bad.err()).toMatch(/--older-than 'soon' is not a number of days/);
  });

  test.each([
    [['list', '--state', 'bogus'], /--state 'bogus' is not one of open, resolved, suppressed, all/],
    // The same validation as GET /api/findings: unknown rules and malformed IDs are refused, not silently empty.
    [['list', '--rule', 'nsg.nope'], /--rule 'nsg\.nope' is not a rule ID/],
    [['list', '--subscription', 'prod'], /--subscription 'prod' is not a subscription ID/],
    [['list', '--workspace', 'ws-ml'], /--workspace 'ws-ml' is not an Azure ML workspace ID/],
    [['lst'], /expected 'findings list/],
    [['list', '--top', '0'], /--top must be a whole number/],
    [['list', '--format', 'xml'], /--format must be one of table, json, csv/],
    [['list', '--colour'], /unknown option '--colour'/],
    [['list', '--continuation', 'garbage'], /invalid continuation token/],
    [['list', '--order', 'newest'], /--order 'newest' is not one of changed, key/],
  ])('bad usage %j exits 2 with one line', async (argv, message) => {
    const captured = io(env());
    expect(await runFindingsList(argv, captured)).toBe(2);
    expect(captured.err()).toMatch(message);
    expect(captured.err().trim().split('\n')).toHaveLength(1);
    expect(captured.out()).toBe('');
  });

  test('an unreachable store is one clear line and exit 2', async () => {
    const captured = io({
      AML_AUDITOR_STORAGE_CONNECTION: 'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;',
    });
    expect(await runFindingsList(['list'], captured)).toBe(2);
    expect(captured.err()).toMatch(/^aml-vnet-audit: findings store unreachable at http:\/\/127\.0\.0\.1:9\/devstoreaccount1 while creating table amlauditfindings: ECONNREFUSED\n$/);
  }, 60_000);
});

describe('suppress', () => {
  test('add, list, remove; a suppressed finding shows as suppressed', async () => {
    const environment = env();
    await persistAuditResult(report([evaluation(subnetId('a'), 'fail')], at(0)), { io: io(environment) });
    const add = io(environment);
    expect(await runSuppress(['add', '--rule', 'nsg.batch-inbound', '--scope', `/subscriptions/${SUB_A}/resourceGroups/rg-net`, '--reason', 'legacy, replaced in Q3', '--expires', '30d'], add)).toBe(0);
    const id = add.out().trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const listed = io(environment);
    expect(await runSuppress(['list', '--format', 'json'], listed)).toBe(0);
    expect(JSON.parse(listed.out())).toMatchObject({ suppressions: [{ id, ruleId: 'nsg.batch-inbound', reason: 'legacy, replaced in Q3', createdBy: 'tester' }] });
    const suppressed = io(environment);
    await runFindingsList(['list', '--state', 'suppressed'], suppressed);
    expect(suppressed.out()).toMatch(/^SUPPRESSED/);
    expect(suppressed.out()).toContain('suppressed by tester until');
    expect(await runSuppress(['remove', id], io(environment))).toBe(0);
    const again = io(environment);
    expect(await runSuppress(['remove', id], again)).toBe(2);
    expect(again.err()).toMatch(/no suppression/);
  });

  test.each([
    [['add', '--rule', 'nsg.batch-inbound', '--scope', SUB_A, '--expires', '30d'], /--reason is required/],
    [['add', '--rule', 'nsg.nope', '--scope', SUB_A, '--reason', 'r', '--expires', '30d'], /unknown rule ID 'nsg\.nope'/],
    [['add', '--rule', '*', '--scope', SUB_A, '--reason', 'r', '--expires', 'tomorrow'], /--expires must be a date/],
    [['add', '--rule', '*', '--scope', 'rg-net', '--reason', 'r', '--expires', '2099-01-01'], /is not a subscription \(GUID or \/subscriptions\/GUID\), a resource group/],
    // Scopes that could never match a finding's resource ID.
    [['add', '--rule', '*', '--scope', '/subscriptions/prod', '--reason', 'r', '--expires', '2099-01-01'], /scope '\/subscriptions\/prod' is not a subscription/],
    [['add', '--rule', '*', '--scope', `/subscriptions/${SUB_A}/resourceGroups`, '--reason', 'r', '--expires', '2099-01-01'], /is not a subscription/],
    [['add', '--rule', '*', '--scope', `/subscriptions/${SUB_A}/resourceGroups/rg/providers/Microsoft.Network`, '--reason', 'r', '--expires', '2099-01-01'], /is not a subscription/],
    [['add', '--rule', '*', '--scope', SUB_A, '--reason', 'r', '--expires', '2001-01-01'], /in the future/],
    [['frob'], /expected add, list or remove, not 'frob'/],
    [['remove'], /name exactly one suppression ID/],
  ])('bad usage %j exits 2 with one line', async (argv, message) => {
    const captured = io(env());
    expect(await runSuppress(argv, captured)).toBe(2);
    expect(captured.err()).toMatch(message);
    expect(captured.err().trim().split('\n')).toHaveLength(1);
  });

  test('expiry parsing', () => {
    expect(parseExpiry('90d', at(0)).toISOString()).toBe(new Date(at(0).getTime() + 90 * 86_400_000).toISOString());
    expect(parseExpiry('2027-03-31', at(0)).toISOString()).toBe('2027-03-31T00:00:00.000Z');
    expect(() => parseExpiry('31/03/2027', at(0))).toThrow(/--expires/);
  });
});

describe('audit --store and the embedded default', () => {
  test('a bare --store gets an empty value; a value is kept', () => {
    expect(expandBareStoreFlag(['audit', '--snapshot', 'f', '--store'])).toEqual(['audit', '--snapshot', 'f', '--store=']);
    expect(expandBareStoreFlag(['--store', '--format', 'json'])).toEqual(['--store=', '--format', 'json']);
    expect(expandBareStoreFlag(['--store', 'UseDevelopmentStorage=true'])).toEqual(['--store', 'UseDevelopmentStorage=true']);
  });

  test('store locations: connection string, account URL, embedded; bad values are refused without echoing them', () => {
    expect(resolveStoreLocation('https://acct.table.core.windows.net/', {}, '/w')).toEqual({ kind: 'account-url', accountUrl: 'https://acct.table.core.windows.net' });
    expect(resolveStoreLocation(undefined, {}, '/w')).toEqual({ kind: 'embedded', folder: '/w/.azurite' });
    expect(resolveStoreLocation('', { AML_AUDITOR_STORAGE_CONNECTION: 'UseDevelopmentStorage=true' }, '/w')).toEqual({ kind: 'connection-string', connectionString: 'UseDevelopmentStorage=true' });
    expect(() => resolveStoreLocation('AccountKeysecret', {}, '/w')).toThrow(/^(?!.*secret)/);
    expect(() => resolveStoreLocation('http://insecure.example', {}, '/w')).toThrow(/expected a connection string/);
  });

  test('with no connection, the embedded Azurite keeps findings under .azurite/ across runs', { timeout: 60_000 }, async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'aml-store-cli-'));
    folders.push(cwd);
    await persistAuditResult(report([evaluation(subnetId('a'), 'fail')], at(0)), { io: io({}, cwd) });
    await persistAuditResult(report([evaluation(subnetId('a'), 'fail'), evaluation(subnetId('b'), 'fail')], at(1)), { io: io({}, cwd) });
    const listed = io({}, cwd);
    expect(await runFindingsList(['list', '--format', 'json'], listed)).toBe(0);
    expect((JSON.parse(listed.out()) as { findings: { resourceId: string; firstSeen: string }[] }).findings.map((item) => [item.resourceId, item.firstSeen])).toEqual([
      [subnetId('b'), at(1).toISOString()],
      [subnetId('a'), at(0).toISOString()],
    ]);
  });

  test('through the dispatcher: audit --snapshot … --store, then findings list and suppress', { timeout: 60_000 }, async () => {
    const environment = env();
    const commands = [withBareStoreFlag(createAuditCommand({ sources: [snapshotInventorySource], hooks: [createStoreAuditHook()] })), createFindingsCommand(), createSuppressCommand()];
    const audit = io(environment);
    const code = await runCli(['audit', '--snapshot', join(__dirname, '../../samples/sample-estate.json'), '--store', '--format', 'json'], audit, commands);
    expect([0, 1]).toContain(code);
    const findings = (JSON.parse(audit.out()) as { findings: unknown[] }).findings;
    expect(audit.err()).toMatch(new RegExp(`stored \\d+ subscriptions?: ${findings.length} opened`));
    const listed = io(environment);
    expect(await runCli(['findings', 'list', '--format', 'json', '--top', '1000'], listed, commands)).toBe(0);
    expect((JSON.parse(listed.out()) as { findings: unknown[] }).findings).toHaveLength(findings.length);
    const help = io(environment);
    expect(await runCli(['suppress', '--help'], help, commands)).toBe(0);
    expect(help.out()).toContain('suppress add --rule');
  });

  test('a snapshot is stored as of its capturedAt: what was judged after it is left as it was', { timeout: 60_000 }, async () => {
    const environment = env();
    const sample = join(__dirname, '../../samples/sample-estate.json');
    const workspace = '/subscriptions/3f2b8c1d-7e4a-4b9c-a1d2-5e6f7a8b9c0d/resourceGroups/rg-ml-prod/providers/Microsoft.MachineLearningServices/workspaces/ws-compliant';
    // Judged at 10:00 (an event, say), after the sample's capture at 09:30, where the rule passes for this workspace.
    await persistAuditResult(report([evaluation(workspace, 'fail', { ruleId: 'acr.image-build-compute', workspaceIds: [workspace] })], at(0)), { io: io(environment) });
    const commands = [withBareStoreFlag(createAuditCommand({ sources: [snapshotInventorySource], hooks: [createStoreAuditHook()] })), createFindingsCommand()];
    const audit = io(environment);
    expect([0, 1]).toContain(await runCli(['audit', '--snapshot', sample, '--store', '--format', 'json'], audit, commands));
    expect(audit.err()).toMatch(/stale \(a newer evaluation is stored\)/);
    const listed = io(environment);
    expect(await runCli(['findings', 'list', '--rule', 'acr.image-build-compute', '--state', 'all', '--format', 'json'], listed, commands)).toBe(0);
    const stored = (JSON.parse(listed.out()) as { findings: { resourceId: string; state: string; lastSeen: string }[] }).findings;
    expect(stored.find((finding) => finding.resourceId === workspace)).toMatchObject({ state: 'open', lastSeen: at(0).toISOString() });
    // What the sample opened is seen as of its capture (less the ten minutes its rows may lag), not at the time the command ran.
    expect(stored.filter((finding) => finding.resourceId !== workspace).map((finding) => finding.lastSeen)).toContain('2026-11-24T09:20:00.000Z');
  });

  test('a snapshot is stored as of ten minutes before its capture: a verdict an event gave just before it, which its rows may not show, stays', { timeout: 60_000 }, async () => {
    const environment = env();
    const sample = join(__dirname, '../../samples/sample-estate.json');
    const workspace = '/subscriptions/3f2b8c1d-7e4a-4b9c-a1d2-5e6f7a8b9c0d/resourceGroups/rg-ml-prod/providers/Microsoft.MachineLearningServices/workspaces/ws-compliant';
    // Judged at 09:25 by an event, five minutes before the sample's capture at 09:30: Resource Graph may not have shown that change yet.
    await persistAuditResult(report([evaluation(workspace, 'fail', { ruleId: 'acr.image-build-compute', workspaceIds: [workspace] })], new Date('2026-11-24T09:25:00.000Z')), { io: io(environment) });
    const commands = [withBareStoreFlag(createAuditCommand({ sources: [snapshotInventorySource], hooks: [createStoreAuditHook()] })), createFindingsCommand()];
    expect([0, 1]).toContain(await runCli(['audit', '--snapshot', sample, '--store', '--format', 'json'], io(environment), commands));
    const listed = io(environment);
    expect(await runCli(['findings', 'list', '--rule', 'acr.image-build-compute', '--state', 'all', '--format', 'json'], listed, commands)).toBe(0);
    expect((JSON.parse(listed.out()) as { findings: { resourceId: string; state: string }[] }).findings.find((finding) => finding.resourceId === workspace)?.state).toBe('open');
  });

  test('a snapshot with a malformed row resolves nothing that row could hide: the findings it would have dropped stay open', { timeout: 60_000 }, async () => {
    const environment = env();
    const folder = mkdtempSync(join(tmpdir(), 'aml-store-cli-'));
    folders.push(folder);
    const sample = join(__dirname, '../../samples/sample-estate.json');
    const commands = [withBareStoreFlag(createAuditCommand({ sources: [snapshotInventorySource], hooks: [createStoreAuditHook()] })), createFindingsCommand()];
    const first = io(environment);
    expect([0, 1]).toContain(await runCli(['audit', '--snapshot', sample, '--store', '--format', 'json'], first, commands));
    const opened = (JSON.parse(first.out()) as { findings: { ruleId: string; resourceId: string; workspaceIds: string[] }[] }).findings.find((finding) => finding.ruleId === 'storage.default-deny');
    if (opened === undefined) throw new Error('the sample opens no storage.default-deny finding');
    // An hour later, the workspace using that account comes without properties: read as it is, it names no storage account.
    const document = JSON.parse(readFileSync(sample, 'utf8')) as { capturedAt: string; resources: { id: string; properties?: unknown }[] };
    const damaged = join(folder, 'damaged.json');
    const later = new Date(Date.parse(document.capturedAt) + 3_600_000).toISOString();
    writeFileSync(damaged, JSON.stringify({ ...document, capturedAt: later, resources: document.resources.map((row) => (row.id === opened.workspaceIds[0] ? { ...row, properties: undefined } : row)) }));
    const second = io(environment);
    expect(await runCli(['audit', '--snapshot', damaged, '--store', '--format', 'json'], second, commands)).toBe(1);
    expect(JSON.parse(second.out())).toMatchObject({ incomplete: true, gaps: [{ scope: opened.workspaceIds[0], reason: expect.stringContaining('its properties are missing') as unknown }] });
    const listed = io(environment);
    expect(await runCli(['findings', 'list', '--rule', 'storage.default-deny', '--state', 'all', '--format', 'json'], listed, commands)).toBe(0);
    expect((JSON.parse(listed.out()) as { findings: { resourceId: string; state: string }[] }).findings.find((finding) => finding.resourceId === opened.resourceId)?.state).toBe('open');
  });

  test('a snapshot captured in the future is not stored: one line naming its capturedAt, exit 2 after the report', { timeout: 60_000 }, async () => {
    const environment = env();
    const folder = mkdtempSync(join(tmpdir(), 'aml-store-cli-'));
    folders.push(folder);
    const future = join(folder, 'future.json');
    const document = JSON.parse(readFileSync(join(__dirname, '../../samples/sample-estate.json'), 'utf8')) as { capturedAt: string };
    writeFileSync(future, JSON.stringify({ ...document, capturedAt: '2027-06-01T00:00:00.000Z' }));
    const commands = [withBareStoreFlag(createAuditCommand({ sources: [snapshotInventorySource], hooks: [createStoreAuditHook({ now: () => at(0) })] })), createFindingsCommand()];
    const audit = io(environment);
    expect(await runCli(['audit', '--snapshot', future, '--store', '--format', 'json'], audit, commands)).toBe(2);
    expect(JSON.parse(audit.out())).toHaveProperty('findings');
    expect(audit.err()).toMatch(/^aml-vnet-audit: snapshot .*future\.json says it was captured at 2027-06-01T00:00:00\.000Z, after this clock's 2026-11-24T10:00:00\.000Z: its findings are not stored .*\n$/m);
    const listed = io(environment);
    expect(await runCli(['findings', 'list', '--state', 'all', '--format', 'json'], listed, commands)).toBe(0);
    expect((JSON.parse(listed.out()) as { findings: unknown[] }).findings).toEqual([]);
  });

  test('a snapshot without capturedAt is not stored: its age is unknown; exit 2 after the report', { timeout: 60_000 }, async () => {
    const environment = env();
    const folder = mkdtempSync(join(tmpdir(), 'aml-store-cli-'));
    folders.push(folder);
    const rows = (JSON.parse(readFileSync(join(__dirname, '../../samples/sample-estate.json'), 'utf8')) as { resources: unknown[] }).resources;
    const bare = join(folder, 'rows.json');
    writeFileSync(bare, JSON.stringify(rows));
    const commands = [withBareStoreFlag(createAuditCommand({ sources: [snapshotInventorySource], hooks: [createStoreAuditHook()] })), createFindingsCommand()];
    const audit = io(environment);
    expect(await runCli(['audit', '--snapshot', bare, '--store', '--format', 'json'], audit, commands)).toBe(2);
    expect(JSON.parse(audit.out())).toHaveProperty('findings');
    expect(audit.err()).toMatch(/^aml-vnet-audit: .*rows\.json.* no capturedAt.*not stored.*\n$/m);
    const listed = io(environment);
    expect(await runCli(['findings', 'list', '--state', 'all', '--format', 'json'], listed, commands)).toBe(0);
    expect((JSON.parse(listed.out()) as { findings: unknown[] }).findings).toEqual([]);
  });

  test('the audit hook reports an unreachable store as one line, exit 2, after the report', { timeout: 60_000 }, async () => {
    const commands = [createAuditCommand({ sources: [snapshotInventorySource], hooks: [createStoreAuditHook()] })];
    const captured = io({});
    const code = await runCli(
      ['audit', '--snapshot', join(__dirname, '../../samples/sample-estate.json'), '--format', 'json', '--store', 'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;'],
      captured,
      commands,
    );
    expect(code).toBe(2);
    expect(JSON.parse(captured.out())).toHaveProperty('findings');
    expect(captured.err()).toMatch(/^aml-vnet-audit: findings store unreachable at http:\/\/127\.0\.0\.1:9\/devstoreaccount1 .*ECONNREFUSED\n$/m);
  });
});

describe('sweep gaps', () => {
  test('a gap naming a subscription makes only it incomplete', async () => {
    const environment = env();
    await persistAuditResult(report([evaluation(subnetId('a'), 'fail')], at(0)), { io: io(environment) });
    const captured = io(environment);
    const result = await persistAuditResult(report([], at(1), [{ scope: `/subscriptions/${SUB_A}`, reason: 'Resource Graph 403' }]), { io: captured, subscriptionIds: [SUB_A] });
    expect(result.resolved).toBe(0);
    expect(captured.err()).toContain('incomplete inventory');
  });

  test('a verdict not given for want of part of the estate leaves its finding as it was, and says so', async () => {
    const environment = env();
    const store = io(environment);
    await persistAuditResult(report([evaluation(subnetId('a'), 'fail')], at(0)), { io: store });
    const workspace = `/subscriptions/${SUB_A}/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws`;
    const notRead = { ...evaluation(subnetId('a'), 'unknown', { message: 'Not judged: it depends on ws, part of which could not be read (workspace computes: HTTP 500).' }), messageId: NOT_READ_MESSAGE_ID };
    const captured = io(environment);
    const result = await persistAuditResult(report([notRead], at(1), [{ scope: workspace, reason: 'workspace computes: HTTP 500' }]), { io: captured, subscriptionIds: [SUB_A] });
    expect(result).toMatchObject({ notRead: 1, written: 0, resolved: 0, updated: 0 });
    expect(captured.err()).toContain('1 verdict(s) not given for want of part of the estate, their findings left as they were');
    const listed = io(environment);
    expect(await runFindingsList(['list', '--format', 'json'], listed)).toBe(0);
    expect((JSON.parse(listed.out()) as { findings: { status: string; lastSeen: string }[] }).findings).toEqual([expect.objectContaining({ status: 'fail', lastSeen: at(0).toISOString() })]);
  });
});
