import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The package root: the nearest directory at or above `start` whose package.json is ours. Works
 * from src/ (tests) and from dist/src/ (the built command and app) alike, and inside another
 * project's node_modules (a package.json that is not ours is walked past).
 */
export function packageRoot(start: string = __dirname): string | undefined {
  let dir = start;
  for (let depth = 0; depth < 8; depth++) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      try {
        const manifest = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: unknown };
        if (manifest.name === 'aml-vnet-auditor') return dir;
      } catch {
        // Unreadable: keep walking up.
      }
    }
    if (dirname(dir) === dir) return undefined;
    dir = dirname(dir);
  }
  return undefined;
}
