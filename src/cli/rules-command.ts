import { allRules } from '../rules/registry';
import type { AnyRule } from '../rules/types';
import { flagOption, parseOptions, stringOption } from './args';
import type { CliCommand } from './io';
import { EXIT, UsageError } from './io';

const HELP = [
  'Usage: aml-vnet-audit rules [--format table|json]',
  '',
  'Lists every rule: ID, severity, whether it runs by default, and title (json: also the source',
  'document and section). The catalogue with what each rule requires: docs/rules.md.',
  '',
  'Exit status: 0 done; 2 bad usage.',
].join('\n');

export function createRulesCommand(registry: readonly AnyRule[] = allRules): CliCommand {
  return {
    name: 'rules',
    summary: 'list the rules (ID, severity, title)',
    help: HELP,
    async run(argv, io) {
      const { values, positionals } = parseOptions(argv, { format: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, 'rules');
      if (flagOption(values, 'help')) {
        io.stdout.write(`${HELP}\n`);
        return EXIT.ok;
      }
      if (positionals.length > 0) throw new UsageError(`rules: unexpected argument '${positionals[0]}'`);
      const format = stringOption(values, 'format') ?? 'table';
      if (format === 'json') {
        const rules = registry.map(({ meta }) => ({
          id: meta.id,
          title: meta.title,
          severity: meta.severity,
          enabledByDefault: meta.enabledByDefault,
          description: meta.description,
          remediation: meta.remediation,
          source: { document: meta.source.document, section: meta.source.section },
          guidance: meta.guidance,
        }));
        io.stdout.write(`${JSON.stringify(rules, null, 2)}\n`);
        return EXIT.ok;
      }
      if (format !== 'table') throw new UsageError(`rules: unknown --format '${format}' (choose table, json)`);
      const idWidth = Math.max(2, ...registry.map((rule) => rule.meta.id.length));
      const lines = [`${'ID'.padEnd(idWidth)}  SEVERITY  DEFAULT  TITLE`];
      for (const { meta } of registry) {
        lines.push(`${meta.id.padEnd(idWidth)}  ${meta.severity.padEnd(8)}  ${(meta.enabledByDefault ? 'on' : 'off').padEnd(7)}  ${meta.title}`);
      }
      lines.push('', `${registry.length} rule${registry.length === 1 ? '' : 's'}.`);
      io.stdout.write(`${lines.join('\n')}\n`);
      return EXIT.ok;
    },
  };
}
