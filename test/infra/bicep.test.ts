import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Language, Parser } from 'web-tree-sitter';
import type { Node } from 'web-tree-sitter';

const ROOT = join(__dirname, '..', '..');

function bicepFiles(folder: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) found.push(...bicepFiles(path));
    else if (name.endsWith('.bicep')) found.push(path);
  }
  return found;
}

/** Where the grammar could not read the file: ERROR or MISSING nodes, as "line:column". */
function problems(node: Node, found: string[] = []): string[] {
  if (node.isError || node.isMissing) found.push(`${node.startPosition.row + 1}:${node.startPosition.column + 1} ${node.isMissing ? `missing ${node.type}` : 'cannot parse'}`);
  for (const child of node.children) if (child !== null && (child.hasError || child.isMissing)) problems(child, found);
  return found;
}

/** The Bicep CLI cannot be installed here: tree-sitter-bicep's grammar (its shipped wasm) reads every file instead. */
describe('infra/*.bicep', () => {
  it('every Bicep file parses', async () => {
    await Parser.init();
    const language = await Language.load(require.resolve('tree-sitter-bicep/tree-sitter-bicep.wasm'));
    const parser = new Parser();
    parser.setLanguage(language);
    const files = bicepFiles(join(ROOT, 'infra'));
    expect(files.length).toBeGreaterThan(0);
    const report: Record<string, string[]> = {};
    for (const file of files) {
      const tree = parser.parse(readFileSync(file, 'utf8'));
      if (tree === null) throw new Error(`no tree for ${file}`);
      const found = problems(tree.rootNode);
      if (found.length > 0) report[relative(ROOT, file)] = found;
    }
    expect(report).toEqual({});
    // The check can fail: a broken file is reported.
    const broken = parser.parse("resource x 'Microsoft.Storage/storageAccounts@2023-05-01' = {\n  name: \n}\n");
    expect(broken === null ? [] : problems(broken.rootNode)).not.toEqual([]);
  });
});
