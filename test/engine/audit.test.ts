import { describe, expect, it } from 'vitest';
import { CHECK_FAILED_MESSAGE_ID } from '../../src/core/types';
import { auditEstate, formatMessage, MISSING_VALUE } from '../../src/engine/audit';
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
    expect(byName('stboom')?.message).toContain('unreadable properties');
  });
});
