/** Profiles (src/rules/profiles.ts): which rules run when none are named. */
import { describe, expect, it } from 'vitest';
import { selectRules } from '../../src/engine/audit';
import { inProfile, isProfile, PROFILES } from '../../src/rules/profiles';
import { allRules } from '../../src/rules/registry';

const SUPERSEDED = ['acr.private-link-shared-resource', 'acr.workspace-edition', 'aks.private-cluster', 'compute.vnet-location', 'firewall.aml-hosts'];

describe('profiles', () => {
  const documentedIds = allRules.filter((rule) => rule.meta.enabledByDefault && rule.meta.source.document !== 'current').map((rule) => rule.meta.id);
  const todaysIds = allRules.filter((rule) => rule.meta.source.document === 'current').map((rule) => rule.meta.id);

  it('documented runs exactly what every earlier version ran: each rule of the 2020 documents enabled by default', () => {
    expect(selectRules(undefined, allRules, 'documented').map((rule) => rule.meta.id)).toEqual(documentedIds);
    expect(selectRules(undefined).map((rule) => rule.meta.id)).toEqual(documentedIds);
    expect(documentedIds).toHaveLength(35);
    expect(todaysIds).toContain('compute.no-public-ip-egress');
  });

  it("current leaves out the superseded rules, and only those, and adds the rules of today's guidance", () => {
    const superseded = allRules.filter((rule) => rule.meta.guidance.status === 'superseded').map((rule) => rule.meta.id);
    expect(superseded).toEqual(SUPERSEDED);
    const current = selectRules(undefined, allRules, 'current').map((rule) => rule.meta.id);
    for (const id of SUPERSEDED) expect(current).not.toContain(id);
    expect(current).toEqual(allRules.map((rule) => rule.meta.id).filter((id) => (documentedIds.includes(id) && !SUPERSEDED.includes(id)) || todaysIds.includes(id)));
  });

  it('every superseded rule says why in one line and names the public page that changed it', () => {
    for (const rule of allRules) {
      const { guidance } = rule.meta;
      if (guidance.status === 'current') continue;
      expect(guidance.note.length, rule.meta.id).toBeGreaterThan(20);
      expect(guidance.note, rule.meta.id).not.toContain('\n');
      expect(guidance.page.url, rule.meta.id).toMatch(/^https:\/\/learn\.microsoft\.com\//);
      expect(guidance.page.title.length, rule.meta.id).toBeGreaterThan(10);
    }
  });

  it('naming rules runs them whatever the profile', () => {
    expect(selectRules(['aks.private-cluster'], allRules, 'current').map((rule) => rule.meta.id)).toEqual(['aks.private-cluster']);
    expect(inProfile(allRules.find((rule) => rule.meta.id === 'acr.workspace-edition')!.meta, 'current')).toBe(false);
  });

  it('knows its names', () => {
    expect(PROFILES).toEqual(['documented', 'current']);
    expect(isProfile('current')).toBe(true);
    expect(isProfile('Current')).toBe(false);
  });
});
