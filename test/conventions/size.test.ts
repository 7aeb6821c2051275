/**
 * A source file over 500 lines says why in its header ("Longer than 500 lines: …"), so a big file
 * is a decision someone wrote down, never an accident that grows.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../..');
const LIMIT = 500;

function sources(folder: string): string[] {
  const found: string[] = [];
  const visit = (path: string): void => {
    if (statSync(path).isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
    else if (path.endsWith('.ts')) found.push(path);
  };
  visit(join(root, folder));
  return found;
}

describe('file size', () => {
  it(`every file of src/ and functions/ over ${LIMIT} lines gives its reason in its header`, () => {
    const unexplained = [...sources('src'), ...sources('functions')]
      .map((path) => ({ path: relative(root, path), text: readFileSync(path, 'utf8') }))
      .filter(({ text }) => text.split('\n').length > LIMIT)
      .filter(({ text }) => !/^\/\*\*[\s\S]*?Longer than 500 lines: [\s\S]*?\*\//.test(text))
      .map(({ path }) => path);
    expect(unexplained).toEqual([]);
  });
});
