/**
 * The layering docs/ARCHITECTURE.md draws, held by the imports themselves: `functions/` → `src/app`
 * services → pure core, each folder of src/ importing only the folders below it (so no folder
 * cycles), only the local host importing `functions/`, and a folder with an `index.ts` reached
 * through it, never around it. Type-only imports count too: they are dependencies a reader follows.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { repoFiles } from '../support/repo-files';

const root = resolve(__dirname, '../..');

/** Which folders each folder may import (besides itself and packages). The one table of the layers. */
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  'src/core': [],
  'src/azurite': [],
  'src/inventory': ['src/core'],
  'src/network': ['src/core', 'src/inventory'],
  'src/estate': ['src/core', 'src/inventory', 'src/network'],
  'src/rules': ['src/core', 'src/estate', 'src/network'],
  'src/engine': ['src/core', 'src/estate', 'src/rules'],
  'src/report': ['src/core', 'src/engine', 'src/rules'],
  'src/live': ['src/core', 'src/inventory'],
  'src/remediation': ['src/core', 'src/inventory', 'src/estate', 'src/network', 'src/rules', 'src/engine'],
  'src/store': ['src/core', 'src/engine', 'src/report', 'src/rules', 'src/azurite'],
  'src/dashboard': ['src/core', 'src/engine', 'src/estate', 'src/rules', 'src/store'],
  'src/cli': ['src/core', 'src/inventory', 'src/estate', 'src/engine', 'src/rules', 'src/report', 'src/live', 'src/store', 'src/remediation'],
  'src/app': ['src/core', 'src/inventory', 'src/estate', 'src/engine', 'src/report', 'src/live', 'src/store', 'src/dashboard', 'src/remediation'],
  functions: ['src/app', 'src/dashboard'],
  'src/local': ['src/app', 'src/azurite', 'src/dashboard', 'functions'],
};

interface Import {
  readonly from: string;
  readonly specifier: string;
  /** The imported file or folder, relative to the repository, without extension. */
  readonly target: string;
}

function relativeImports(): Import[] {
  const imports: Import[] = [];
  for (const path of [...repoFiles('src'), ...repoFiles('functions')]) {
    // The compiler's own scanner: static, type-only, re-exports and dynamic import() alike.
    const { importedFiles } = ts.preProcessFile(readFileSync(path, 'utf8'), true, true);
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith('.')) continue;
      imports.push({ from: relative(root, path), specifier: fileName, target: relative(root, resolve(dirname(path), fileName)).replace(/\.(js|ts)$/, '') });
    }
  }
  return imports;
}

/** `src/<folder>` for code under src/, `functions` for the triggers. */
function folderOf(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[0] === 'src' ? `src/${parts[1] ?? ''}` : (parts[0] ?? '');
}

const imports = relativeImports();

describe('layers', () => {
  it('reads the imports (the scanner sees them)', () => {
    expect(imports.length).toBeGreaterThan(300);
    expect(imports.some((item) => item.from === join('functions', 'index.ts') && item.target === join('src', 'app', 'azure'))).toBe(true);
  });

  it('every folder of src/ and functions/ has its place in the table', () => {
    const folders = new Set(imports.map((item) => folderOf(item.from)));
    for (const name of readdirSync(join(root, 'src'))) if (statSync(join(root, 'src', name)).isDirectory()) folders.add(`src/${name}`);
    expect([...folders].filter((folder) => MAY_IMPORT[folder] === undefined)).toEqual([]);
  });

  it('each folder imports only the folders below it', () => {
    const outOfLayer = imports
      .filter((item) => {
        const [from, to] = [folderOf(item.from), folderOf(item.target)];
        return from !== to && !(MAY_IMPORT[from] ?? []).includes(to);
      })
      .map((item) => `${item.from} imports ${item.specifier}`);
    expect(outOfLayer).toEqual([]);
  });

  it('the table has no cycle, so neither do the folders', () => {
    const visiting = new Set<string>();
    const done = new Set<string>();
    const cycles: string[] = [];
    const visit = (folder: string, path: readonly string[]): void => {
      if (done.has(folder)) return;
      if (visiting.has(folder)) {
        cycles.push([...path, folder].join(' → '));
        return;
      }
      visiting.add(folder);
      for (const next of MAY_IMPORT[folder] ?? []) visit(next, [...path, folder]);
      visiting.delete(folder);
      done.add(folder);
    };
    for (const folder of Object.keys(MAY_IMPORT)) visit(folder, []);
    expect(cycles).toEqual([]);
  });

  it('only the local host imports functions/ (the Functions host loads it in Azure)', () => {
    const importers = new Set(imports.filter((item) => folderOf(item.target) === 'functions' && folderOf(item.from) !== 'functions').map((item) => folderOf(item.from)));
    expect([...importers]).toEqual(['src/local']);
  });

  it('a folder with an index.ts is reached through it from other folders', () => {
    const withEntry = new Set(readdirSync(join(root, 'src')).filter((name) => statSync(join(root, 'src', name)).isDirectory() && readdirSync(join(root, 'src', name)).includes('index.ts')).map((name) => `src/${name}`));
    expect(withEntry.size).toBeGreaterThan(5);
    const around = imports
      .filter((item) => {
        const to = folderOf(item.target);
        return to !== folderOf(item.from) && withEntry.has(to) && item.target !== join(...to.split('/'));
      })
      .map((item) => `${item.from} imports ${item.specifier}`);
    expect(around).toEqual([]);
  });

  it('only the app entry has import side effects among the triggers', () => {
    const bare = [...repoFiles('functions'), ...repoFiles('src')].flatMap((path) =>
      [...readFileSync(path, 'utf8').matchAll(/^import\s+['"]([^'"]+)['"];?$/gm)].map((match) => `${relative(root, path)}: ${match[1] ?? ''}`),
    );
    expect(bare.every((line) => line.startsWith(join('functions', 'index.ts')))).toBe(true);
  });

  it('rules read the estate\'s typed views, never a resource\'s raw row', () => {
    const raw = repoFiles(join('src', 'rules')).filter((path) => /\.raw\b/.test(readFileSync(path, 'utf8'))).map((path) => relative(root, path));
    expect(raw).toEqual([]);
  });
});
