/**
 * `defineRule` infers a rule's message IDs from `meta.messages` and its target from `subjects`:
 * compiled here with the project's compiler options, a check that names an undeclared message, or
 * reads a field its target does not have, does not compile; a declared one does.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../..');
const VIRTUAL = join(root, 'test/rules/__define-rule-probe.ts');

function diagnosticsOf(source: string): string[] {
  const config = ts.readConfigFile(join(root, 'tsconfig.json'), (path) => readFileSync(path, 'utf8'));
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const host = ts.createCompilerHost({ ...options, incremental: false, noEmit: true });
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, language, onError, create) =>
    resolve(fileName) === VIRTUAL ? ts.createSourceFile(fileName, source, language) : read(fileName, language, onError, create);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => resolve(fileName) === VIRTUAL || fileExists(fileName);
  const program = ts.createProgram([VIRTUAL], { ...options, incremental: false, noEmit: true }, host);
  return ts.getPreEmitDiagnostics(program, program.getSourceFile(VIRTUAL)).map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
}

const rule = (check: string): string => `
import { defineRule } from '../../src/rules/types';
export const probe = defineRule({
  meta: {
    id: 'probe.rule', title: 't', severity: 'low', source: { document: '000', section: 's', quote: 'q' },
    description: 'd', remediation: 'r', enabledByDefault: true, guidance: { status: 'current' },
    messages: { good: 'Good {{name}}.', bad: 'Bad {{name}}.' },
  },
  subjects: () => [{ resourceId: '/x', workspaceIds: [], target: { name: 'n', size: 3 } }],
  check: ({ target }) => ${check},
});
`;

describe('defineRule', () => {
  it('accepts a check that names declared messages, with data and evidence that differ by branch', () => {
    expect(diagnosticsOf(rule("target.size > 2 ? { status: 'pass', messageId: 'good', data: { name: target.name } } : { status: 'fail', messageId: 'bad', data: { name: target.name, size: target.size }, evidence: { size: target.size } }"))).toEqual([]);
  }, 60_000);

  it('refuses a message ID meta.messages does not declare', () => {
    expect(diagnosticsOf(rule("({ status: 'fail', messageId: 'ugly', data: { name: target.name } })")).join('\n')).toMatch(/ugly/);
  }, 60_000);

  it('types the target from subjects', () => {
    expect(diagnosticsOf(rule("({ status: 'pass', messageId: 'good', data: { name: target.missing } })")).join('\n')).toMatch(/missing/);
  }, 60_000);
});
