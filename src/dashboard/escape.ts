/**
 * HTML escaping for what the server renders. Every string that comes from Azure (resource
 * names, tags, messages built from them) is attacker-controlled, so everything
 * interpolated into markup goes through one of these; nothing is trusted because of its origin.
 */

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Text content and attribute values (quoted with "): escapes both contexts' special characters. */
export function escapeHtml(value: string | number): string {
  return String(value).replace(/[&<>"'`]/g, (character) => HTML_ESCAPES[character] ?? character);
}

/** A template tag: `html\`<p>${name}</p>\`` escapes every interpolation unless it is a `SafeHtml`. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export function html(strings: TemplateStringsArray, ...values: readonly (string | number | SafeHtml | readonly SafeHtml[])[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    if (value instanceof SafeHtml) out += value.value;
    else if (Array.isArray(value)) out += value.map((item: SafeHtml) => item.value).join('');
    else out += escapeHtml(value as string | number);
    out += strings[index + 1] ?? '';
  });
  return new SafeHtml(out);
}
