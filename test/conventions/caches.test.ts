/**
 * Module-level state in the pure core (docs/ARCHITECTURE.md, "Caches"): a cache is either keyed by
 * an object of one estate (a WeakMap, dropped with the estate) or keyed by immutable text, bounded,
 * and cleared when full (results are a pure function of the key, so a cleared entry only costs
 * recomputing it). Tables built once from code (the rule registry) hold no input. Anything else
 * is state that outlives the estate it was built for, and fails here.
 */
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoFiles } from '../support/repo-files';

const root = resolve(__dirname, '../..');
const PURE = ['src/core', 'src/inventory', 'src/network', 'src/estate', 'src/rules', 'src/engine', 'src/report', 'src/remediation'];

/** The text-keyed caches, each with the bound its file enforces before adding to it. */
const BOUNDED: Readonly<Record<string, { readonly names: readonly string[]; readonly limit: string }>> = {
  'src/core/json.ts': { names: ['pathKeyLists'], limit: 'PATH_LIMIT' },
  'src/engine/audit.ts': { names: ['templates'], limit: 'TEMPLATE_LIMIT' },
  'src/network/cidr.ts': { names: ['memo'], limit: 'MEMO_LIMIT' },
  'src/network/nsg.ts': { names: ['sharedSides', 'sharedPorts', 'localContexts', 'peersWithoutIndex'], limit: '_LIMIT' },
  'src/network/nsg-parse.ts': { names: ['sharedLists'], limit: 'SHARED_LIST_LIMIT' },
  'src/rules/support/compute-subnets.ts': { names: ['labels'], limit: 'LABEL_LIMIT' },
};

interface ModuleState {
  readonly file: string;
  readonly name: string;
  readonly kind: 'Map' | 'Set' | 'WeakMap' | 'WeakSet';
  /** Built from code at load time (an argument given), rather than filled as input is judged. */
  readonly fromCode: boolean;
}

function moduleState(): ModuleState[] {
  const found: ModuleState[] = [];
  for (const folder of PURE) {
    for (const path of repoFiles(folder)) {
      const file = relative(root, path);
      for (const match of readFileSync(path, 'utf8').matchAll(/^(?:export )?(?:const|let) (\w+)(?::[^=]+)? = new (Map|Set|WeakMap|WeakSet)\s*(?:<[^(]*>)?\((.?)/gm)) {
        found.push({ file, name: match[1] ?? '', kind: match[2] as ModuleState['kind'], fromCode: match[3] !== ')' });
      }
    }
  }
  return found;
}

describe('caches in the pure core', () => {
  it('finds the module-level state it is about (the scan works)', () => {
    const names = moduleState().map((state) => `${state.file}:${state.name}`);
    expect(names).toContain('src/network/cidr.ts:memo');
    expect(names).toContain('src/rules/support/per-estate.ts:caches');
  });

  it('every module-level Map or Set is built from code or a bounded text-keyed cache; WeakMaps are keyed by objects', () => {
    const offenders: string[] = [];
    for (const state of moduleState()) {
      if (state.kind === 'WeakMap' || state.kind === 'WeakSet' || state.fromCode) continue;
      const bounded = BOUNDED[state.file];
      if (bounded === undefined || !bounded.names.includes(state.name)) offenders.push(`${state.file}: ${state.name} (an unbounded ${state.kind}: key it by the estate with a WeakMap, or bound it)`);
    }
    expect(offenders).toEqual([]);
  });

  it('each bounded cache is cleared when it reaches its limit', () => {
    for (const [file, { names, limit }] of Object.entries(BOUNDED)) {
      const text = readFileSync(resolve(root, file), 'utf8');
      for (const name of names) expect(text, `${file}: ${name}`).toMatch(new RegExp(`\\.size >= \\w*${limit}\\w*\\) \\w+\\.clear\\(\\)`));
      expect(text).toMatch(new RegExp(`const \\w*${limit}\\w* = [\\d_]+;`));
    }
  });
});
