import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { UsageError } from './io';

export type OptionsConfig = NonNullable<ParseArgsConfig['options']>;
export type ParsedValues = Readonly<Record<string, string | boolean | readonly (string | boolean)[] | undefined>>;

/**
 * node:util parseArgs, strict, with its errors turned into one-line usage errors. Arguments that
 * directly follow an option declared `multiple` are more values of it: `--subscription A B C` is
 * `--subscription A --subscription B --subscription C`, as the usage lines write "ID…".
 */
export function parseOptions(argv: readonly string[], options: OptionsConfig, command: string): { values: ParsedValues; positionals: string[] } {
  try {
    const { values, positionals, tokens } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true, tokens: true });
    const extra = new Map<string, string[]>();
    const left: string[] = [];
    let list: string | undefined;
    for (const token of tokens) {
      if (token.kind === 'option') list = options[token.name]?.multiple === true && token.value !== undefined ? token.name : undefined;
      else if (token.kind === 'positional' && list !== undefined) extra.set(list, [...(extra.get(list) ?? []), token.value]);
      else if (token.kind === 'positional') left.push(token.value);
      else list = undefined;
    }
    if (extra.size === 0) return { values: values, positionals };
    const merged: Record<string, unknown> = { ...values };
    for (const [name, more] of extra) merged[name] = [...((values as Record<string, unknown[]>)[name] ?? []), ...more];
    return { values: merged as ParsedValues, positionals: left };
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String((error as { code: unknown }).code) : '';
    const message = error instanceof Error ? error.message : String(error);
    // parseArgs explains at length how to pass positionals that start with '-'; the first sentence is the point.
    const first = message.split(/\.\s/)[0]?.replace(/\.$/, '') ?? message;
    throw new UsageError(`${command}: ${code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? first.replace(/^Unknown option/, 'unknown option') : first} (see '${command} --help')`);
  }
}

export function stringOption(values: ParsedValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

export function stringListOption(values: ParsedValues, name: string): string[] {
  const value = values[name];
  const items = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return items.filter((item): item is string => typeof item === 'string');
}

export function flagOption(values: ParsedValues, name: string): boolean {
  return values[name] === true;
}
