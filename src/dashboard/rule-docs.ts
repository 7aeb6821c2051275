import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The az CLI and Bicep fixes of a rule, from the Examples section of its doc
 * (src/rules/<family>/<name>.md). tsc does not copy .md files to dist, so the docs are read from
 * the package root at runtime (found from this file, in src/ or dist/src/) and cached; a missing
 * or unreadable doc gives no examples rather than an error.
 */
export interface RuleExamples {
  readonly azureCli: string | null;
  readonly bicep: string | null;
  /** The doc's path relative to the package root, when it exists. */
  readonly docPath: string | null;
}

const NO_EXAMPLES: RuleExamples = { azureCli: null, bicep: null, docPath: null };
const cache = new Map<string, RuleExamples>();

/** The folder holding package.json, looking up from `start`; undefined when there is none. */
export function packageRoot(start: string = __dirname): string | undefined {
  for (let folder = start; ; folder = dirname(folder)) {
    if (existsSync(join(folder, 'package.json'))) return folder;
    if (dirname(folder) === folder) return undefined;
  }
}

/** Rule IDs are `<family>.<name>` in kebab case (docs/ARCHITECTURE.md); anything else names no doc. */
export function ruleDocPath(ruleId: string): string | undefined {
  const match = /^([a-z0-9]+(?:-[a-z0-9]+)*)\.([a-z0-9]+(?:-[a-z0-9]+)*)$/.exec(ruleId);
  return match === null ? undefined : `src/rules/${match[1]}/${match[2]}.md`;
}

export function ruleExamples(ruleId: string, root: string | undefined = packageRoot()): RuleExamples {
  const key = `${root ?? ''}\n${ruleId}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const relative = ruleDocPath(ruleId);
  let examples = NO_EXAMPLES;
  if (root !== undefined && relative !== undefined) {
    try {
      examples = { ...examplesOf(readFileSync(join(root, relative), 'utf8')), docPath: relative };
    } catch {
      examples = NO_EXAMPLES;
    }
  }
  cache.set(key, examples);
  return examples;
}

/** The first fenced block under "### Azure CLI" and under "### Bicep" of the "## Examples" section. */
export function examplesOf(markdown: string): { azureCli: string | null; bicep: string | null } {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const start = lines.findIndex((line) => /^##\s+Examples\s*$/i.test(line));
  if (start < 0) return { azureCli: null, bicep: null };
  let end = lines.findIndex((line, index) => index > start && /^##\s/.test(line));
  if (end < 0) end = lines.length;
  const section = lines.slice(start + 1, end);
  return { azureCli: blockUnder(section, /^###\s+(Azure CLI|az CLI)\s*$/i), bicep: blockUnder(section, /^###\s+Bicep\s*$/i) };
}

function blockUnder(section: readonly string[], heading: RegExp): string | null {
  const at = section.findIndex((line) => heading.test(line));
  if (at < 0) return null;
  const open = section.findIndex((line, index) => index > at && /^(```|~~~)/.test(line));
  if (open < 0) return null;
  const nextHeading = section.findIndex((line, index) => index > at && /^###\s/.test(line));
  if (nextHeading >= 0 && nextHeading < open) return null;
  const fence = (section[open] as string).slice(0, 3);
  const close = section.findIndex((line, index) => index > open && line.startsWith(fence));
  if (close < 0) return null;
  const body = section.slice(open + 1, close).join('\n');
  return body.trim() === '' ? null : body;
}
