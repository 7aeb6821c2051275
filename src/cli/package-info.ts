import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The package root: the nearest directory above this file whose package.json is ours. Works
 * from src/ (tests) and from dist/src/ (the built command) alike.
 */
export function packageRoot(): string | undefined {
  let dir = __dirname;
  for (let depth = 0; depth < 6; depth++) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      try {
        const manifest = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: unknown };
        if (manifest.name === 'aml-vnet-auditor') return dir;
      } catch {
        // Not ours or unreadable: keep walking up.
      }
    }
    dir = dirname(dir);
  }
  return undefined;
}

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
