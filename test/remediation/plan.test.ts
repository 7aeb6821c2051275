import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { idKey } from '../../src/core/ids';
import { auditEstate } from '../../src/engine/audit';
import { buildEstate } from '../../src/estate';
import { parseSnapshot } from '../../src/inventory/snapshot';
import type { Inventory, ResourceRow } from '../../src/inventory/types';
import type { Plan } from '../../src/remediation';
import { applyToRows, AUTO_REMEDIABLE, OPT_OUT_TAG, planners, planRemediations, sameState } from '../../src/remediation';
import { containerGroup, containerRegistry, keyVault, nsgId, routeTable, routeTableId, storageAccount, workspace } from '../support/arm';
import { compliantRows, ids, serviceTags, withRow } from '../support/scenario';
import { outboundWithout, restrictedTrainingRules, scenarioVnet, trainingNsg } from '../support/nsg-fixtures';
import type { NsgRuleSpec } from '../support/arm';

const SAMPLE = parseSnapshot(readFileSync(join(__dirname, '..', '..', 'samples', 'sample-estate.json'), 'utf8'), 'sample-estate.json');

/** The rules whose findings may get automatic plans (docs/remediation.md): one list, in src/remediation. */
const AUTO_RULES = AUTO_REMEDIABLE;

function inventoryOf(resources: readonly ResourceRow[]): Inventory {
  return { resources, serviceTags, warnings: [], gaps: [] };
}

function verdicts(inventory: Inventory): Map<string, string> {
  const result = auditEstate(buildEstate(inventory));
  return new Map(result.evaluations.map((evaluation) => [`${evaluation.ruleId}|${idKey(evaluation.resourceId)}`, evaluation.status]));
}

/** Applies every auto plan in order to the rows; answers the verdicts before and after. */
function applyAll(inventory: Inventory, plans: readonly Plan[]): { before: Map<string, string>; after: Map<string, string> } {
  let rows = inventory.resources;
  for (const plan of plans.filter((item) => item.mode === 'auto')) rows = applyToRows(rows, plan.operations);
  return { before: verdicts(inventory), after: verdicts({ ...inventory, resources: rows }) };
}

const denyAllInbound: NsgRuleSpec = { name: 'DenyAllInbound', priority: 200, direction: 'Inbound', access: 'Deny', protocol: '*', source: '*', destinationPorts: '*' };

/** A scenario estate where exactly the rule fails, and the fix is in reach of an auto plan. */
function failingScenario(ruleId: string): ResourceRow[] {
  const rows = compliantRows();
  switch (ruleId) {
    case 'storage.trusted-services':
      return withRow(rows, storageAccount({ name: 'stmlws', defaultAction: 'Deny', bypass: 'Logging', subnetIds: [ids.trainingSubnet, ids.aksSubnet] }));
    case 'keyvault.trusted-services':
      return withRow(rows, keyVault({ name: 'kv-ml-ws', defaultAction: 'Deny', bypass: 'None', subnetIds: [ids.trainingSubnet] }));
    case 'storage.compute-subnet-allowed':
      return withRow(rows, storageAccount({ name: 'stmlws', defaultAction: 'Deny', bypass: 'AzureServices', subnetIds: [ids.aksSubnet] }));
    case 'keyvault.compute-subnet-allowed':
      return withRow(rows, keyVault({ name: 'kv-ml-ws', defaultAction: 'Deny', bypass: 'AzureServices', subnetIds: [] }));
    case 'acr.compute-subnet-allowed':
      return withRow(rows, containerRegistry({ name: 'acrmlws', sku: 'Premium', defaultAction: 'Deny', subnetIds: [ids.aksSubnet] }));
    case 'nsg.batch-inbound':
      return withRow(rows, trainingNsg([{ name: 'AllowAzureMachineLearning', priority: 110, direction: 'Inbound', access: 'Allow', source: 'AzureMachineLearning', destinationPorts: '44224' }, denyAllInbound]));
    case 'nsg.instance-inbound':
      return withRow(rows, trainingNsg([{ name: 'AllowBatchNodeManagement', priority: 100, direction: 'Inbound', access: 'Allow', source: 'BatchNodeManagement', destinationPorts: '29876-29877' }, denyAllInbound]));
    case 'nsg.outbound-service-tags':
      return withRow(rows, trainingNsg(restrictedTrainingRules(outboundWithout('AllowStorage'))));
    case 'nsg.mcr-outbound':
      return withRow(rows, trainingNsg(restrictedTrainingRules(outboundWithout('AllowMcr'))));
    case 'nsg.studio-frontdoor-outbound':
      return withRow(rows, trainingNsg(restrictedTrainingRules(outboundWithout('AllowFrontDoor'))));
    case 'route.forced-tunnel-batch':
      return withRow(
        withRow(rows, scenarioVnet({ nsgId: ids.trainingNsg, routeTableId: routeTableId('rt-forced') })),
        routeTable({ name: 'rt-forced', routes: [{ name: 'default-to-firewall', addressPrefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIpAddress: '10.0.255.4' }] }),
      );
    case 'acr.image-build-compute':
      return withRow(rows, workspace({ name: 'ws-ml', storageAccountId: ids.storage, keyVaultId: ids.keyVault, containerRegistryId: ids.registry }));
    case 'aci.subnet-delegation':
      // An empty subnet (nothing allocated in it) meant for container instances, not delegated yet.
      return [...compliantRows({ extraSubnets: [{ name: 'aci', addressPrefix: '10.0.20.0/24' }] }), containerGroup({ name: 'aci-scoring', subnetIds: [`${ids.vnet}/subnets/aci`] })];
    default:
      throw new Error(`no failing scenario for ${ruleId}: add one`);
  }
}

describe('planning on the sample estate', () => {
  const result = planRemediations(SAMPLE, { now: new Date('2026-12-01T00:00:00Z') });

  it('gives every failing finding one plan, automatic ones verified', () => {
    const failing = auditEstate(buildEstate(SAMPLE)).findings.filter((finding) => finding.status === 'fail');
    expect(result.plans).toHaveLength(failing.length);
    const auto = result.plans.filter((plan) => plan.mode === 'auto');
    expect(auto.length).toBeGreaterThanOrEqual(8);
    expect(auto.every((plan) => plan.verified)).toBe(true);
    expect(result.generatedAt).toBe('2026-12-01T00:00:00.000Z');
  });

  it('applied in order to the snapshot, the auto plans resolve their findings and open no other', () => {
    const { before, after } = applyAll(SAMPLE, result.plans);
    for (const plan of result.plans.filter((item) => item.mode === 'auto')) {
      expect(['pass', 'not-applicable'], `${plan.ruleId} on ${plan.resourceId}`).toContain(after.get(`${plan.ruleId}|${idKey(plan.resourceId)}`));
    }
    const rank = (status: string | undefined): number => (status === 'fail' ? 2 : status === 'unknown' ? 1 : 0);
    const worse = [...after].filter(([key, status]) => rank(status) > rank(before.get(key)));
    expect(worse).toEqual([]);
  });

  it('says of each plan what was proven, never its reason for being manual again', () => {
    const manual = result.plans.filter((plan) => plan.manualReason !== undefined);
    expect(manual.length).toBeGreaterThan(0);
    for (const plan of manual) expect(plan.verification, `${plan.ruleId} on ${plan.resourceId}`).not.toBe(plan.manualReason);
    const noPlanner = result.plans.find((plan) => plan.ruleId === 'acr.premium-sku');
    expect(noPlanner).toMatchObject({ mode: 'manual', verified: false, verification: 'not simulated: no change is written for it' });
  });

  it('never plans a lock-out automatically: default deny stays manual, and says what it would break', () => {
    const deny = result.plans.find((plan) => plan.ruleId === 'storage.default-deny');
    expect(deny).toMatchObject({ mode: 'manual', verified: false });
    expect(deny?.verification).toMatch(/other check\(s\) get worse/);
    expect(deny?.operations.length).toBeGreaterThan(0);
  });

  it('keeps existing NSG rules: with no free priority ahead of the blocking rule, the plan is manual', () => {
    const batch = result.plans.find((plan) => plan.ruleId === 'nsg.batch-inbound');
    expect(batch).toMatchObject({ mode: 'manual', operations: [] });
    expect(batch?.manualReason).toMatch(/no priority is free ahead of rule 'deny-all-in' \(priority 100\)/);
    expect(batch?.az[0]).toMatch(/^az network nsg rule update --resource-group rg-ml-research --nsg-name nsg-ml-research/);
  });

  it('gives the plans it never applies concrete commands: AKS replacements with free ranges, firewall rules with the hosts and sources, role grants', () => {
    const byRule = (ruleId: string): Plan | undefined => result.plans.find((plan) => plan.ruleId === ruleId);
    for (const ruleId of ['aks.service-cidr-overlap', 'aks.dns-ip-in-service-cidr', 'aks.docker-bridge-overlap', 'aks.private-cluster', 'aks.vnet-region', 'firewall.aml-hosts', 'nsg.ssh-exposed', 'aks.internal-lb-network-contributor', 'storage.default-deny', 'keyvault.default-deny']) {
      const plan = byRule(ruleId);
      expect(plan, ruleId).toMatchObject({ mode: 'manual' });
      expect(plan?.az.length, ruleId).toBeGreaterThan(0);
      expect(plan?.manualReason, ruleId).toBeTruthy();
    }
    const aks = byRule('aks.service-cidr-overlap');
    expect(aks?.az[0]).toMatch(/^az aks create --resource-group rg-ml-inference --name aks-ml-public-2 .*--service-cidr 10\.2\.0\.0\/16 --dns-service-ip 10\.2\.0\.10/);
    expect(byRule('firewall.aml-hosts')?.az[0]).toMatch(/az network firewall application-rule create --resource-group rg-network-hub --firewall-name afw-hub .*--source-addresses 10\.30\.1\.0\/28 --target-fqdns '\*\.batchai\.core\.windows\.net'/);
    expect(byRule('aks.internal-lb-network-contributor')?.operations[0]?.id).toMatch(/\/providers\/Microsoft\.Authorization\/roleAssignments\/[0-9a-f-]{36}$/);
  });

  it('writes az commands that are safe to paste: hostile names quoted, values to choose as shell variables', () => {
    /** What bash would act on: the command without its quoted words and "$VARIABLE" references. */
    const unquoted = (line: string): string => line.replace(/'(?:[^']|'\\'')*'/g, '').replace(/"\$[A-Z_]+"/g, '');
    const lines = result.plans.flatMap((plan) => plan.az);
    expect(lines.length).toBeGreaterThan(20);
    for (const line of lines) {
      expect(line).toMatch(/^az /);
      expect(unquoted(line), line).not.toMatch(/[<>;|&`\n]|\$\(/);
    }
    // The sample names an NSG rule <img src=x onerror=alert(1)>: it arrives quoted.
    expect(result.plans.find((plan) => plan.ruleId === 'nsg.ssh-exposed')?.az[0]).toContain("--name '<img src=x onerror=alert(1)>'");
  });

  it('fills the az commands with the real names', () => {
    const trusted = result.plans.find((plan) => plan.ruleId === 'storage.trusted-services');
    expect(trusted?.az).toEqual(['az storage account update --resource-group rg-ml-dev --name stmldev01 --bypass Logging Metrics AzureServices']);
    expect(trusted?.operations[0]).toMatchObject({ method: 'PATCH', apiVersion: '2023-05-01', body: { properties: { networkAcls: { bypass: 'Logging, Metrics, AzureServices', defaultAction: 'Deny' } } } });
  });
});

describe('every automatic rule, on a rule-test estate', () => {
  it('has a planner', () => {
    const planned = new Set(planners.flatMap((planner) => planner.ruleIds));
    for (const ruleId of AUTO_RULES) expect(planned.has(ruleId), ruleId).toBe(true);
    const all = planners.flatMap((planner) => planner.ruleIds);
    expect(new Set(all).size).toBe(all.length);
  });

  it.each(AUTO_RULES)('%s: an auto plan, verified; applied, its finding passes and nothing gets worse', (ruleId) => {
    const inventory = inventoryOf(failingScenario(ruleId));
    const result = planRemediations(inventory, { ruleIds: [ruleId] });
    expect(result.plans.length, 'the scenario fails the rule').toBeGreaterThan(0);
    for (const plan of result.plans) {
      expect(plan, plan.verification).toMatchObject({ ruleId, mode: 'auto', verified: true });
      expect(plan.operations.length).toBeGreaterThan(0);
      expect(plan.rollback.length).toBeGreaterThan(0);
      expect(plan.az.length).toBeGreaterThan(0);
      for (const operation of plan.operations) {
        expect(operation.id).toMatch(/^\/subscriptions\//);
        expect(operation.apiVersion).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      }
    }
    const { before, after } = applyAll(inventory, result.plans);
    for (const plan of result.plans) expect(['pass', 'not-applicable']).toContain(after.get(`${plan.ruleId}|${idKey(plan.resourceId)}`));
    const rank = (status: string | undefined): number => (status === 'fail' ? 2 : status === 'unknown' ? 1 : 0);
    expect([...after].filter(([key, status]) => rank(status) > rank(before.get(key)))).toEqual([]);
  });

  it('applying the rollback after the plan restores the rows the plan touched', () => {
    const inventory = inventoryOf(failingScenario('nsg.mcr-outbound'));
    const [plan] = planRemediations(inventory, { ruleIds: ['nsg.mcr-outbound'] }).plans;
    const applied = applyToRows(inventory.resources, plan?.operations ?? []);
    const restored = applyToRows(applied, plan?.rollback ?? []);
    const nsg = (rows: readonly ResourceRow[]): unknown => (rows.find((row) => idKey(row.id) === idKey(ids.trainingNsg))?.properties as { securityRules: unknown }).securityRules;
    expect(nsg(applied)).not.toEqual(nsg(inventory.resources));
    // ARM's computed fields (type, etag, provisioningState) are never written back; everything else is as it was.
    expect(sameState(nsg(restored), nsg(inventory.resources))).toBe(true);
    expect(sameState(nsg(applied), nsg(inventory.resources))).toBe(false);
  });

  it('inserts the allow rule just ahead of the blocking rule, never over an existing priority', () => {
    const inventory = inventoryOf(failingScenario('nsg.batch-inbound'));
    const [plan] = planRemediations(inventory, { ruleIds: ['nsg.batch-inbound'] }).plans;
    expect(plan?.operations[0]).toMatchObject({
      method: 'PUT',
      id: `${nsgId('nsg-training')}/securityRules/aml-auditor-allow-in-BatchNodeManagement-29876-29877`,
      body: { properties: { access: 'Allow', direction: 'Inbound', priority: 199, sourceAddressPrefix: 'BatchNodeManagement', destinationAddressPrefix: '10.0.1.0/24', destinationPortRange: '29876-29877', protocol: 'Tcp' } },
      precondition: { readId: nsgId('nsg-training') },
    });
  });

  it('two plans on one NSG take different priorities (each sees the one before)', () => {
    const rows = withRow(compliantRows(), trainingNsg([denyAllInbound]));
    const result = planRemediations(inventoryOf(rows), { ruleIds: ['nsg.batch-inbound', 'nsg.instance-inbound'] });
    const priorities = result.plans.map((plan) => (plan.operations[0]?.body.properties as { priority: number }).priority);
    expect(result.plans.map((plan) => plan.mode)).toEqual(['auto', 'auto']);
    expect(new Set(priorities).size).toBe(2);
  });

  it('a resource tagged to opt out gets a manual plan that says so', () => {
    const rows = failingScenario('storage.trusted-services').map((row) => (idKey(row.id) === idKey(ids.storage) ? { ...row, tags: { [OPT_OUT_TAG]: 'Off' } } : row));
    const [plan] = planRemediations(inventoryOf(rows), { ruleIds: ['storage.trusted-services'] }).plans;
    expect(plan).toMatchObject({ mode: 'manual', verified: true });
    expect(plan?.manualReason).toMatch(/opts out of automatic remediation/);
  });

  it('an unknown finding gets no plan, and is counted', () => {
    const rows = failingScenario('storage.trusted-services').filter((row) => idKey(row.id) !== idKey(ids.storage));
    const result = planRemediations(inventoryOf(rows), { ruleIds: ['storage.trusted-services'] });
    expect(result.plans).toEqual([]);
    expect(result.unjudged).toBe(1);
  });
});
