/**
 * FQDN patterns of Azure Firewall application rules (firewall.aml-hosts). Case-insensitive.
 * `*` covers every name; `*.x` covers every name below x (a.x, a.b.x) and the narrower patterns
 * `*.x` and `*.sub.x`, but not x itself; an exact name covers only itself. Any other use of `*`
 * is not a pattern Azure Firewall documents, so it covers only its own text (never a guess).
 */

const MAX_FQDN = 253;

function normalise(name: unknown): string | undefined {
  if (typeof name !== 'string') return undefined;
  const lowered = name.trim().toLowerCase();
  // One trailing dot is the DNS root ("ml.azure.com."); "*." or "a.." are not names.
  const trimmed = lowered.endsWith('.') ? lowered.slice(0, -1) : lowered;
  if (trimmed.length === 0 || trimmed.length > MAX_FQDN || trimmed.endsWith('.') || trimmed.endsWith('*.') || lowered === '*.') return undefined;
  return trimmed;
}

/** Whether the firewall target `pattern` covers the required name or pattern `required`. */
export function fqdnCovers(pattern: string, required: string): boolean {
  const target = normalise(pattern);
  const wanted = normalise(required);
  if (target === undefined || wanted === undefined) return false;
  if (target === '*') return true;
  if (target.startsWith('*.')) {
    const suffix = target.slice(2);
    if (suffix.length === 0 || suffix.includes('*')) return false;
    // '*.x' is covered by '*.x' and by a broader '*.…x'; a name is covered when it lies below x.
    const below = wanted.startsWith('*.') ? wanted.slice(2) : wanted;
    if (wanted.startsWith('*.') && below === suffix) return true;
    return below.endsWith(`.${suffix}`) && !below.slice(0, -(suffix.length + 1)).includes('*');
  }
  return target === wanted && !target.includes('*');
}
