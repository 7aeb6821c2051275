/**
 * Ties every rule to its doc, its test, its registry entry and requirements.md (style.md:
 * "a conventions test fails the build when a rule lacks its doc, test or registry entry, or when
 * an ID in requirements.md has no rule").
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allRules } from '../../src/rules/registry';
import { sourcePage } from '../../src/rules/sources';
import vendoredIds from './requirements-rule-ids.json';
import { aciRules } from '../../src/rules/aci';
import { acrRules } from '../../src/rules/acr';
import { aksRules } from '../../src/rules/aks';
import { computeRules } from '../../src/rules/compute';
import { databricksRules } from '../../src/rules/databricks';
import { dnsRules } from '../../src/rules/dns';
import { firewallRules } from '../../src/rules/firewall';
import { keyvaultRules } from '../../src/rules/keyvault';
import { nsgRules } from '../../src/rules/nsg';
import { routeRules } from '../../src/rules/route';
import { storageRules } from '../../src/rules/storage';
import { studioRules } from '../../src/rules/studio';
import { vmRules } from '../../src/rules/vm';

const familyRules = {
  aci: aciRules, acr: acrRules, aks: aksRules, compute: computeRules, databricks: databricksRules, dns: dnsRules, firewall: firewallRules,
  keyvault: keyvaultRules, nsg: nsgRules, route: routeRules, storage: storageRules, studio: studioRules, vm: vmRules,
};

const root = resolve(__dirname, '../..');
const requirementsPath = resolve(root, '../shared/requirements.md');

/** Rule IDs from the catalog tables of requirements.md: rows that start with `| family.name |`. */
function ruleIdsOf(markdown: string): string[] {
  return markdown
    .split('\n')
    .map((line) => /^\| ([a-z]+\.[a-z0-9-]+) \|/.exec(line)?.[1])
    .filter((id): id is string => id !== undefined)
    .sort();
}

const requirementIds: string[] = existsSync(requirementsPath) ? ruleIdsOf(readFileSync(requirementsPath, 'utf8')) : vendoredIds;
/** Rules of today's guidance (profiles.ts: `current` only): not in the 2020 catalogue. */
const currentGuidanceIds = allRules.filter((rule) => rule.meta.source.document === 'current').map((rule) => rule.meta.id);
const registeredIds = allRules.map((rule) => rule.meta.id);

describe('rule conventions', () => {
  it('keeps the vendored ID list equal to requirements.md when it is beside the repo', () => {
    if (!existsSync(requirementsPath)) return;
    expect(vendoredIds).toEqual(ruleIdsOf(readFileSync(requirementsPath, 'utf8')));
  });

  it("has a registered rule for every ID of requirements.md, and no other besides the rules of today's guidance", () => {
    expect(requirementIds.length).toBeGreaterThanOrEqual(36);
    expect(registeredIds.filter((id) => !currentGuidanceIds.includes(id)).sort()).toEqual(requirementIds);
    for (const id of currentGuidanceIds) expect(requirementIds, `${id}: a rule of today's guidance is not one of the 2020 catalogue`).not.toContain(id);
  });

  describe.each(currentGuidanceIds.map((id) => [id]))("%s (today's guidance)", (id) => {
    const [family, name] = id.split('.') as [string, string];
    const rule = allRules.find((candidate) => candidate.meta.id === id)!;

    it('has its doc, its test, its catalogue row, and cites the public page it comes from', () => {
      const docPath = join(root, 'src/rules', family, `${name}.md`);
      const doc = readFileSync(docPath, 'utf8');
      expect(doc).toContain(`# ${id}`);
      for (const heading of ['## Synopsis', '## Description', '## Recommendation', '## Examples', '## Links']) expect(doc, `${id} lacks "${heading}"`).toContain(heading);
      expect(doc).toMatch(/```(bash|azurecli|sh)/);
      expect(doc).toMatch(/```bicep/);
      const line = doc.split('\n').find((candidate) => candidate.startsWith('**Severity:**')) ?? '';
      expect(/^\*\*Severity:\*\* (\w+)/.exec(line)?.[1]).toBe(rule.meta.severity);
      const page = sourcePage(rule.meta.source);
      expect(page.url).toMatch(/^https:\/\/learn\.microsoft\.com\//);
      expect(line).toContain(`**Source:** [${page.title}](${page.url}), "${rule.meta.source.section}"`);
      expect(existsSync(join(root, 'test/rules', family, `${name}.test.ts`))).toBe(true);
      expect(rule.meta.guidance.status).toBe('current');
      expect(rule.meta.source.quote.length).toBeGreaterThan(20);
      const catalogueRow = readFileSync(join(root, 'docs', 'rules.md'), 'utf8').split('\n').find((candidate) => candidate.startsWith(`| [\`${id}\`]`));
      expect(catalogueRow, `${id}: its row in docs/rules.md`).toContain(`| ${rule.meta.severity} |`);
    });
  });

  it('registers each rule once', () => {
    expect(new Set(registeredIds).size).toBe(registeredIds.length);
  });

  describe.each(requirementIds.map((id) => [id]))('%s', (id) => {
    const [family, name] = id.split('.') as [string, string];
    const rule = allRules.find((candidate) => candidate.meta.id === id);

    it('lives in src/rules/<family>/<name>.ts with a doc beside it', () => {
      expect(existsSync(join(root, 'src/rules', family, `${name}.ts`))).toBe(true);
      const docPath = join(root, 'src/rules', family, `${name}.md`);
      expect(existsSync(docPath)).toBe(true);
      const doc = readFileSync(docPath, 'utf8');
      expect(doc).toContain(`# ${id}`);
      for (const heading of ['## Synopsis', '## Description', '## Recommendation', '## Examples', '## Links']) {
        expect(doc, `${relative(root, docPath)} lacks "${heading}"`).toContain(heading);
      }
      expect(doc).toMatch(/```(bash|azurecli|sh)/);
      expect(doc).toMatch(/```bicep/);
    });

    it('says in its doc what its meta says: severity, source document and section', () => {
      const doc = readFileSync(join(root, 'src/rules', family, `${name}.md`), 'utf8');
      const line = doc.split('\n').find((candidate) => candidate.startsWith('**Severity:**')) ?? '';
      expect(line, `${id}: the doc's header line`).not.toBe('');
      expect(/^\*\*Severity:\*\* (\w+)/.exec(line)?.[1]).toBe(rule!.meta.severity);
      const source = /\*\*Source:\*\* \[([^\]]+)\]\(([^)]+)\), "([^"]+)"/.exec(line);
      const document = sourcePage(rule!.meta.source);
      expect(source?.[1], `${id}: the doc's source title`).toBe(document.title);
      expect(source?.[2], `${id}: the doc's source link`).toBe(document.url);
      expect(source?.[3], `${id}: the doc's source section`).toBe(rule!.meta.source.section);
      const catalogueRow = readFileSync(join(root, 'docs', 'rules.md'), 'utf8')
        .split('\n')
        .find((candidate) => candidate.startsWith(`| [\`${id}\`]`));
      expect(catalogueRow, `${id}: its row in docs/rules.md`).toContain(`| ${rule!.meta.severity}${rule!.meta.enabledByDefault ? '' : ' (off by default)'} |`);
      expect(catalogueRow, `${id}: its row in docs/rules.md`).toContain(`“${rule!.meta.source.section}”`);
    });

    it("says in its doc whether today's guidance superseded it, as its meta does", () => {
      const doc = readFileSync(join(root, 'src/rules', family, `${name}.md`), 'utf8');
      const line = doc.split('\n').find((candidate) => candidate.startsWith('**Guidance:**'));
      const { guidance } = rule!.meta;
      if (guidance.status === 'current') {
        expect(line, `${id}: a current rule's doc says nothing of being superseded`).toBeUndefined();
        return;
      }
      expect(line, `${id}: the doc's guidance line`).toBeDefined();
      expect(line).toContain('superseded');
      expect(line).toContain(guidance.note);
      expect(line).toContain(`[${guidance.page.title}](${guidance.page.url})`);
    });

    it('has its own test file', () => {
      expect(existsSync(join(root, 'test/rules', family, `${name}.test.ts`))).toBe(true);
    });

    it('describes itself fully', () => {
      expect(rule).toBeDefined();
      const meta = rule!.meta;
      expect(meta.title.length).toBeGreaterThan(0);
      expect(meta.description.length).toBeGreaterThan(0);
      expect(meta.remediation.length).toBeGreaterThan(0);
      expect(['000', '001']).toContain(meta.source.document);
      expect(meta.source.section.length).toBeGreaterThan(0);
      expect(meta.source.quote.length).toBeGreaterThan(20);
      expect(Object.keys(meta.messages).length).toBeGreaterThan(0);
    });

    it('has the severity requirements.md gives it', () => {
      if (!existsSync(requirementsPath)) return;
      const row = readFileSync(requirementsPath, 'utf8')
        .split('\n')
        .find((line) => line.startsWith(`| ${id} |`));
      const severity = row?.split('|').map((cell) => cell.trim()).filter(Boolean).pop();
      expect(rule!.meta.severity).toBe(severity);
    });
  });

  it('lists each family index in ID order, under its family', () => {
    for (const [family, rules] of Object.entries(familyRules)) {
      const ids = rules.map((rule) => rule.meta.id);
      expect(ids, `src/rules/${family}/index.ts`).toEqual([...ids].sort());
      expect(ids.every((id) => id.startsWith(`${family}.`))).toBe(true);
    }
  });
});
