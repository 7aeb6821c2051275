import { describe, expect, it } from 'vitest';
import { parsePlanDocument, PlanFileError } from '../../src/remediation';

const ID = '/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/a';

function document(operation: Record<string, unknown>): string {
  return JSON.stringify({ generatedAt: 'x', plans: [{ ruleId: 'r', resourceId: ID, mode: 'auto', verified: true, operations: [{ method: 'PATCH', id: ID, apiVersion: '2023-05-01', body: {}, precondition: { readId: ID, apiVersion: '2023-05-01', values: {} }, ...operation }] }] });
}

describe('reading a reviewed plan file back', () => {
  it('reads what remediate writes', () => {
    expect(parsePlanDocument(document({})).plans[0]?.operations[0]).toMatchObject({ method: 'PATCH', id: ID });
  });

  it('refuses what could write somewhere other than shown, or without what the plan relied on', () => {
    const refused: [Record<string, unknown>, RegExp][] = [
      [{ id: `${ID}/../../../Microsoft.Authorization/roleAssignments/x` }, /operations\[0\]\.id: .* is not an Azure resource ID/],
      [{ id: `/subscriptions/s//resourceGroups/g` }, /is not an Azure resource ID/],
      [{ id: `${ID}?api-version=1` }, /is not an Azure resource ID/],
      [{ method: 'DELETE' }, /method: must be PUT or PATCH/],
      [{ apiVersion: 'latest' }, /apiVersion: 'latest' is not an API version/],
      [{ body: [] }, /body: must be an object/],
      [{ precondition: undefined }, /precondition: must be an object/],
      [{ precondition: { readId: '/subscriptions/s/./x', apiVersion: '2023-05-01', values: {} } }, /precondition\.readId: is not an Azure resource ID/],
    ];
    for (const [operation, message] of refused) expect(() => parsePlanDocument(document(operation)), JSON.stringify(operation)).toThrow(message);
    expect(() => parsePlanDocument('[]')).toThrow(PlanFileError);
  });
});
