#!/usr/bin/env node
'use strict';
/**
 * `npm run rule-fixes` (after `npm run build`): writes src/rules/fixes.generated.ts from the
 * Examples section of every registered rule's doc, with the one parser (src/rules/fix-docs.ts).
 */
const { readFileSync, writeFileSync } = require('node:fs');
const { join, resolve } = require('node:path');

const root = resolve(__dirname, '..');
const { allRules } = require(join(root, 'dist', 'src', 'rules', 'registry.js'));
const { examplesOf, fixesModuleSource, ruleDocPath } = require(join(root, 'dist', 'src', 'rules', 'fix-docs.js'));
const fixes = new Map();
for (const rule of allRules) {
  const docPath = ruleDocPath(rule.meta.id);
  if (docPath === undefined) continue;
  fixes.set(rule.meta.id, { ...examplesOf(readFileSync(join(root, docPath), 'utf8')), docPath });
}
writeFileSync(join(root, 'src', 'rules', 'fixes.generated.ts'), fixesModuleSource(fixes));
process.stdout.write(`src/rules/fixes.generated.ts: fixes of ${fixes.size} rules\n`);
