import { describe, expect, it } from 'vitest';
import { IPv4, IPv4CidrRange, IPv4Prefix } from 'ip-num';
import { cidrContains, cidrsOverlap, parseCidr, sameIpAddress, usableAddressCount } from '../../src/network';

// IPv4 records compare bounds computed from the dotted quad; ip-num stays the reference.
function sample(count: number): string[] {
  let seed = 12345;
  const next = (limit: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % limit;
  };
  const texts: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const address = [next(256), next(256), next(256), next(256)].join('.');
    texts.push(index % 7 === 0 ? address : `${address}/${next(33)}`);
  }
  return texts;
}

function reference(text: string): IPv4CidrRange {
  const [address = '', length] = text.split('/');
  return new IPv4CidrRange(IPv4.fromString(address), new IPv4Prefix(BigInt(length ?? 32)));
}

describe('IPv4 bounds agree with ip-num', () => {
  const texts = sample(400);

  it('network address, canonical form and size', () => {
    for (const text of texts) {
      const range = reference(text);
      const parsed = parseCidr(text);
      expect(parsed?.networkAddress).toBe(range.getFirst().toString());
      expect(parsed?.isCanonical).toBe(range.getFirst().isEquals(IPv4.fromString(text.split('/')[0] ?? '')));
      expect(usableAddressCount([text])).toBe(Math.max(Number(range.toRangeSet().getSize()) - 5, 0));
    }
  });

  it('containment, overlap and equality', () => {
    for (let index = 0; index + 1 < texts.length; index += 1) {
      const a = texts[index] ?? '';
      const b = texts[index + 1] ?? '';
      const left = reference(a).toRangeSet();
      const right = reference(b).toRangeSet();
      expect(cidrContains(a, b)).toBe(left.contains(right));
      expect(cidrsOverlap(a, b)).toBe(left.isOverlapping(right));
      expect(cidrsOverlap(a, a)).toBe(true);
    }
    expect(sameIpAddress('10.0.0.1', '10.0.0.1')).toBe(true);
    expect(sameIpAddress('10.0.0.1', '10.0.0.2')).toBe(false);
  });

  it('rejects what ip-num rejects', () => {
    for (const text of ['256.0.0.0/8', '10.0.0.01', '010.0.0.0/8', '1.2.3.4/33', '1.2.3', '00.1.2.3']) {
      expect(parseCidr(text)).toBeUndefined();
    }
    expect(parseCidr('0.0.0.0/0')?.cidr).toBe('0.0.0.0/0');
    expect(parseCidr('255.255.255.255')?.cidr).toBe('255.255.255.255/32');
  });
});
