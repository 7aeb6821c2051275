import { describe, expect, it } from 'vitest';
import { acrPrivateLinkSharedResourceRule } from '../../../src/rules/acr/private-link-shared-resource';
import type { ResourceRow } from '../../../src/inventory/types';
import { estateOf } from '../../support/arm';
import { privateLinkRows, withRegistry, withUnreadableRegistry } from '../../support/firewalled-fixtures';
import { compliantRows, ids, withoutRow } from '../../support/scenario';
import { verdictFor } from '../../support/rules';

const rule = acrPrivateLinkSharedResourceRule;
const judge = (rows: readonly ResourceRow[]) => verdictFor(rule, estateOf(rows), ids.workspace);

describe('acr.private-link-shared-resource', () => {
  it("passes with the seed template's approved registry entry", () => {
    const evaluation = judge(privateLinkRows());
    expect(evaluation.status).toBe('pass');
    expect(evaluation.workspaceIds).toEqual([ids.workspace]);
    expect(evaluation.evidence).toMatchObject({
      registryId: ids.registry,
      registryEntries: [{ name: 'Acr', groupId: 'registry', privateLinkResourceId: `${ids.registry}/privateLinkResources/registry`, status: 'Approved' }],
    });
  });

  it('passes with an entry naming the registry itself, in another case', () => {
    const evaluation = judge(privateLinkRows([{ name: 'acr', privateLinkResourceId: ids.registry.toUpperCase(), groupId: 'REGISTRY', status: 'approved' }]));
    expect(evaluation.status).toBe('pass');
  });

  it('fails when the workspace has no shared private link resources', () => {
    const evaluation = judge(privateLinkRows([]));
    expect(evaluation.status).toBe('fail');
    expect(evaluation.severity).toBe('medium');
    expect(evaluation.evidence).toMatchObject({ registryEntries: [], sharedPrivateLinkResources: [] });
  });

  it.each([
    ['another group of the registry', { name: 'acr', privateLinkResourceId: ids.registry, groupId: 'registry_data' }],
    ['the registry group of another registry', { name: 'acr', privateLinkResourceId: `${ids.registry}-old/privateLinkResources/registry`, groupId: 'registry' }],
    ['the key vault', { name: 'kv', privateLinkResourceId: ids.keyVault, groupId: 'vault' }],
  ])('fails when the only entry targets %s', (_, entry) => {
    const evaluation = judge(privateLinkRows([entry]));
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence).toMatchObject({ registryEntries: [], sharedPrivateLinkResources: [expect.objectContaining({ privateLinkResourceId: entry.privateLinkResourceId })] });
  });

  it('fails when the registry entry is still pending, reporting its status', () => {
    const evaluation = judge(privateLinkRows([{ name: 'Acr', privateLinkResourceId: `${ids.registry}/privateLinkResources/registry`, groupId: 'registry', status: 'Pending' }]));
    expect(evaluation.status).toBe('fail');
    expect(evaluation.evidence).toMatchObject({ registryEntries: [expect.objectContaining({ status: 'Pending' })] });
  });

  it('is unknown when the registry entry has no status', () => {
    const rows = privateLinkRows().map((row) =>
      row.id === ids.workspace
        ? {
            ...row,
            properties: {
              ...(row.properties as object),
              sharedPrivateLinkResources: [{ name: 'Acr', properties: { privateLinkResourceId: ids.registry, groupId: 'registry' } }],
            },
          }
        : row,
    );
    const evaluation = judge(rows);
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ registryEntries: [expect.objectContaining({ status: null })] });
  });

  it('is not applicable to a workspace that is not a private-link workspace', () => {
    const evaluation = judge(compliantRows());
    expect(evaluation.status).toBe('not-applicable');
    expect(evaluation.evidence).toMatchObject({ privateLink: false });
  });

  it('is not applicable when the registry is not secured', () => {
    const evaluation = judge(withRegistry({ defaultAction: 'Allow' }, privateLinkRows([])));
    expect(evaluation.status).toBe('not-applicable');
    expect(evaluation.evidence).toMatchObject({ resourceId: ids.registry, defaultAction: 'Allow' });
  });

  it('is unknown when the registry is missing from the inventory', () => {
    const evaluation = judge(withoutRow(privateLinkRows([]), ids.registry));
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.evidence).toMatchObject({ missingResourceId: ids.registry });
  });

  it('is unknown when the registry\'s network rule set cannot be read', () => {
    const evaluation = judge(withUnreadableRegistry(privateLinkRows()));
    expect(evaluation.status).toBe('unknown');
    expect(evaluation.messageId).toBe('resourceUnreadable');
    expect(evaluation.evidence).toMatchObject({ networkAclsMalformed: true });
  });
});
