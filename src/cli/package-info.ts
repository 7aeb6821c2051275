import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../core/package-root';

export function packageVersion(): string {
  const root = packageRoot();
  if (root === undefined) return '0.0.0';
  try {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof manifest.version === 'string' ? manifest.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/**
 * Each rule's doc (src/rules/<family>/<name>.md) by rule ID, for SARIF help. Docs are read from
 * the source tree that ships with the package; a missing doc is simply left out.
 */
export function loadRuleDocs(ruleIds: readonly string[]): Map<string, string> {
  const docs = new Map<string, string>();
  const root = packageRoot();
  if (root === undefined) return docs;
  for (const id of ruleIds) {
    const [family, name] = id.split('.');
    if (family === undefined || name === undefined || !/^[a-z0-9-]+$/.test(family) || !/^[a-z0-9-]+$/.test(name)) continue;
    const path = join(root, 'src', 'rules', family, `${name}.md`);
    try {
      docs.set(id, readFileSync(path, 'utf8'));
    } catch {
      // No doc yet for this rule.
    }
  }
  return docs;
}
