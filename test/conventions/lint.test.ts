/**
 * Type-aware linting (typescript-eslint, eslint.config.mjs) as part of `npm test`, so CI's count
 * shows a lint problem as a failed test naming the file, line and rule. `npm run lint` runs the
 * same check from the command line.
 */
import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../..');

describe('lint', () => {
  it('src/, functions/, bench/ and test/ pass eslint.config.mjs with no warning', { timeout: 240_000 }, async () => {
    const eslint = new ESLint({ cwd: root });
    const results = await eslint.lintFiles(['src', 'functions', 'bench', 'test']);
    expect(results.length).toBeGreaterThan(200);
    const problems = results.flatMap((result) => result.messages.map((message) => `${result.filePath.slice(root.length + 1)}:${message.line}:${message.column} ${message.ruleId ?? 'parse'}: ${message.message}`));
    expect(problems).toEqual([]);
  });
});
