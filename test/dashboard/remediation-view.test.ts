import { describe, expect, it } from 'vitest';
import { historyLine, shownPlan } from '../../src/dashboard/browser/remediation-view';
import type { ClientRemediation } from '../../src/dashboard/browser/remediation-view';

describe('the remediation view, without a browser', () => {
  it('reads a plan defensively: wrong types become empty, never a crash', () => {
    expect(shownPlan(null)).toBeUndefined();
    expect(shownPlan({ mode: 'auto', verified: 'yes', az: ['az one', 7, null], operations: [{ method: 'PUT', id: '/subscriptions/s/x', description: 'add' }, 'junk'], rollback: {} })).toEqual({
      mode: 'auto',
      verified: false,
      summary: '',
      risk: '',
      verification: '',
      manualReason: undefined,
      az: ['az one'],
      writes: ['PUT /subscriptions/s/x: add', ' : '],
      rollback: 0,
    });
  });

  it('writes one history line: when, mode, outcome, verification, who, what', () => {
    const record = { id: 'r', subscriptionId: 's', ruleId: 'storage.trusted-services', resourceId: '/subscriptions/s/x', at: '2026-12-01T10:05:09.000Z', mode: 'apply', outcome: 'applied', identity: 'the app', detail: 'written', verified: false, plan: null, operations: [] } as ClientRemediation;
    expect(historyLine(record)).toBe('2026-12-01 10:05 UTC · apply · applied, NOT verified · by the app: written');
  });
});
