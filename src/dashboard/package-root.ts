/** Where the package is installed: the dashboard reads its built bundle, or its sources under tests, from there. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The folder holding package.json, looking up from `start`; undefined when there is none. */
export function packageRoot(start: string = __dirname): string | undefined {
  for (let folder = start; ; folder = dirname(folder)) {
    if (existsSync(join(folder, 'package.json'))) return folder;
    if (dirname(folder) === folder) return undefined;
  }
}

