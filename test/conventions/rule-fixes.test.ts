import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RuleFix } from '../../src/rules/fix-docs';
import { examplesOf, fixesModuleSource, ruleDocPath } from '../../src/rules/fix-docs';
import { allRules } from '../../src/rules/registry';

/** src/rules/fixes.generated.ts is what `npm run rule-fixes` writes from the docs today: nothing parses Markdown at run time. */
const ROOT = join(__dirname, '..', '..');

describe('the generated rule fixes', () => {
  it('are current with every rule\'s doc (else: npm run rule-fixes)', () => {
    const fixes = new Map<string, RuleFix>();
    for (const rule of allRules) {
      const docPath = ruleDocPath(rule.meta.id) as string;
      fixes.set(rule.meta.id, { ...examplesOf(readFileSync(join(ROOT, docPath), 'utf8')), docPath });
    }
    const stale = readFileSync(join(ROOT, 'src', 'rules', 'fixes.generated.ts'), 'utf8') !== fixesModuleSource(fixes);
    expect(stale, 'src/rules/fixes.generated.ts is out of date: run `npm run rule-fixes`').toBe(false);
  });

  it('give every rule an az CLI fix', () => {
    // test/conventions/rules.test.ts holds every doc to its Examples; here, that the generator found them.
    const source = readFileSync(join(ROOT, 'src', 'rules', 'fixes.generated.ts'), 'utf8');
    for (const rule of allRules) expect(source, rule.meta.id).toContain(`"${rule.meta.id}": {"azureCli":"`);
  });
});
