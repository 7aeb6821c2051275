import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LARGE_SNAPSHOT_BYTES, PROGRESS_IN_TENTHS_FROM_BYTES, auditContext, createAuditCommand, memoryAdvice, readingProgress, snapshotInventorySource } from '../../src/cli/audit-command';
import { isReadBack } from '../../src/inventory/file-backed-row';
import { writeGeneratedSnapshot } from '../../bench/generate';
import { createRulesCommand } from '../../src/cli/rules-command';
import { runCli } from '../../src/cli/run';
import type { Severity } from '../../src/core/types';
import type { StorageAccount } from '../../src/estate/model';
import { allRules } from '../../src/rules/registry';
import { defineRule } from '../../src/rules/types';
import { captureIo } from './support';

const SAMPLE = join(__dirname, '..', '..', 'samples', 'sample-estate.json');
const SUB = '0b1f6471-1bf0-4dda-aec3-cb9272f09590';

/** A tiny rule: a storage account named "open…" fails; one named "unknown…" is unknown. */
function storageNameRule(id: string, severity: Severity) {
  return defineRule<StorageAccount, 'ok' | 'bad' | 'unsure'>({
    meta: {
      id,
      title: `Test rule ${id}`,
      severity,
      source: { document: '001', section: 'test', quote: 'test' },
      description: 'A test rule.',
      remediation: 'Rename it.',
      enabledByDefault: true,
      guidance: { status: 'current' },
      messages: { ok: "'{{name}}' is fine.", bad: "'{{name}}' is open.", unsure: "'{{name}}' is unclear." },
    },
    subjects: (estate) => estate.storageAccounts.map((account) => ({ resourceId: account.id, workspaceIds: [], target: account })),
    check: ({ target }) =>
      target.name.startsWith('open')
        ? { status: 'fail', messageId: 'bad', data: { name: target.name }, evidence: { name: target.name } }
        : target.name.startsWith('unknown')
          ? { status: 'unknown', messageId: 'unsure', data: { name: target.name } }
          : { status: 'pass', messageId: 'ok', data: { name: target.name } },
  });
}

const testRules = [storageNameRule('test.medium-rule', 'medium'), storageNameRule('test.info-rule', 'info')];
const testCommands = [
  createAuditCommand({ sources: [snapshotInventorySource], registry: testRules, now: () => new Date('2026-11-24T10:00:00.000Z') }),
  createRulesCommand(testRules),
];

function storageRow(name: string) {
  return { id: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/${name}`, name, type: 'microsoft.storage/storageaccounts', location: 'eastus', properties: {} };
}

let dir = '';
let openFile = '';
let cleanFile = '';
let unknownFile = '';
let junkFile = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aml-cli-'));
  openFile = join(dir, 'open.json');
  cleanFile = join(dir, 'clean.json');
  unknownFile = join(dir, 'unknown.json');
  junkFile = join(dir, 'junk.json');
  await writeFile(openFile, JSON.stringify({ resources: [storageRow('openstore'), storageRow('goodstore')] }));
  await writeFile(cleanFile, JSON.stringify([storageRow('goodstore')]));
  await writeFile(unknownFile, JSON.stringify({ data: [storageRow('unknownstore')] }));
  await writeFile(junkFile, JSON.stringify([null, 7, storageRow('openstore')]));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(argv: string[], overrides: Parameters<typeof captureIo>[0] = {}) {
  const io = captureIo(overrides);
  const code = await runCli(argv, io, testCommands);
  return { code, out: io.out(), err: io.err() };
}

function expectOneLine(err: string, ...fragments: string[]) {
  expect(err.endsWith('\n')).toBe(true);
  expect(err.trimEnd().split('\n')).toHaveLength(1);
  expect(err).not.toMatch(/\n\s+at /);
  for (const fragment of fragments) expect(err).toContain(fragment);
}

describe('runCli: help and dispatch', () => {
  it('prints help with --help and no arguments', async () => {
    for (const argv of [[], ['--help'], ['-h']]) {
      const { code, out } = await run(argv);
      expect(code).toBe(0);
      expect(out).toContain('Usage: aml-vnet-audit <command>');
      expect(out).toContain('audit');
      expect(out).toContain('rules');
    }
  });

  it('prints a command help with `help audit` and `audit --help`', async () => {
    expect((await run(['help', 'audit'])).out).toContain('--fail-on');
    const { code, out } = await run(['audit', '--help']);
    expect(code).toBe(0);
    expect(out).toContain('--snapshot FILE');
  });

  it('prints the version', async () => {
    const { code, out } = await run(['--version']);
    expect(code).toBe(0);
    expect(out.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('rejects an unknown command with exit 2 and one line', async () => {
    const { code, err } = await run(['scan']);
    expect(code).toBe(2);
    expectOneLine(err, "unknown command 'scan'");
  });
});

describe('runCli audit: exit codes', () => {
  it('exits 1 when a fail is at or above the default --fail-on low', async () => {
    expect((await run(['audit', '--snapshot', openFile, '--format', 'json'])).code).toBe(1);
  });

  it('exits 0 when nothing fails', async () => {
    expect((await run(['audit', '--snapshot', cleanFile, '--format', 'json'])).code).toBe(0);
  });

  it('honours --fail-on: a medium fail does not fail --fail-on high', async () => {
    expect((await run(['audit', '--snapshot', openFile, '--fail-on', 'high'])).code).toBe(0);
    expect((await run(['audit', '--snapshot', openFile, '--fail-on', 'medium'])).code).toBe(1);
  });

  it('does not count info fails by default, and counts them with --fail-on info', async () => {
    expect((await run(['audit', '--snapshot', openFile, '--rules', 'test.info-rule'])).code).toBe(0);
    expect((await run(['audit', '--snapshot', openFile, '--rules', 'test.info-rule', '--fail-on', 'info'])).code).toBe(1);
  });

  it('lets a caller decide the exit status of a finished audit (the live source adds 4 for incomplete)', async () => {
    const command = createAuditCommand({ sources: [snapshotInventorySource], registry: testRules, exitCode: (report) => (report.gaps.length > 0 ? 4 : 0) });
    const paged = join(dir, 'paged.json');
    await writeFile(paged, JSON.stringify({ data: [storageRow('goodstore')], $skipToken: 'next' }));
    expect(await runCli(['audit', '--snapshot', paged], captureIo(), [command])).toBe(4);
    expect(await runCli(['audit', '--snapshot', cleanFile], captureIo(), [command])).toBe(0);
  });

  it('does not count unknowns', async () => {
    const { code, out } = await run(['audit', '--snapshot', unknownFile, '--format', 'json', '--fail-on', 'info']);
    expect(code).toBe(0);
    expect(JSON.parse(out).findings[0].status).toBe('unknown');
  });
});

describe('runCli audit: a rule that fails as a whole', () => {
  it('is reported on stderr and in the JSON as incomplete, and exits 3 (its findings are missing, not passing)', async () => {
    const broken = { ...storageNameRule('test.broken-rule', 'high'), subjects: () => { throw new Error('injected bug'); } };
    const commands = [createAuditCommand({ sources: [snapshotInventorySource], registry: [...testRules, broken], now: () => new Date('2026-11-24T10:00:00.000Z') })];
    const io = captureIo();
    const code = await runCli(['audit', '--snapshot', cleanFile, '--format', 'json'], io, commands);
    expect(code).toBe(3);
    expect(io.err()).toMatch(/rule test\.broken-rule failed and judged nothing \(injected bug\)/);
    const document = JSON.parse(io.out()) as { incomplete?: boolean; gaps?: { scope: string; reason: string }[] };
    expect(document.incomplete).toBe(true);
    expect(document.gaps).toEqual([{ scope: 'rule:test.broken-rule', reason: expect.stringContaining('injected bug') }]);
  });
});

describe('runCli audit: bad usage and unreadable input exit 2 with one line', () => {
  it.each([
    [['audit'], 'name the inventory'],
    [['audit', '--snapshot', 'x.json', '--format', 'xml'], "unknown --format 'xml'"],
    [['audit', '--snapshot', 'x.json', '--fail-on', 'critical'], "unknown --fail-on 'critical'"],
    [['audit', '--snapshot', 'x.json', '--rules', 'test.medium-rule,nsg.nope'], 'unknown rule ID: nsg.nope'],
    [['audit', '--snapshot', 'x.json', '--rules', ','], '--rules needs at least one rule ID'],
    [['audit', '--snapshot', 'x.json', '--bogus'], "unknown option '--bogus'"],
    [['audit', '--snapshot'], "'--snapshot <value>' argument missing"],
    [['audit', 'extra', '--snapshot', 'x.json'], "unexpected argument 'extra'"],
  ])('%j', async (argv, fragment) => {
    const { code, err, out } = await run(argv);
    expect(code).toBe(2);
    expect(out).toBe('');
    expectOneLine(err, fragment);
  });

  it('names a missing snapshot file', async () => {
    const path = join(dir, 'absent.json');
    const { code, err } = await run(['audit', '--snapshot', path]);
    expect(code).toBe(2);
    expectOneLine(err, path, 'file not found');
  });

  it('names invalid JSON with line and column', async () => {
    const path = join(dir, 'broken.json');
    await writeFile(path, '[\n  {"id": "a"},\n  {"id": }\n]');
    const { code, err } = await run(['audit', '--snapshot', path]);
    expect(code).toBe(2);
    expectOneLine(err, path, 'invalid JSON at line 3, column 10');
  });

  it('names a snapshot of the wrong shape', async () => {
    const path = join(dir, 'shape.json');
    await writeFile(path, '{"value": []}');
    const { code, err } = await run(['audit', '--snapshot', path]);
    expect(code).toBe(2);
    expectOneLine(err, path, "expected an object with 'resources'");
  });

  it('names an --output file that cannot be written', async () => {
    const { code, err } = await run(['audit', '--snapshot', cleanFile, '--output', join(dir, 'no-such-dir', 'report.json')]);
    expect(code).toBe(2);
    expectOneLine(err, 'cannot write', 'no-such-dir');
  });
});

describe('runCli audit: output', () => {
  it('--format json prints only the contract document', async () => {
    const { out } = await run(['audit', '--snapshot', openFile, '--format', 'json']);
    const document = JSON.parse(out);
    expect(document.generatedAt).toBe('2026-11-24T10:00:00.000Z');
    expect(document.summary).toMatchObject({ resources: 2, evaluations: 4, pass: 2, fail: 2, unknown: 0, notApplicable: 0 });
    expect(document.findings.map((finding: { ruleId: string }) => finding.ruleId).sort()).toEqual(['test.info-rule', 'test.medium-rule']);
  });

  it('--rules runs only the named rules', async () => {
    const document = JSON.parse((await run(['audit', '--snapshot', openFile, '--format', 'json', '--rules', 'test.medium-rule'])).out);
    expect(document.summary.evaluations).toBe(2);
    expect(document.findings.map((finding: { ruleId: string }) => finding.ruleId)).toEqual(['test.medium-rule']);
  });

  it('--output writes the file and nothing to stdout', async () => {
    const path = join(dir, 'report.csv');
    const { code, out } = await run(['audit', '--snapshot', openFile, '--format', 'csv', '--output', path]);
    expect(code).toBe(1);
    expect(out).toBe('');
    const csv = await readFile(path, 'utf8');
    expect(csv.split('\r\n')[0]).toBe('ruleId,resourceId,status,severity,title,message,workspaceIds,evidence');
    expect(csv.split('\r\n').filter((line) => line !== '')).toHaveLength(3);
  });

  it('--format sarif names the snapshot as the artifact, relative to the working directory', async () => {
    const { out } = await run(['audit', '--snapshot', openFile, '--format', 'sarif'], { cwd: dir });
    const log = JSON.parse(out);
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('open.json');
  });

  it('puts skipped-row warnings on stderr, keeping stdout a clean document', async () => {
    const { out, err } = await run(['audit', '--snapshot', junkFile, '--format', 'json']);
    expect(JSON.parse(out).warnings).toHaveLength(1);
    expectOneLine(err, 'warning', 'skipped 2 of 3 rows', junkFile);
  });

  it('defaults to the table, coloured only on a terminal without NO_COLOR', async () => {
    const plain = await run(['audit', '--snapshot', openFile]);
    expect(plain.out).toContain('Summary: 2 resources');
    expect(plain.out).not.toContain('\u001b[');
    expect((await run(['audit', '--snapshot', openFile], { stdoutIsTTY: true })).out).toContain('\u001b[');
    expect((await run(['audit', '--snapshot', openFile], { stdoutIsTTY: true, env: { NO_COLOR: '1' } })).out).not.toContain('\u001b[');
  });

  it('shows progress on stderr only for a large snapshot and only when stderr is a terminal', async () => {
    const large = join(dir, 'large.json');
    const padding = 'x'.repeat(1000);
    const rows = Array.from({ length: Math.ceil(LARGE_SNAPSHOT_BYTES / 1100) }, (_, index) => ({ ...storageRow(`store${index}`), tags: { padding } }));
    await writeFile(large, JSON.stringify(rows));
    expect((await run(['audit', '--snapshot', large, '--format', 'json'], { stderrIsTTY: true })).err).toContain('reading');
    expect((await run(['audit', '--snapshot', large, '--format', 'json'], { stderrIsTTY: false })).err).toBe('');
    expect((await run(['audit', '--snapshot', cleanFile], { stderrIsTTY: true })).err).toBe('');
  });
});

describe('the snapshot source', () => {
  it('leaves large rows in the file for a command that judges once, and reads them whole for one that builds estates again (remediate)', async () => {
    const path = join(dir, 'generated.json');
    await writeGeneratedSnapshot(path, { resources: 1500, seed: 11 });
    const once = await snapshotInventorySource.load({ snapshot: path }, auditContext(captureIo(), { judgesOnce: true }));
    const again = await snapshotInventorySource.load({ snapshot: path }, auditContext(captureIo(), { judgesOnce: false }));
    expect(once.inventory.resources.filter(isReadBack).length).toBeGreaterThan(20);
    expect(again.inventory.resources.filter(isReadBack)).toEqual([]);
    expect(JSON.stringify(again.inventory.resources)).toBe(JSON.stringify(once.inventory.resources));
  });
});

describe('reading progress', () => {
  it('reports a large file in tenths, each once, and not the end (indexing follows)', () => {
    const lines: string[] = [];
    const onProgress = readingProgress('big.json', (line) => lines.push(line));
    const total = 2 * 2 ** 30;
    for (const share of [0.05, 0.15, 0.16, 0.35, 0.99, 1]) onProgress(Math.round(total * share), total);
    expect(lines).toEqual(['reading big.json: 10 % (307 MB of 2.0 GB)', 'reading big.json: 30 % (717 MB of 2.0 GB)', 'reading big.json: 90 % (2.0 GB of 2.0 GB)']);
  });

  it('says nothing of a file read in a moment', () => {
    const lines: string[] = [];
    const onProgress = readingProgress('small.json', (line) => lines.push(line));
    const total = PROGRESS_IN_TENTHS_FROM_BYTES - 1;
    for (const share of [0.2, 0.5, 1]) onProgress(Math.round(total * share), total);
    expect(lines).toEqual([]);
  });
});

describe('memory advice for a snapshot near the heap limit', () => {
  it('says nothing while the file is well within the limit', () => {
    expect(memoryAdvice(100 * 2 ** 20, 4 * 2 ** 30)).toBeUndefined();
    expect(memoryAdvice(2.9 * 2 ** 30, 8 * 2 ** 30)).toBeUndefined();
  });

  it('names the sizes and the setting to raise, with twice the file in whole gigabytes', () => {
    const advice = memoryAdvice(3.2 * 2 ** 30, 4 * 2 ** 30) ?? '';
    expect(advice).toContain('3.2 GB');
    expect(advice).toContain('4.0 GB');
    expect(advice).toContain('NODE_OPTIONS=--max-old-space-size=7168');
  });

  it('is written once before the audit, on any stderr, and the audit still runs', async () => {
    const io = captureIo({ stderrIsTTY: false });
    const commands = [createAuditCommand({ sources: [snapshotInventorySource], registry: testRules, heapLimitBytes: 100 })];
    const code = await runCli(['audit', '--snapshot', openFile, '--format', 'json'], io, commands);
    expect(code).toBe(1);
    expect(io.err().trimEnd().split('\n')).toEqual([expect.stringMatching(/^aml-vnet-audit: warning: .*open\.json: the audit needs about as much memory as the file's size .*NODE_OPTIONS=--max-old-space-size=1024/)]);
    expect(JSON.parse(io.out()).findings.length).toBeGreaterThan(0);
  });
});

describe('runCli rules', () => {
  it('lists the rules as a table and as JSON', async () => {
    const table = await run(['rules']);
    expect(table.code).toBe(0);
    expect(table.out).toContain('test.medium-rule');
    const json = JSON.parse((await run(['rules', '--format', 'json'])).out);
    expect(json[0]).toMatchObject({ id: 'test.medium-rule', severity: 'medium', enabledByDefault: true });
  });

  it('lists the real registry with the default command table', async () => {
    const io = captureIo();
    expect(await runCli(['rules', '--format', 'json'], io)).toBe(0);
    const listed = JSON.parse(io.out()) as Array<{ id: string; severity: string; title: string }>;
    expect(listed.map((rule) => rule.id)).toEqual(allRules.map((rule) => rule.meta.id));
    for (const rule of listed) expect(rule.id).toMatch(/^[a-z]+\.[a-z0-9-]+$/);
  });
});

describe('runCli with the real registry on the sample estate', () => {
  it('audits samples/sample-estate.json into a contract document', async () => {
    const io = captureIo();
    const code = await runCli(['audit', '--snapshot', SAMPLE, '--format', 'json'], io);
    expect([0, 1]).toContain(code);
    const document = JSON.parse(io.out());
    expect(document.summary.resources).toBeGreaterThan(50);
    for (const finding of document.findings) {
      expect(Object.keys(finding)).toEqual(['ruleId', 'resourceId', 'status', 'severity', 'title', 'message', 'evidence', 'workspaceIds']);
      expect(['fail', 'unknown']).toContain(finding.status);
    }
    expect(code).toBe(document.findings.some((finding: { status: string; severity: string }) => finding.status === 'fail' && finding.severity !== 'info') ? 1 : 0);
  });
});

describe('audit --profile', () => {
  const SUPERSEDED = new Set(['acr.private-link-shared-resource', 'acr.workspace-edition', 'aks.private-cluster', 'compute.vnet-location', 'firewall.aml-hosts']);

  it('current leaves out the superseded rules and says so in JSON and SARIF; documented is the default and the contract document as before', async () => {
    const documentedIo = captureIo();
    await runCli(['audit', '--snapshot', SAMPLE, '--format', 'json'], documentedIo);
    const documented = JSON.parse(documentedIo.out());
    expect(documented.profile).toBeUndefined();
    expect(documented.findings.some((finding: { ruleId: string }) => SUPERSEDED.has(finding.ruleId))).toBe(true);

    const currentIo = captureIo();
    await runCli(['audit', '--snapshot', SAMPLE, '--format', 'json', '--profile', 'current'], currentIo);
    const current = JSON.parse(currentIo.out());
    expect(current.profile).toBe('current');
    expect(current.findings.filter((finding: { ruleId: string }) => SUPERSEDED.has(finding.ruleId))).toEqual([]);
    // Every other finding is the same, and the rules of today's guidance add theirs.
    const others = documented.findings.filter((finding: { ruleId: string }) => !SUPERSEDED.has(finding.ruleId));
    const todays = new Set(allRules.filter((rule) => rule.meta.source.document === 'current').map((rule) => rule.meta.id));
    expect(current.findings.filter((finding: { ruleId: string }) => !todays.has(finding.ruleId))).toEqual(others);
    expect(current.findings.filter((finding: { ruleId: string }) => finding.ruleId === 'compute.no-public-ip-egress').map((finding: { resourceId: string }) => finding.resourceId.split('/').pop())).toEqual(['westus2-cluster']);
    expect(current.findings.filter((finding: { ruleId: string; status: string }) => todays.has(finding.ruleId) && finding.status === 'fail').length).toBe(14);

    const sarifIo = captureIo();
    await runCli(['audit', '--snapshot', SAMPLE, '--format', 'sarif', '--profile', 'CURRENT'], sarifIo);
    const run = JSON.parse(sarifIo.out()).runs[0];
    expect(run.properties.profile).toBe('current');
    expect(run.properties.rules).not.toContain('aks.private-cluster');
    const descriptor = run.tool.driver.rules.find((rule: { id: string }) => rule.id === 'aks.private-cluster');
    if (descriptor !== undefined) expect(descriptor.properties.guidance).toBe('superseded');
  });

  it('an unknown profile is a usage error naming the choices', async () => {
    const io = captureIo();
    expect(await runCli(['audit', '--snapshot', SAMPLE, '--profile', 'latest'], io)).toBe(2);
    expect(io.err()).toContain("unknown --profile 'latest' (choose documented or current)");
    expect(io.out()).toBe('');
  });
});
