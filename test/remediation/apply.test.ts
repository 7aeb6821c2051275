import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { idKey } from '../../src/core/ids';
import { auditEstate } from '../../src/engine/audit';
import { buildEstate } from '../../src/estate';
import { parseSnapshot } from '../../src/inventory/snapshot';
import type { ResourceRow } from '../../src/inventory/types';
import { armResourceClient, readLiveInventory, staticTokenCredential } from '../../src/live';
import type { Plan } from '../../src/remediation';
import { applyPlan, planRemediations, rollbackPlan, sameState } from '../../src/remediation';
import type { ArmServer, Fault } from '../support/arm-server';
import { startArmServer } from '../support/arm-server';

/**
 * Applying plans through the real client (src/live/arm-write.ts: core-rest-pipeline, core-lro)
 * against the local ARM server, which answers as ARM does: ETags and 412, long-running writes,
 * 409 AnotherOperationInProgress, 429 with Retry-After.
 */

const SAMPLE_TEXT = readFileSync(join(__dirname, '..', '..', 'samples', 'sample-estate.json'), 'utf8');
const SAMPLE = parseSnapshot(SAMPLE_TEXT, 'sample-estate.json');
const SAMPLE_DOC = JSON.parse(SAMPLE_TEXT) as { resources: ResourceRow[]; serviceTags: unknown[] };
const PLANS = planRemediations(SAMPLE).plans.filter((plan) => plan.mode === 'auto');

let server: ArmServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function start(faults: readonly Fault[] = []): Promise<ArmServer> {
  server = await startArmServer({ rows: structuredClone(SAMPLE_DOC.resources), serviceTags: SAMPLE_DOC.serviceTags, faults });
  return server;
}

function clientOf(arm: ArmServer) {
  const sleeps: number[] = [];
  const client = armResourceClient(
    { credential: staticTokenCredential('test-token'), armEndpoint: arm.endpoint, tlsOptions: arm.tlsOptions, retry: { retryDelayMs: 1, sleep: async (ms) => void sleeps.push(ms) } },
    1,
  );
  return { client, sleeps };
}

/** The rule's plan made on its own (plans of one document build on each other in order). */
function planFor(ruleId: string): Plan {
  const plan = planRemediations(SAMPLE, { ruleIds: [ruleId] }).plans.find((item) => item.mode === 'auto');
  if (!plan) throw new Error(`no auto plan for ${ruleId}`);
  return plan;
}

describe('applying plans to ARM', () => {
  it('plan → apply → read back from Azure: every finding resolved, network writes guarded by If-Match and polled to completion', async () => {
    const arm = await start();
    const { client } = clientOf(arm);
    for (const plan of PLANS) {
      const report = await applyPlan(plan, client);
      expect(report.outcome, `${plan.ruleId}: ${JSON.stringify(report.operations)}`).toBe('applied');
      expect(report.operations.every((operation) => operation.outcome === 'applied')).toBe(true);
    }
    const inventory = await readLiveInventory({ credential: staticTokenCredential('t'), armEndpoint: arm.endpoint, tlsOptions: arm.tlsOptions, subscriptionIds: ['3f2b8c1d-7e4a-4b9c-a1d2-5e6f7a8b9c0d', '9c4e1a7b-2d3f-4e5a-8b6c-0d1e2f3a4b5c'], retry: { retryDelayMs: 1 } });
    const after = auditEstate(buildEstate(inventory));
    for (const plan of PLANS) {
      const evaluation = after.evaluations.find((item) => item.ruleId === plan.ruleId && idKey(item.resourceId) === idKey(plan.resourceId));
      expect(['pass', 'not-applicable'], `${plan.ruleId} on ${plan.resourceId}`).toContain(evaluation?.status);
    }
    const writes = arm.requestsOf('write');
    const subnetWrites = writes.filter((request) => /\/subnets\//i.test(request.path));
    expect(subnetWrites.length).toBeGreaterThan(0);
    // Existing Network resources are written with the ETag just read; new children have none to match.
    expect(subnetWrites.every((request) => request.ifMatch?.startsWith('W/"'))).toBe(true);
    expect(arm.requestsOf('operation').length).toBeGreaterThan(0);
    expect(writes.every((request) => request.status < 300)).toBe(true);
  });

  it('a change between plan and apply: nothing written, and the report says what moved', async () => {
    const arm = await start();
    const plan = planFor('storage.trusted-services');
    arm.store.update(plan.resourceId, (row) => {
      ((row.properties as { networkAcls: { ipRules: unknown[] } }).networkAcls).ipRules = [{ value: '203.0.113.7', action: 'Allow' }];
    });
    const report = await applyPlan(plan, clientOf(arm).client);
    expect(report.outcome).toBe('skipped');
    expect(report.operations[0]?.detail).toMatch(/properties\.networkAcls of .*stmldev01 changed since the plan was made/);
    expect(arm.requestsOf('write')).toEqual([]);
  });

  it('a 404 for an API version the cloud does not serve fails the plan: the resource is not taken as missing, nothing is written', async () => {
    const plan = planFor('storage.trusted-services');
    server = await startArmServer({ rows: structuredClone(SAMPLE_DOC.resources), serviceTags: SAMPLE_DOC.serviceTags, apiVersions: { 'microsoft.storage/storageaccounts': ['2019-06-01'] } });
    const report = await applyPlan(plan, clientOf(server).client);
    expect(report.outcome).toBe('failed');
    expect(report.operations[0]?.detail).toMatch(/reading from Azure Resource Manager failed: .*404: InvalidResourceType/);
    expect(server.requestsOf('write')).toEqual([]);
  });

  it('a change between the check and the write: the stale ETag is refused (412) and nothing is written', async () => {
    let raced = false;
    const plan = planFor('storage.compute-subnet-allowed');
    const subnetId = plan.operations[0]?.id ?? '';
    const arm = await start([
      {
        // Someone writes the VNet the moment our write leaves: the ETag we read is stale on arrival.
        when: (request) => {
          if (request.kind === 'write' && !raced) {
            raced = true;
            server?.store.update(subnetId, () => undefined);
          }
          return false;
        },
        status: 0,
      },
    ]);
    const report = await applyPlan(plan, clientOf(arm).client);
    expect(report.outcome).toBe('skipped');
    expect(report.operations[0]?.detail).toMatch(/412 on If-Match/);
    expect(arm.requestsOf('write').map((request) => request.status)).toEqual([412]);
  });

  it('applying twice changes nothing the second time', async () => {
    const arm = await start();
    const { client } = clientOf(arm);
    const plan = planFor('nsg.mcr-outbound');
    expect((await applyPlan(plan, client)).outcome).toBe('applied');
    const writes = arm.requestsOf('write').length;
    const again = await applyPlan(plan, client);
    expect(again.outcome).toBe('unchanged');
    expect(again.operations.every((operation) => operation.outcome === 'unchanged')).toBe(true);
    expect(arm.requestsOf('write').length).toBe(writes);
  });

  it('rollback restores the state before the plan', async () => {
    const arm = await start();
    const { client } = clientOf(arm);
    const plan = planFor('route.forced-tunnel-batch');
    const tableId = plan.rollback[0]?.id ?? '';
    const before = arm.store.get(tableId)?.properties as { routes: unknown };
    expect((await applyPlan(plan, client)).outcome).toBe('applied');
    expect(sameState((arm.store.get(tableId)?.properties as { routes: unknown }).routes, before.routes)).toBe(false);
    const undone = await rollbackPlan(plan, client);
    expect(undone.outcome).toBe('applied');
    expect(sameState((arm.store.get(tableId)?.properties as { routes: unknown }).routes, before.routes)).toBe(true);
  });

  it('waits out 409 AnotherOperationInProgress and 429 Retry-After, then writes', async () => {
    const arm = await start([
      { when: (request) => request.kind === 'write', status: 409, body: { error: { code: 'AnotherOperationInProgress', message: 'Another operation on this or dependent resource is in progress.' } }, headers: { 'retry-after': '3' }, times: 1 },
      { when: (request) => request.kind === 'write', status: 429, headers: { 'retry-after': '2' }, times: 1 },
    ]);
    const { client, sleeps } = clientOf(arm);
    const report = await applyPlan(planFor('keyvault.trusted-services'), client);
    expect(report.outcome).toBe('applied');
    expect(sleeps).toEqual(expect.arrayContaining([3000, 2000]));
    expect(arm.requestsOf('write').map((request) => request.status)).toEqual([409, 429, 200]);
  });

  it('a refused write fails the plan and stops it there; the report says why', async () => {
    const arm = await start([{ when: (request) => request.kind === 'write', status: 403, body: { error: { code: 'AuthorizationFailed', message: 'The client does not have authorization to perform action Microsoft.Network/virtualNetworks/subnets/write.' } } }]);
    const plan = planFor('storage.compute-subnet-allowed');
    const report = await applyPlan(plan, clientOf(arm).client);
    expect(report.outcome).toBe('failed');
    expect(report.operations).toHaveLength(1);
    expect(report.operations[0]?.detail).toMatch(/AuthorizationFailed/);
  });

  it('never writes a type no automatic plan writes, even from a plan edited to say auto', async () => {
    const arm = await start();
    const grant = planRemediations(SAMPLE).plans.find((plan) => plan.ruleId === 'aks.internal-lb-network-contributor') as Plan;
    const report = await applyPlan({ ...grant, mode: 'auto' }, clientOf(arm).client);
    expect(report.outcome).toBe('failed');
    expect(report.operations[0]?.detail).toMatch(/never writes a microsoft\.authorization\/roleassignments/);
    expect(arm.requests).toEqual([]);
  });

  it('never writes a manual plan', async () => {
    const arm = await start();
    const manual = planRemediations(SAMPLE).plans.find((plan) => plan.mode === 'manual' && plan.operations.length > 0) as Plan;
    const report = await applyPlan(manual, clientOf(arm).client);
    expect(report.outcome).toBe('manual');
    expect(arm.requestsOf('write')).toEqual([]);
  });
});
