/**
 * Where a JSON text first goes wrong. Node 20's JSON.parse names a position for some errors
 * ("… in JSON at position 6") but not for others ("Unexpected token '}', "…" is not valid
 * JSON"), and its message quotes the offending text, which in a snapshot is attacker-controlled.
 * This scanner runs only after JSON.parse has failed, and gives a position and a description
 * of our own. It is iterative (no recursion), so deeply nested input cannot overflow the stack.
 */
export interface JsonErrorLocation {
  /** 0-based offset in the text (UTF-16 code units). */
  readonly offset: number;
  /** 1-based line and column of the offset. */
  readonly line: number;
  readonly column: number;
  /** What is wrong there, in a few words, without quoting more than one character. */
  readonly problem: string;
}

type State = 'value' | 'value-or-end' | 'key' | 'key-or-end' | 'colon' | 'comma-or-end' | 'done';

export function locateJsonError(text: string): JsonErrorLocation | undefined {
  const found = scan(text);
  if (found === undefined) return undefined;
  return { ...lineAndColumn(text, found.offset), offset: found.offset, problem: found.problem };
}

/** 1-based line and column of an offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let index = text.indexOf('\n'); index !== -1 && index < end; index = text.indexOf('\n', index + 1)) {
    line++;
    lineStart = index + 1;
  }
  return { line, column: end - lineStart + 1 };
}

function describeChar(char: string | undefined): string {
  if (char === undefined) return 'end of input';
  const code = char.charCodeAt(0);
  // Printable ASCII is shown as is; anything else by code point, so no control character or
  // terminal escape from the file reaches the error line.
  if (code >= 0x21 && code <= 0x7e) return `'${char}'`;
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

function scan(text: string): { offset: number; problem: string } | undefined {
  const stack: Array<'{' | '['> = [];
  let state: State = 'value';
  let i = 0;
  const length = text.length;
  const unexpected = (at: number, expected: string) => ({
    offset: at,
    problem: at >= length ? `unexpected end of input, expected ${expected}` : `unexpected character ${describeChar(text[at])}, expected ${expected}`,
  });

  const afterValue = (): State => (stack.length === 0 ? 'done' : 'comma-or-end');

  while (true) {
    // Skip JSON whitespace.
    while (i < length) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
    if (i >= length) {
      return state === 'done' ? undefined : unexpected(i, expectedFor(state, stack));
    }
    const char = text[i] as string;
    switch (state) {
      case 'done':
        return { offset: i, problem: `unexpected ${describeChar(char)} after the end of the document` };
      case 'colon':
        if (char !== ':') return unexpected(i, "':'");
        i++;
        state = 'value';
        continue;
      case 'comma-or-end': {
        const top = stack[stack.length - 1];
        if (char === ',') {
          i++;
          state = top === '{' ? 'key' : 'value';
          continue;
        }
        if ((top === '{' && char === '}') || (top === '[' && char === ']')) {
          stack.pop();
          i++;
          state = afterValue();
          continue;
        }
        return unexpected(i, top === '{' ? "',' or '}'" : "',' or ']'");
      }
      case 'key':
      case 'key-or-end': {
        if (state === 'key-or-end' && char === '}') {
          stack.pop();
          i++;
          state = afterValue();
          continue;
        }
        if (char !== '"') return unexpected(i, state === 'key' ? 'a property name in double quotes' : "a property name in double quotes or '}'");
        const end = scanString(text, i);
        if (typeof end !== 'number') return end;
        i = end;
        state = 'colon';
        continue;
      }
      case 'value':
      case 'value-or-end': {
        if (state === 'value-or-end' && char === ']') {
          stack.pop();
          i++;
          state = afterValue();
          continue;
        }
        if (char === '{') {
          stack.push('{');
          i++;
          state = 'key-or-end';
          continue;
        }
        if (char === '[') {
          stack.push('[');
          i++;
          state = 'value-or-end';
          continue;
        }
        if (char === '"') {
          const end = scanString(text, i);
          if (typeof end !== 'number') return end;
          i = end;
          state = afterValue();
          continue;
        }
        const literal = ['true', 'false', 'null'].find((word) => text.startsWith(word, i));
        if (literal !== undefined) {
          i += literal.length;
          state = afterValue();
          continue;
        }
        const number = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
        if (number !== null && number[0] !== '-') {
          i += number[0].length;
          state = afterValue();
          continue;
        }
        return unexpected(i, 'a value');
      }
    }
  }
}

function expectedFor(state: State, stack: ReadonlyArray<'{' | '['>): string {
  switch (state) {
    case 'colon':
      return "':'";
    case 'key':
      return 'a property name';
    case 'key-or-end':
      return "a property name or '}'";
    case 'comma-or-end':
      return stack[stack.length - 1] === '{' ? "',' or '}'" : "',' or ']'";
    default:
      return 'a value';
  }
}

/** Offset just past the closing quote, or the error inside the string. */
function scanString(text: string, start: number): number | { offset: number; problem: string } {
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c < 0x20) return { offset: i, problem: `control character ${describeChar(text[i])} inside a string` };
    if (c === 0x5c) {
      const next = text[i + 1];
      if (next === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return { offset: i, problem: 'bad \\u escape inside a string' };
        i += 6;
        continue;
      }
      if (next === undefined || !'"\\/bfnrt'.includes(next)) return { offset: i, problem: 'bad escape inside a string' };
      i += 2;
      continue;
    }
    i++;
  }
  return { offset: text.length, problem: 'unterminated string' };
}
