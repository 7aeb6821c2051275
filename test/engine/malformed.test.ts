import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECK_FAILED_MESSAGE_ID, NOT_READ_MESSAGE_ID } from '../../src/core/types';
import type { Evaluation } from '../../src/core/types';
import { auditEstate, unjudgedGaps } from '../../src/engine/audit';
import { buildEstate } from '../../src/estate';
import { parseSnapshot } from '../../src/inventory/snapshot';
import type { ResourceRow } from '../../src/inventory/types';
import { storageAccount } from '../support/arm';

const SAMPLE = readFileSync(join(__dirname, '..', '..', 'samples', 'sample-estate.json'), 'utf8');

function sampleRows(): { resources: ResourceRow[] } & Record<string, unknown> {
  return JSON.parse(SAMPLE) as { resources: ResourceRow[] } & Record<string, unknown>;
}

function audit(document: object) {
  return auditEstate(buildEstate(parseSnapshot(JSON.stringify(document), 'sample')));
}

const verdict = (evaluations: readonly Evaluation[], ruleId: string, resourceId: string): Evaluation | undefined =>
  evaluations.find((evaluation) => evaluation.ruleId === ruleId && evaluation.resourceId.toLowerCase() === resourceId.toLowerCase());

/** A failing verdict of the sample for `ruleId`, and the sample with one row's properties replaced. */
function failingThenDamaged(ruleId: string, damagedRow: (failing: Evaluation, rows: readonly ResourceRow[]) => ResourceRow, properties: unknown) {
  const before = audit(sampleRows());
  const failing = before.evaluations.find((evaluation) => evaluation.ruleId === ruleId && evaluation.status === 'fail');
  if (failing === undefined) throw new Error(`the sample has no fail of ${ruleId}`);
  const document = sampleRows();
  const target = damagedRow(failing, document.resources);
  const damaged = document.resources.map((row) => (row.id === target.id ? { ...row, properties } : row));
  return { before, failing, target, after: audit({ ...document, resources: damaged }) };
}

describe('a malformed row', () => {
  it('makes its own verdicts unknown, with the reason, where they read as a pass before', () => {
    // Read as it was, an AKS cluster without properties is "not a private cluster": a pass that would resolve the finding.
    const { failing, target, after } = failingThenDamaged('aks.private-cluster', (evaluation, rows) => rows.find((row) => row.id === evaluation.resourceId) as ResourceRow, undefined);
    expect(after.malformedRows).toEqual([{ resourceId: target.id, reason: 'its properties are missing, not an object' }]);
    const now = verdict(after.evaluations, 'aks.private-cluster', failing.resourceId);
    expect(now).toMatchObject({ status: 'unknown', messageId: CHECK_FAILED_MESSAGE_ID });
    expect(now?.message).toContain('its row is malformed: its properties are missing, not an object');
  });

  it('makes unknown every verdict that may depend on it: an NSG without properties no longer passes the subnets it guards', () => {
    const { failing, target, after } = failingThenDamaged(
      'nsg.ssh-exposed',
      (evaluation, rows) => rows.find((row) => String(row.type).toLowerCase() === 'microsoft.network/networksecuritygroups' && JSON.stringify(evaluation.evidence).includes(String(row.name))) as ResourceRow,
      null,
    );
    const now = verdict(after.evaluations, 'nsg.ssh-exposed', failing.resourceId);
    expect(now?.status).toBe('unknown');
    expect(now?.message).toContain(`it depends on ${target.id}, whose row is malformed`);
  });

  it('keeps what a rule already said it could not judge', () => {
    const before = audit(sampleRows());
    const unknowns = before.evaluations.filter((evaluation) => evaluation.status === 'unknown');
    const document = sampleRows();
    const registry = document.resources.find((row) => String(row.type).toLowerCase() === 'microsoft.containerregistry/registries') as ResourceRow;
    const after = audit({ ...document, resources: document.resources.map((row) => (row.id === registry.id ? { ...row, properties: 'locked' } : row)) });
    for (const unknown of unknowns) {
      if (unknown.messageId !== CHECK_FAILED_MESSAGE_ID) expect(verdict(after.evaluations, unknown.ruleId, unknown.resourceId)?.messageId).toBe(unknown.messageId);
    }
  });

  it('makes the run incomplete: a gap names the row, so no caller resolves by absence', () => {
    // Without its properties a workspace names no storage account: the account's findings are absent from the run, not judged.
    const { failing, target, after } = failingThenDamaged(
      'storage.default-deny',
      (evaluation, rows) => rows.find((row) => row.id === evaluation.workspaceIds[0]) as ResourceRow,
      undefined,
    );
    expect(verdict(after.evaluations, 'storage.default-deny', failing.resourceId)).toBeUndefined();
    expect(unjudgedGaps(after)).toEqual([{ scope: target.id, reason: 'its properties are missing, not an object: what depends on it was judged unknown' }]);
  });

  it('past a thousand malformed rows, leaves no verdict standing but the rules\' own unknowns', () => {
    const document = sampleRows();
    const junk = Array.from({ length: 1_001 }, (_, index) => ({ ...storageAccount({ name: `stjunk${index}`, defaultAction: 'Deny' }), properties: 7 }));
    const after = audit({ ...document, resources: [...document.resources, ...junk] });
    expect(after.malformedRows).toHaveLength(1_001);
    expect(after.evaluations.length).toBeGreaterThan(0);
    expect(after.evaluations.filter((evaluation) => evaluation.status !== 'unknown')).toEqual([]);
    expect(after.evaluations.find((evaluation) => evaluation.messageId === CHECK_FAILED_MESSAGE_ID)?.message).toContain('1001 rows of the inventory are malformed');
  });

  it('costs nothing when every row is well formed', () => {
    const result = audit(sampleRows());
    expect(result.malformedRows).toEqual([]);
    expect(unjudgedGaps(result)).toEqual([]);
  });
});

/**
 * Damage one row of the sample at a time, in every way that is not Azure's "unset" (properties
 * missing or not an object; a property, a section's property or a list's first element of another
 * JSON kind; a reference without its id), and
 * require that no finding is lost to it: every fail or unknown stays a fail or unknown, or, where
 * the damage hides its subject, the run says it is incomplete (so no store resolves it).
 * A property the readers start to read without its kind in src/estate/shape.ts fails here.
 */

type Document = ReturnType<typeof sampleRows>;

function judge(document: Document) {
  const result = audit(document);
  const verdicts = new Map<string, string>();
  for (const evaluation of result.evaluations) verdicts.set(`${evaluation.ruleId} ${evaluation.resourceId.toLowerCase()}`, evaluation.status);
  return { verdicts, incomplete: result.malformedRows.length > 0 || result.ruleErrors.length > 0 };
}

type Damage = readonly [string, (properties: Record<string, unknown>) => unknown];

/** Every damage of a row's properties, as [name, properties → new properties]. */
function damagesOf(properties: unknown): Damage[] {
  const damages: Damage[] = [
    ['properties removed', () => undefined],
    ['properties null', () => null],
    ['properties a string', () => 'x'],
    ['properties a list', () => [properties]],
  ];
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) return damages;
  const isReference = (value: unknown): boolean => typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string';
  for (const [name, value] of Object.entries(properties)) {
    damages.push([`${name} a number`, (copy) => ({ ...copy, [name]: typeof value === 'number' ? 'x' : 7 })]);
    if (isReference(value)) damages.push([`${name} without its id`, (copy) => ({ ...copy, [name]: { name: 'x' } })]);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      // One level down: a section's own properties (a firewall's default action, a compute's subnet).
      for (const [inner, innerValue] of Object.entries(value)) {
        const within = (replacement: unknown) => (copy: Record<string, unknown>) => ({ ...copy, [name]: { ...(value as object), [inner]: replacement } });
        damages.push([`${name}.${inner} a number`, within(typeof innerValue === 'number' ? 'x' : 7)]);
        if (isReference(innerValue)) damages.push([`${name}.${inner} without its id`, within({ name: 'x' })]);
      }
    }
    if (Array.isArray(value) && value.length > 0) {
      damages.push([`${name}[0] a number`, (copy) => ({ ...copy, [name]: [7, ...value.slice(1)] })]);
      if (typeof value[0] === 'object' && value[0] !== null) damages.push([`${name}[0].properties a string`, (copy) => ({ ...copy, [name]: [{ ...(value[0] as object), properties: 'x' }, ...value.slice(1)] })]);
    }
  }
  return damages;
}

describe('a damaged row never loses a finding', () => {
  const base = sampleRows();
  const before = judge(base);
  const failing = [...before.verdicts].filter(([, status]) => status === 'fail' || status === 'unknown');
  // One row of each type the sample holds: every reader, at a fraction of the cost of every row.
  const rows = [...new Map(base.resources.map((row, index) => [String(row.type).toLowerCase(), index])).values()];

  it('holds for one row of each type, every damage', () => {
    expect(failing.length).toBeGreaterThan(20);
    const lost: string[] = [];
    for (const index of rows) {
      const row = base.resources[index] as ResourceRow;
      for (const [damage, apply] of damagesOf(row.properties)) {
        const document = sampleRows();
        const target = document.resources[index] as ResourceRow;
        document.resources[index] = { ...target, properties: apply(target.properties as Record<string, unknown>) };
        const after = judge(document);
        for (const [key, status] of failing) {
          const now = after.verdicts.get(key);
          if (now === 'fail' || now === 'unknown' || (now === undefined && after.incomplete)) continue;
          lost.push(`${String(row.type)} with ${damage}: ${key} ${status} -> ${now ?? 'absent, run complete'}`);
        }
      }
    }
    expect(lost).toEqual([]);
  });
});

describe('a resource read in part (a workspace whose computes could not be listed)', () => {
  const WS_SPOKE = '/subscriptions/9c4e1a7b-2d3f-4e5a-8b6c-0d1e2f3a4b5c/resourceGroups/rg-ml-spoke/providers/Microsoft.MachineLearningServices/workspaces/ws-spoke';
  const withoutComputes = (gaps: readonly { scope: string; reason: string }[]) => {
    const document = sampleRows();
    const resources = document.resources.filter((row) => !row.id.toLowerCase().startsWith(`${WS_SPOKE.toLowerCase()}/computes/`));
    return auditEstate(buildEstate({ ...parseSnapshot(JSON.stringify({ ...document, resources }), 'sample'), gaps }));
  };

  it('judges nothing that may rest on what is missing: a workspace whose computes were not listed does not fail for having none', () => {
    expect(verdict(audit(sampleRows()).evaluations, 'acr.image-build-compute', WS_SPOKE)?.status).toBe('pass');
    // Read as if it had none, the workspace's image build compute "is not one of its computes": a high-severity fail.
    expect(verdict(withoutComputes([]).evaluations, 'acr.image-build-compute', WS_SPOKE)?.status).toBe('fail');
    const reason = 'workspace computes: HTTP 500';
    const result = withoutComputes([{ scope: WS_SPOKE, reason }]);
    const now = verdict(result.evaluations, 'acr.image-build-compute', WS_SPOKE);
    // Reported unknown with the reason; a store writes nothing of it (NOT_READ_MESSAGE_ID).
    expect(now).toMatchObject({ status: 'unknown', messageId: NOT_READ_MESSAGE_ID, message: `Not judged: part of it could not be read (${reason}).` });
    // Subjects of other workspaces are judged as before.
    const elsewhere = (evaluations: readonly Evaluation[]) => evaluations.filter((evaluation) => !evaluation.workspaceIds.some((id) => id.toLowerCase() === WS_SPOKE.toLowerCase()) && evaluation.resourceId.toLowerCase() !== WS_SPOKE.toLowerCase());
    const statuses = (evaluations: readonly Evaluation[]) => elsewhere(evaluations).map((evaluation) => `${evaluation.ruleId} ${evaluation.resourceId} ${evaluation.status}`).sort();
    expect(statuses(result.evaluations)).toEqual(statuses(withoutComputes([]).evaluations));
  });

  it('does not judge every neighbour unknown for a gap of a whole subscription or management group: only a rule that would judge an absence there does', () => {
    const gaps = [
      { scope: '/subscriptions/9c4e1a7b-2d3f-4e5a-8b6c-0d1e2f3a4b5c', reason: 'role assignments: HTTP 500' },
      { scope: '/providers/Microsoft.Management/managementGroups/mg-ml', reason: 'resources: HTTP 500' },
    ];
    const grants = 'aks.internal-lb-network-contributor';
    const statuses = (evaluations: readonly Evaluation[]) => evaluations.filter((evaluation) => evaluation.ruleId !== grants).map((evaluation) => `${evaluation.ruleId} ${evaluation.resourceId} ${evaluation.status}`);
    const gapped = withoutComputes(gaps).evaluations;
    expect(statuses(gapped)).toEqual(statuses(withoutComputes([]).evaluations));
    // The sample's missing grant is no longer a fail: the grant may be among what was not read.
    const missingGrant = withoutComputes([]).evaluations.filter((evaluation) => evaluation.ruleId === grants && evaluation.status === 'fail');
    expect(missingGrant.length).toBeGreaterThan(0);
    for (const evaluation of missingGrant) expect(verdict(gapped, grants, evaluation.resourceId)?.status).toBe('unknown');
  });
});
