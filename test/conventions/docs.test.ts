/**
 * The docs stand alone: a user has only the repository. Nothing a user reads (README, docs/,
 * samples/, rule docs, CLI help and messages in src/) points at files outside it or at the
 * project's issue tracker, every relative link resolves to a file in the repository, and the rule
 * catalogue lists every rule with its severity.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allRules } from '../../src/rules/registry';
import { repoFiles } from '../support/repo-files';

const root = resolve(__dirname, '../..');

const userFacing = [join(root, 'README.md'), ...repoFiles('docs', ['.md']), ...repoFiles('samples', ['.md']), ...repoFiles('src', ['.md', '.ts']), ...repoFiles('functions', ['.ts'])];

describe('docs that stand alone', () => {
  it('name no file outside the repository, no issue number and no build machine', () => {
    const problems: string[] = [];
    for (const path of userFacing) {
      const text = readFileSync(path, 'utf8');
      const checks: [RegExp, string][] = [
        [/\.\.\/shared\b/, 'points to ../shared'],
        [/\bissue \d+\b/i, 'cites an issue number'],
        [/\bsource (00[01])\b|\bdocument (00[01])\b/i, 'cites a source document by its code instead of its title'],
        [/\bthis (2-core )?machine\b|\bbuild machine\b/i, 'talks about the machine it was written on'],
      ];
      for (const [pattern, problem] of checks) if (pattern.test(text)) problems.push(`${relative(root, path)}: ${problem} (${pattern.exec(text)?.[0] ?? ''})`);
      // A bare file name must be one a reader can open: beside this file or at the repository's root.
      for (const match of text.matchAll(/(?<![\w/.-])(requirements|contract|style|toolchain|DEVELOPERS)\.md\b/g)) {
        const name = `${match[1] ?? ''}.md`;
        if (!existsSync(join(dirname(path), name)) && !existsSync(join(root, name))) problems.push(`${relative(root, path)}: names ${name}, which is not in the repository`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('link only to files that exist', () => {
    const broken: string[] = [];
    for (const path of userFacing.filter((file) => file.endsWith('.md'))) {
      const text = readFileSync(path, 'utf8');
      for (const match of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = match[1] ?? '';
        if (/^(https?:|mailto:|#)/.test(target)) continue;
        const file = resolve(dirname(path), target.split('#')[0] ?? '');
        if (!existsSync(file)) broken.push(`${relative(root, path)} → ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('the rule catalogue lists every rule with its severity and links its doc', () => {
    const catalogue = readFileSync(join(root, 'docs', 'rules.md'), 'utf8');
    for (const rule of allRules) {
      const [family, name] = rule.meta.id.split('.');
      const line = catalogue.split('\n').find((row) => row.startsWith(`| [\`${rule.meta.id}\`]`));
      expect(line, rule.meta.id).toBeDefined();
      expect(line).toContain(`(../src/rules/${family}/${name}.md)`);
      expect(line).toContain(`| ${rule.meta.severity}`);
    }
  });
});
