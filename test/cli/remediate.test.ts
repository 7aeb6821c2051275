import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { snapshotInventorySource } from '../../src/cli/audit-command';
import { createLiveInventorySource } from '../../src/cli/live-commands';
import { createRemediateCommand } from '../../src/cli/remediate-command';
import { runCli } from '../../src/cli/run';
import { staticTokenCredential } from '../../src/live';
import type { ArmServer } from '../support/arm-server';
import { startArmServer } from '../support/arm-server';
import { captureIo } from './support';

const SAMPLE_PATH = join(__dirname, '..', '..', 'samples', 'sample-estate.json');
const SAMPLE = JSON.parse(readFileSync(SAMPLE_PATH, 'utf8')) as { resources: Record<string, unknown>[]; serviceTags: unknown[] };

let server: ArmServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

function commandFor(arm?: ArmServer) {
  return createRemediateCommand([snapshotInventorySource], {
    ...(arm ? { credential: staticTokenCredential('test-token'), tlsOptions: arm.tlsOptions, retry: { retryDelayMs: 1, sleep: async () => undefined } } : {}),
    pollIntervalMs: 1,
    now: () => new Date('2026-12-01T00:00:00Z'),
  });
}

describe('aml-vnet-audit remediate', () => {
  it('prints the plan document of docs/interfaces.md, and exits 1 when there are plans', async () => {
    const io = captureIo();
    const code = await runCli(['remediate', '--snapshot', SAMPLE_PATH, '--rules', 'storage.trusted-services,nsg.ssh-exposed', '--format', 'json'], io, [commandFor()]);
    expect(code).toBe(1);
    const document = JSON.parse(io.out()) as { generatedAt: string; plans: Record<string, unknown>[] };
    expect(document.generatedAt).toBe('2026-12-01T00:00:00.000Z');
    expect(document.plans.map((plan) => [plan.ruleId, plan.mode, plan.verified])).toEqual([
      ['storage.trusted-services', 'auto', true],
      ['nsg.ssh-exposed', 'manual', false],
    ]);
    for (const plan of document.plans) {
      expect(Object.keys(plan)).toEqual(expect.arrayContaining(['ruleId', 'resourceId', 'mode', 'verified', 'summary', 'risk', 'operations', 'az', 'rollback']));
    }
  });

  it("plans the findings of the profile's rules: current drops the superseded ones and adds today's", async () => {
    const rulesOf = async (argv: string[]): Promise<string[]> => {
      const io = captureIo();
      await runCli(['remediate', '--snapshot', SAMPLE_PATH, '--format', 'json', ...argv], io, [commandFor()]);
      return (JSON.parse(io.out()) as { plans: { ruleId: string }[] }).plans.map((plan) => plan.ruleId);
    };
    const documented = await rulesOf([]);
    const current = await rulesOf(['--profile', 'current']);
    expect(documented).toContain('aks.private-cluster');
    expect(documented).not.toContain('compute.no-public-ip-egress');
    expect(current).not.toContain('aks.private-cluster');
    expect(current).toContain('compute.no-public-ip-egress');
    const io = captureIo();
    expect(await runCli(['remediate', '--snapshot', SAMPLE_PATH, '--profile', 'today'], io, [commandFor()])).toBe(2);
    expect(io.err()).toContain("remediate: unknown --profile 'today'");
  });

  it('shows progress on a terminal while planning many findings, and none otherwise', async () => {
    const tty = captureIo({ stderrIsTTY: true });
    await runCli(['remediate', '--snapshot', SAMPLE_PATH], tty, [commandFor()]);
    expect(tty.err()).toMatch(/aml-vnet-audit: planned 0 of \d+ finding\(s\)…/);
    const pipe = captureIo();
    await runCli(['remediate', '--snapshot', SAMPLE_PATH], pipe, [commandFor()]);
    expect(pipe.err()).not.toMatch(/planned/);
  });

  it('--fail-on high exits 0 when only lower-severity findings have plans', async () => {
    const io = captureIo();
    expect(await runCli(['remediate', '--snapshot', SAMPLE_PATH, '--rules', 'nsg.mcr-outbound', '--fail-on', 'high'], io, [commandFor()])).toBe(0);
    expect(io.out()).toMatch(/1 plan\(s\): 1 automatic/);
  });

  it('plan to a file, apply without --yes (nothing written), apply --yes: applied and verified from Azure', async () => {
    const arm = await startArmServer({ rows: structuredClone(SAMPLE.resources), serviceTags: SAMPLE.serviceTags });
    server = arm;
    const dir = mkdtempSync(join(tmpdir(), 'remediate-'));
    const planFile = join(dir, 'plan.json');
    const planIo = captureIo();
    expect(await runCli(['remediate', '--snapshot', SAMPLE_PATH, '--rules', 'storage.trusted-services,nsg.mcr-outbound', '--output', planFile], planIo, [commandFor(arm)])).toBe(1);
    expect(planIo.err()).toMatch(/wrote 2 plan\(s\) to .*plan\.json; review it, then: aml-vnet-audit remediate --apply/);

    const dryIo = captureIo();
    expect(await runCli(['remediate', '--apply', planFile, '--arm-endpoint', arm.endpoint], dryIo, [commandFor(arm)])).toBe(0);
    expect(dryIo.out()).toMatch(/Would apply 2 automatic plan\(s\) \(2 write\(s\)\)[\s\S]*Nothing written: add --yes/);
    expect(arm.requestsOf('write')).toEqual([]);

    const applyIo = captureIo();
    const code = await runCli(['remediate', '--apply', planFile, '--yes', '--arm-endpoint', arm.endpoint, '--format', 'json'], applyIo, [commandFor(arm)]);
    const report = JSON.parse(applyIo.out()) as { results: { ruleId: string; outcome: string; verified: boolean; verification: string }[] };
    expect(report.results.map((result) => [result.ruleId, result.outcome, result.verified])).toEqual([
      ['storage.trusted-services', 'applied', true],
      ['nsg.mcr-outbound', 'applied', true],
    ]);
    expect(code).toBe(0);
    expect(arm.requestsOf('write')).toHaveLength(2);

    // Applied again: nothing left to write, still verified.
    const againIo = captureIo();
    expect(await runCli(['remediate', '--apply', planFile, '--yes', '--arm-endpoint', arm.endpoint], againIo, [commandFor(arm)])).toBe(0);
    expect(againIo.out()).toMatch(/storage\.trusted-services on .*: unchanged, verified/);
    expect(arm.requestsOf('write')).toHaveLength(2);

    // Undone: first shown, then written, last plan first; the estate is as it was.
    const storageId = '/subscriptions/9c4e1a7b-2d3f-4e5a-8b6c-0d1e2f3a4b5c/resourceGroups/rg-ml-dev/providers/Microsoft.Storage/storageAccounts/stmldev01';
    const dryRollback = captureIo();
    expect(await runCli(['remediate', '--rollback', planFile, '--arm-endpoint', arm.endpoint], dryRollback, [commandFor(arm)])).toBe(0);
    expect(dryRollback.out()).toMatch(/Would roll back 2 plan\(s\)[\s\S]*Nothing written/);
    expect(arm.requestsOf('write')).toHaveLength(2);
    const rollbackIo = captureIo();
    expect(await runCli(['remediate', '--rollback', planFile, '--yes', '--arm-endpoint', arm.endpoint], rollbackIo, [commandFor(arm)])).toBe(0);
    expect(rollbackIo.out()).toMatch(/nsg\.mcr-outbound on .*: applied[\s\S]*storage\.trusted-services on .*: applied/);
    expect((arm.store.get(storageId)?.properties as { networkAcls: { bypass: string } }).networkAcls.bypass).toBe('Logging, Metrics');
    const nsgRules = (arm.store.get('/subscriptions/9c4e1a7b-2d3f-4e5a-8b6c-0d1e2f3a4b5c/resourceGroups/rg-ml-dev/providers/Microsoft.Network/networkSecurityGroups/nsg-ml-dev-training')?.properties as { securityRules: { name: string }[] }).securityRules;
    expect(nsgRules.some((rule) => rule.name.startsWith('aml-auditor-'))).toBe(false);

    // The app's records (GET /api/remediations) roll back the same way; here nothing is left to undo, so nothing is written.
    const plans = (JSON.parse(readFileSync(planFile, 'utf8')) as { plans: unknown[] }).plans;
    const answer = join(dir, 'remediations.json');
    writeFileSync(answer, JSON.stringify({ mode: 'apply', remediations: plans.map((plan) => ({ mode: 'apply', outcome: 'applied', plan })).reverse() }));
    const writesBefore = arm.requestsOf('write').length;
    const fromApp = captureIo();
    await runCli(['remediate', '--rollback', answer, '--yes', '--arm-endpoint', arm.endpoint], fromApp, [commandFor(arm)]);
    expect(fromApp.out()).toMatch(/storage\.trusted-services on .*: (unchanged|skipped)/);
    expect(arm.requestsOf('write').length).toBe(writesBefore);
  });

  it('plans from the live estate (--subscription), read through Resource Graph and ARM', async () => {
    const arm = await startArmServer({ rows: structuredClone(SAMPLE.resources), serviceTags: SAMPLE.serviceTags });
    server = arm;
    const deps = { credential: staticTokenCredential('test-token'), tlsOptions: arm.tlsOptions, retry: { retryDelayMs: 1, sleep: async () => undefined } };
    const command = createRemediateCommand([snapshotInventorySource, createLiveInventorySource(deps)], { ...deps, pollIntervalMs: 1 });
    const io = captureIo();
    const code = await runCli(['remediate', '--subscription', '9c4e1a7b-2d3f-4e5a-8b6c-0d1e2f3a4b5c', '--arm-endpoint', arm.endpoint, '--rules', 'storage.trusted-services', '--format', 'json'], io, [command]);
    expect(code).toBe(1);
    const document = JSON.parse(io.out()) as { plans: { ruleId: string; mode: string; verified: boolean }[] };
    expect(document.plans).toEqual([expect.objectContaining({ ruleId: 'storage.trusted-services', mode: 'auto', verified: true })]);
    expect(arm.requestsOf('graph').length).toBeGreaterThan(0);
    expect(arm.requestsOf('write')).toEqual([]);
  });

  it('a plan file that is not what remediate writes is refused before any request (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'remediate-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ plans: [{ ruleId: 'x', resourceId: 'y', mode: 'auto', verified: true, operations: [{ method: 'DELETE', id: '/subscriptions/s/resourceGroups/g', apiVersion: '2024-01-01', body: {} }] }] }));
    const io = captureIo();
    expect(await runCli(['remediate', '--apply', bad, '--yes'], io, [commandFor()])).toBe(2);
    expect(io.err()).toMatch(/plans\[0\]\.operations\[0\]\.method: must be PUT or PATCH/);
    writeFileSync(bad, '{ not json');
    const io2 = captureIo();
    expect(await runCli(['remediate', '--apply', bad], io2, [commandFor()])).toBe(2);
    expect(io2.err()).toMatch(/not JSON/);
  });

  it('asks for one inventory, and refuses --apply with one', async () => {
    const io = captureIo();
    expect(await runCli(['remediate'], io, [commandFor()])).toBe(2);
    expect(io.err()).toMatch(/name one inventory/);
    const io2 = captureIo();
    expect(await runCli(['remediate', '--apply', 'plan.json', '--snapshot', SAMPLE_PATH], io2, [commandFor()])).toBe(2);
    expect(io2.err()).toMatch(/--apply reads the plan file only/);
  });
});
