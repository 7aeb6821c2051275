/**
 * A source file over 500 lines says why in its header ("Longer than 500 lines: …"), so a big file
 * is a decision someone wrote down, never an accident that grows.
 */
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoFiles } from '../support/repo-files';

const root = resolve(__dirname, '../..');
const LIMIT = 500;

describe('file size', () => {
  it(`every file of src/ and functions/ over ${LIMIT} lines gives its reason in its header`, () => {
    const unexplained = [...repoFiles('src'), ...repoFiles('functions')]
      .map((path) => ({ path: relative(root, path), text: readFileSync(path, 'utf8') }))
      .filter(({ text }) => text.split('\n').length > LIMIT)
      .filter(({ text }) => !/^\/\*\*[\s\S]*?Longer than 500 lines: [\s\S]*?\*\//.test(text))
      .map(({ path }) => path);
    expect(unexplained).toEqual([]);
  });
});
