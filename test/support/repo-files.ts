/** The repository's files, for convention tests that read the code and docs as text. */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '../..');

/** Every file under `folder` (relative to the repository) whose name ends with one of `suffixes`, as absolute paths. */
export function repoFiles(folder: string, suffixes: readonly string[] = ['.ts']): string[] {
  const found: string[] = [];
  const visit = (path: string): void => {
    if (statSync(path).isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
    else if (suffixes.some((suffix) => path.endsWith(suffix))) found.push(path);
  };
  visit(join(REPO_ROOT, folder));
  return found;
}
