/**
 * The acceptance test: the live audit of the server's estate gives exactly the findings
 * of the same estate loaded as a snapshot, both the snapshot the `snapshot` command writes and
 * the server's own rows written as a snapshot file by hand.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Evaluation } from '../../src/core/types';
import { auditEstate } from '../../src/engine/audit';
import { buildEstate } from '../../src/estate';
import { loadSnapshotFile, parseSnapshot } from '../../src/inventory/snapshot';
import type { Inventory } from '../../src/inventory/types';
import { clearServiceTagCache, readLiveInventory } from '../../src/live';
import { runSnapshotCommand } from '../../src/cli/live-commands';
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

function findingsOf(inventory: Inventory): unknown[] {
  const { findings } = auditEstate(buildEstate(inventory));
  return comparable(findings);
}

/** Every verdict, pass included: equal estates give equal evaluations, not only equal findings. */
function evaluationsOf(inventory: Inventory): unknown[] {
  return comparable(auditEstate(buildEstate(inventory)).evaluations);
}

/** What the rules can see of the estate, independent of which rules exist today. */
function estateShapeOf(inventory: Inventory): unknown {
  const estate = buildEstate(inventory);
  const ids = (views: readonly { id: string }[]): string[] => views.map((view) => view.id.toLowerCase()).sort();
  return {
    resources: estate.resourceCount,
    workspaces: ids(estate.workspaces),
    computes: ids(estate.computes),
    subnets: ids(estate.subnets),
    storage: ids(estate.storageAccounts),
    aks: ids(estate.aksClusters),
    roleAssignments: estate.aksClusters.flatMap((cluster) => cluster.identityPrincipalIds.flatMap((principal) => ids(estate.roleAssignmentsOf(principal)))),
    computeSubnets: estate.workspaces.flatMap((workspace) => estate.computeSubnetsOf(workspace.id).map((use) => `${use.compute.id} ${use.subnetId} ${use.role}`.toLowerCase())).sort(),
    serviceTags: estate.serviceTags !== undefined,
  };
}

function comparable(findings: readonly Evaluation[]): unknown[] {
  return findings
    .map((finding) => ({
      ruleId: finding.ruleId,
      resourceId: finding.resourceId,
      status: finding.status,
      severity: finding.severity,
      message: finding.message,
      evidence: finding.evidence,
      workspaceIds: [...finding.workspaceIds].sort(),
    }))
    .sort((a, b) => `${a.ruleId} ${a.resourceId}`.localeCompare(`${b.ruleId} ${b.resourceId}`));
}

describe.each([
  { name: 'computes in the graph, pages of 5', graphIndexesComputes: true, pageSize: 5 },
  { name: 'computes from ARM, pages of 1000', graphIndexesComputes: false, pageSize: 1000 },
])('live audit = snapshot audit ($name)', ({ graphIndexesComputes, pageSize }) => {
  it('gives exactly the same findings', async () => {
    const rows = buildTestEstate(4);
    server = await startArmServer({ rows, serviceTags: SERVICE_TAGS, graphIndexesComputes, pageSize: 7 });
    const credential = new RecordingCredential();
    const { retry } = recordedRetry();
    const common = { credential, armEndpoint: server.endpoint, tlsOptions: server.tlsOptions, retry };

    const live = await readLiveInventory({ subscriptionIds: [SUB_A, SUB_B, SUB_C], pageSize, ...common });
    expect(live.gaps).toEqual([]);

    const dir = mkdtempSync(join(tmpdir(), 'live-equivalence-'));
    const file = join(dir, 'snapshot.json');
    const stderr: string[] = [];
    const code = await runSnapshotCommand(['--subscription', `${SUB_A},${SUB_B}`, '--subscription', SUB_C, '--output', file, '--arm-endpoint', server.endpoint], { stderr: { write: (text: string) => stderr.push(text) }, isTTY: false, env: {} }, { credential, tlsOptions: server.tlsOptions, retry });
    expect(code).toBe(0);
    const captured = await loadSnapshotFile(file);

    // A hand-made export holds what the live read takes from each table, subscriptions (resourcecontainers) included.
    const subscriptions = [SUB_A, SUB_B, SUB_C].map((id) => ({ id: `/subscriptions/${id}`, subscriptionId: id, name: id, type: 'microsoft.resources/subscriptions', properties: { state: 'Enabled', managementGroupAncestorsChain: [] } }));
    const handWritten = parseSnapshot(JSON.stringify({ capturedAt: '2026-11-24T00:00:00Z', resources: [...rows, ...subscriptions], serviceTags: SERVICE_TAGS }), 'estate.json');

    const liveFindings = findingsOf(live);
    expect(liveFindings.length).toBeGreaterThan(0);
    expect(findingsOf(captured)).toEqual(liveFindings);
    expect(findingsOf(handWritten)).toEqual(liveFindings);
    expect(evaluationsOf(captured)).toEqual(evaluationsOf(live));
    expect(evaluationsOf(handWritten)).toEqual(evaluationsOf(live));
    const shape = estateShapeOf(live);
    expect(shape).toMatchObject({ roleAssignments: expect.arrayContaining([expect.stringContaining('ra-gamma')]) });
    expect((shape as { computes: string[] }).computes).toHaveLength(rows.filter((row) => row.type === 'microsoft.machinelearningservices/workspaces/computes').length);
    expect(estateShapeOf(captured)).toEqual(shape);
    expect(estateShapeOf(handWritten)).toEqual(shape);
    expect(JSON.parse(readFileSync(file, 'utf8')).incomplete).toBe(false);
  });
});
