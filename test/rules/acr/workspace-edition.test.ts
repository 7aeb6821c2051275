import { describe, expect, it } from 'vitest';
import { acrWorkspaceEditionRule } from '../../../src/rules/acr/workspace-edition';
import { auditEstate } from '../../../src/engine/audit';
import type { ResourceRow } from '../../../src/inventory/types';
import { estateOf } from '../../support/arm';
import { withRegistry, withUnreadableRegistry, withWorkspace } from '../../support/firewalled-fixtures';
import { compliantRows, ids, withoutRow, withRow } from '../../support/scenario';
import { verdictFor } from '../../support/rules';

const rule = acrWorkspaceEditionRule;
const judge = (rows: readonly ResourceRow[]) => verdictFor(rule, estateOf(rows), ids.workspace);

describe('acr.workspace-edition', () => {
  it('is off by default and runs when named', () => {
    expect(rule.meta.enabledByDefault).toBe(false);
    const estate = estateOf(withWorkspace({ edition: 'Basic' }));
    expect(auditEstate(estate).evaluations.some((evaluation) => evaluation.ruleId === rule.meta.id)).toBe(false);
    expect(auditEstate(estate, { ruleIds: [rule.meta.id] }).findings).toEqual([expect.objectContaining({ ruleId: rule.meta.id, status: 'fail' })]);
  });

  it('passes for an Enterprise workspace with a secured registry', () => {
    const evaluation = judge(compliantRows());
    expect(evaluation.status).toBe('pass');
    expect(evaluation.evidence).toEqual({ registryId: ids.registry, edition: 'Enterprise' });
  });

  it.each(['Basic', 'basic'])('fails for a %s workspace with a secured registry', (edition) => {
    const ws = compliantRows().find((row) => row.id === ids.workspace) as ResourceRow;
    const evaluation = judge(withRow(compliantRows(), { ...ws, sku: { name: edition, tier: edition } }));
    expect(evaluation.status).toBe('fail');
    expect(evaluation.severity).toBe('info');
    expect(evaluation.evidence).toMatchObject({ edition });
  });

  it('is unknown when the workspace has no sku', () => {
    const ws = compliantRows().find((row) => row.id === ids.workspace) as ResourceRow;
    const { sku: _sku, ...withoutSku } = ws;
    const evaluation = judge(withRow(compliantRows(), withoutSku));
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ edition: null });
  });

  it('is not applicable when the registry is not secured', () => {
    expect(judge(withRegistry({ defaultAction: 'Allow' }, withWorkspace({ edition: 'Basic' }))).status).toBe('not-applicable');
  });

  it('is unknown when the registry is missing from the inventory', () => {
    const evaluation = judge(withoutRow(withWorkspace({ edition: 'Basic' }), ids.registry));
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ missingResourceId: ids.registry });
  });

  it('is unknown when the registry\'s network rule set cannot be read', () => {
    const evaluation = judge(withUnreadableRegistry());
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.messageId).toBe('resourceUnreadable');
    expect(evaluation.evidence).toMatchObject({ networkAclsMalformed: true });
  });
});
