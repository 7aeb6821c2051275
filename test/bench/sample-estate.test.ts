import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HOSTILE_NAME, sampleEstate } from '../../bench/sample-estate';
import { auditInventory } from '../../src/cli/run-audit';
import { buildEstate } from '../../src/estate';
import { parseSnapshot } from '../../src/inventory/snapshot';
import { severityRank } from '../../src/core/types';
import { allRules } from '../../src/rules/registry';

const SAMPLE_PATH = join(__dirname, '..', '..', 'samples', 'sample-estate.json');

// `UPDATE_SAMPLE=1 npx vitest run test/bench/sample-estate.test.ts` rewrites the file from bench/sample-estate.ts.
if (process.env['UPDATE_SAMPLE'] === '1') writeFileSync(SAMPLE_PATH, `${JSON.stringify(sampleEstate(), null, 2)}\n`);

describe('samples/sample-estate.json', () => {
  const text = readFileSync(SAMPLE_PATH, 'utf8');
  const inventory = parseSnapshot(text, 'samples/sample-estate.json');

  it('is exactly what bench/sample-estate.ts builds', () => {
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(sampleEstate())));
  });

  it('is a shape-1 snapshot that loads without warnings, with service tags for both regions', () => {
    expect(inventory.capturedAt).toBeDefined();
    expect(inventory.warnings).toEqual([]);
    const tagNames = (inventory.serviceTags ?? []).map((tag) => tag.name);
    expect(tagNames).toEqual(expect.arrayContaining(['BatchNodeManagement.EastUS', 'AzureMachineLearning.WestUS2', 'AzureFrontDoor.Frontend', 'MicrosoftContainerRegistry']));
  });

  it('has six workspaces in two subscriptions, and the hostile name', () => {
    const estate = buildEstate(inventory);
    expect(estate.workspaces.map((workspace) => workspace.name).sort()).toEqual(['ws-compliant', 'ws-dev', 'ws-inference', 'ws-private', 'ws-research', 'ws-spoke']);
    expect(new Set(estate.workspaces.map((workspace) => workspace.subscriptionId)).size).toBe(2);
    expect(text).toContain(JSON.stringify(HOSTILE_NAME));
    for (const workspace of estate.workspaces) expect(estate.isVnetIsolated(workspace.id)).toBe(true);
  });

  it('lowercases types as Resource Graph does', () => {
    for (const row of inventory.resources) expect(row.type).toBe(String(row.type).toLowerCase());
  });

  it('audits with the real registry without an evaluation error', () => {
    const report = auditInventory(inventory);
    const errors = report.evaluations.filter((evaluation) => 'error' in evaluation.evidence);
    expect(errors.map((evaluation) => `${evaluation.ruleId}: ${String(evaluation.evidence['error'])}`)).toEqual([]);
  });

  it('ws-compliant has no failed check of severity low or above', () => {
    const report = auditInventory(inventory, { rules: allRules });
    const failures = report.findings.filter(
      (finding) => finding.status === 'fail' && severityRank(finding.severity) >= severityRank('low') && finding.workspaceIds.some((id) => id.endsWith('/ws-compliant')),
    );
    expect(failures.map((finding) => `${finding.ruleId} ${finding.resourceId}: ${finding.message}`)).toEqual([]);
  });

  it("ws-private, built the way today's guidance describes, has no failed check under the current profile", () => {
    const report = auditInventory(inventory, { profile: 'current' });
    const ofPrivate = report.evaluations.filter((evaluation) => evaluation.workspaceIds.some((id) => id.endsWith('/ws-private')));
    expect(ofPrivate.length).toBeGreaterThan(30);
    expect(ofPrivate.filter((evaluation) => evaluation.status === 'fail' && severityRank(evaluation.severity) >= severityRank('low')).map((evaluation) => `${evaluation.ruleId} ${evaluation.resourceId}: ${evaluation.message}`)).toEqual([]);
    // Every rule of today's guidance judged it, and found it right.
    const todays = allRules.filter((rule) => rule.meta.source.document === 'current').map((rule) => rule.meta.id);
    for (const ruleId of todays) expect(ofPrivate.some((evaluation) => evaluation.ruleId === ruleId && evaluation.status === 'pass'), ruleId).toBe(true);
  });

  // samples/README.md names the mistake each rule is meant to catch; a rule that no longer fails
  // there means the rule or the sample changed (extend bench/sample-estate.ts for a new rule).
  it.each(allRules.map((rule) => rule.meta.id))('%s fails somewhere in the sample', (ruleId) => {
    const report = auditInventory(inventory, { ruleIds: [ruleId] });
    expect(report.findings.filter((finding) => finding.status === 'fail').length).toBeGreaterThan(0);
  });
});
