import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECK_FAILED_MESSAGE_ID } from '../../src/core/types';
import { auditEstate, auditFindings, formatMessage, MISSING_VALUE } from '../../src/engine/audit';
import { buildEstate } from '../../src/estate';
import { loadSnapshotFile } from '../../src/inventory/snapshot';
import type { StorageAccount } from '../../src/estate';
import { defineRule } from '../../src/rules/types';
import { estateOf, storageAccount } from '../support/arm';

/** A rule that forgets a value for one account and throws on another: the engine must still give readable results. */
const careless = defineRule<StorageAccount, 'named' | 'unnamed'>({
  meta: {
    id: 'test.careless',
    title: 'A careless rule',
    severity: 'medium',
    source: { document: '001', section: 'test', quote: 'test' },
    description: 'A test rule.',
    remediation: 'None.',
    enabledByDefault: true,
    guidance: { status: 'current' },
    messages: { named: "Account '{{name}}' is judged.", unnamed: "Account '{{name}}' in {{region}} is judged." },
  },
  subjects: (estate) => estate.storageAccounts.map((account) => ({ resourceId: account.id, workspaceIds: [], target: account })),
  check: ({ target }) => {
    if (target.name.includes('boom')) throw new Error('unreadable properties');
    return target.name.includes('half') ? { status: 'pass', messageId: 'unnamed', data: { name: target.name } } : { status: 'fail', messageId: 'named', data: { name: target.name } };
  },
});

describe('auditEstate', () => {
  const estate = estateOf([storageAccount({ name: 'stfull', defaultAction: 'Deny' }), storageAccount({ name: 'sthalf', defaultAction: 'Deny' }), storageAccount({ name: 'stboom', defaultAction: 'Deny' })]);
  const byName = (name: string) => auditEstate(estate, { rules: [careless] }).evaluations.find((evaluation) => evaluation.resourceId.endsWith(`/${name}`));

  it('says which message each evaluation chose', () => {
    expect(byName('stfull')).toMatchObject({ status: 'fail', messageId: 'named', message: "Account 'stfull' is judged." });
  });

  it('never shows a template to a user: a value the rule did not give reads as not known', () => {
    const evaluation = byName('sthalf');
    expect(evaluation?.messageId).toBe('unnamed');
    expect(evaluation?.message).toBe(`Account 'sthalf' in ${MISSING_VALUE} is judged.`);
    expect(formatMessage('{{a}} and {{ b }}', { a: 1 })).toBe(`1 and ${MISSING_VALUE}`);
  });

  it('turns a check that throws into unknown with the reason, under the check-failed message', () => {
    expect(byName('stboom')).toMatchObject({ status: 'unknown', messageId: CHECK_FAILED_MESSAGE_ID, evidence: { error: 'unreadable properties' } });
    expect(byName('stboom')?.message).toBe('The check could not be completed on this resource (unreadable properties); the inventory may hold malformed data.');
  });
});

describe('auditFindings', () => {
  const estate = estateOf([storageAccount({ name: 'stfull', defaultAction: 'Deny' }), storageAccount({ name: 'sthalf', defaultAction: 'Deny' }), storageAccount({ name: 'stboom', defaultAction: 'Deny' })]);

  it('keeps the findings auditEstate keeps, counts every verdict as it does, and holds no evaluations a store could resolve by', () => {
    const whole = auditEstate(estate, { rules: [careless] });
    const findings = auditFindings(estate, { rules: [careless] });
    expect(findings.findings).toEqual(whole.findings);
    expect(findings.summary).toEqual(whole.summary);
    expect(findings.summary).toMatchObject({ evaluations: 3, pass: 1, fail: 1, unknown: 1 });
    expect('evaluations' in findings).toBe(false);
  });

  it('gives the sample estate the same report as auditEstate, rule errors included', async () => {
    const sample = buildEstate(await loadSnapshotFile(join(__dirname, '..', '..', 'samples', 'sample-estate.json')));
    const broken = defineRule<StorageAccount, 'named' | 'unnamed'>({
      ...careless,
      meta: { ...careless.meta, id: 'test.broken' },
      subjects: () => {
        throw new Error('cannot select');
      },
    });
    const whole = auditEstate(sample, {});
    const findings = auditFindings(sample, {});
    expect(findings.findings).toEqual(whole.findings);
    expect(findings.summary).toEqual(whole.summary);
    expect(findings.ruleIds).toEqual(whole.ruleIds);
    expect(whole.summary.pass).toBeGreaterThan(0);
    expect(auditFindings(sample, { rules: [broken] }).ruleErrors).toEqual(auditEstate(sample, { rules: [broken] }).ruleErrors);
  });
});
