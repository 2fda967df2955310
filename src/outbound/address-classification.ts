import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Why an address is, or is not, a public unicast destination. The names follow ipaddr.js's
 * `range()` where it has one; the rest are the cases its table lacks (see `classifyIpv6`).
 */
export type AddressClass =
  | 'public'
  | 'loopback'
  | 'unspecified'
  | 'private'
  | 'carrierGradeNat'
  | 'linkLocal'
  | 'uniqueLocal'
  | 'multicast'
  | 'broadcast'
  | 'reserved'
  | 'ipv4Compatible'
  | 'localUseNat64'
  | 'notGlobalUnicast'
  | 'special'
  | 'notAnAddress';

/** How an IPv6 address carries an IPv4 one that was judged instead of it. */
export type EmbeddingForm = 'IPv4-mapped' | 'IPv4-compatible' | 'NAT64' | '6to4' | 'Teredo';

export interface AddressClassification {
  readonly addressClass: AddressClass;
  /** The address as judged, normalised (`::ffff:7f00:1`, not `::ffff:127.0.0.1`). */
  readonly address: string;
  /** Set when the verdict is that of an IPv4 address inside this IPv6 one. */
  readonly embedded?: { readonly form: EmbeddingForm; readonly ipv4: string };
  /** ipaddr.js's name for a `special` range, for the message. */
  readonly rangeName?: string;
}

/**
 * IPv4 ranges of ipaddr.js 2.5 that are public unicast. AS112 (RFC 7534/7535) and AMT
 * (RFC 7450) are globally reachable anycast services in IANA's special-purpose registry.
 * Every other named range is refused, including ranges a later ipaddr.js adds: a new
 * special-purpose block is refused until someone decides it is public (fail closed).
 */
const PUBLIC_IPV4_RANGES: ReadonlySet<string> = new Set(['unicast', 'as112', 'amt']);
const PUBLIC_IPV6_RANGES: ReadonlySet<string> = new Set(['unicast', 'amt', 'as112v6']);

/** ipaddr.js range names that keep their own class; other non-public names are `special`. */
const NAMED_CLASSES: Readonly<Record<string, AddressClass>> = {
  loopback: 'loopback',
  unspecified: 'unspecified',
  private: 'private',
  carrierGradeNat: 'carrierGradeNat',
  linkLocal: 'linkLocal',
  uniqueLocal: 'uniqueLocal',
  multicast: 'multicast',
  broadcast: 'broadcast',
  reserved: 'reserved',
};

/**
 * Classifies one IP address given as text, exactly as `net.isIP` accepts it (canonical
 * dotted-quad IPv4, or IPv6 with an optional zone). Anything else is `notAnAddress`:
 * `127.1`, `2130706433` or `0177.0.0.1` are host names to a socket, which resolves them
 * (and whose answer is judged); read here with inet_aton's rules they could be judged as
 * another address than the one connected to (`010.0.0.1` is 8.0.0.1 to inet_aton but
 * 10.0.0.1 to a strict reader).
 */
export function classifyAddress(text: string): AddressClassification {
  // The zone (`fe80::1%eth0`) picks an interface; it does not change the address's class.
  const withoutZone = text.replace(/%.*$/, '');
  switch (isIP(withoutZone)) {
    case 4:
      return classifyIpv4(ipaddr.IPv4.parse(withoutZone));
    case 6:
      return classifyIpv6(ipaddr.IPv6.parse(hexTail(withoutZone)));
    default:
      return { addressClass: 'notAnAddress', address: text };
  }
}

function classifyIpv4(address: ipaddr.IPv4): AddressClassification {
  const range: string = address.range();
  const text = address.toString();
  if (PUBLIC_IPV4_RANGES.has(range)) return { addressClass: 'public', address: text };
  const named = NAMED_CLASSES[range];
  if (named !== undefined) return { addressClass: named, address: text };
  return { addressClass: 'special', address: text, rangeName: range };
}

/**
 * IPv6, with what ipaddr.js's table does not say on its own:
 * - IPv4-mapped (`::ffff:0:0/96`), NAT64 well-known prefix (`64:ff9b::/96`, RFC 6052), 6to4
 *   (`2002::/16`, RFC 3056) and Teredo (`2001::/32`, RFC 4380) are named there but not
 *   judged by the IPv4 address they carry: a NAT64 gateway, a 6to4 relay or the kernel's
 *   mapped-address path would deliver to that IPv4 address, so it is the one judged.
 * - IPv4-compatible (`::a.b.c.d`, deprecated by RFC 4291 §2.5.5.1) falls into its
 *   `unicast`; Linux still routes `::/96` through the `sit0` tunnel when that module is
 *   loaded. Always refused; the message names the embedded address when it is internal.
 * - Local-use NAT64 (`64:ff9b:1::/48`, RFC 8215) embeds IPv4 at an operator-chosen prefix
 *   length, so the embedded address cannot be read: refused as a whole.
 * - Everything outside `2000::/3`, the only block IANA allocates for global unicast, is not
 *   public even when ipaddr.js calls it `unicast` (e.g. `1::1`, `4000::1`).
 */
function classifyIpv6(address: ipaddr.IPv6): AddressClassification {
  const range: string = address.range();
  const text = address.toString();
  const parts = address.parts;
  switch (range) {
    case 'ipv4Mapped':
      return judgeEmbedded(text, 'IPv4-mapped', ipv4From(parts[6], parts[7]));
    case 'rfc6052':
      if (parts[2] === 0 && parts[3] === 0 && parts[4] === 0 && parts[5] === 0) {
        return judgeEmbedded(text, 'NAT64', ipv4From(parts[6], parts[7]));
      }
      return { addressClass: 'localUseNat64', address: text };
    case '6to4':
      return judgeEmbedded(text, '6to4', ipv4From(parts[1], parts[2]));
    case 'teredo': {
      // RFC 4380 §4: the server's IPv4 in bits 32-63, the client's inverted in bits 96-127.
      const server = judgeEmbedded(text, 'Teredo', ipv4From(parts[2], parts[3]));
      if (server.addressClass !== 'public') return server;
      return judgeEmbedded(text, 'Teredo', ipv4From(~(parts[6] ?? 0), ~(parts[7] ?? 0)));
    }
    case 'unicast':
      if (parts.slice(0, 6).every((part) => part === 0)) {
        const embedded = judgeEmbedded(text, 'IPv4-compatible', ipv4From(parts[6], parts[7]));
        return embedded.addressClass === 'public'
          ? { addressClass: 'ipv4Compatible', address: text }
          : embedded;
      }
      // 2000::/3: the top three bits are 001.
      if (((parts[0] ?? 0) & 0xe000) !== 0x2000) {
        return { addressClass: 'notGlobalUnicast', address: text };
      }
      return { addressClass: 'public', address: text };
    default: {
      if (PUBLIC_IPV6_RANGES.has(range)) return { addressClass: 'public', address: text };
      const named = NAMED_CLASSES[range];
      if (named !== undefined) return { addressClass: named, address: text };
      return { addressClass: 'special', address: text, rangeName: range };
    }
  }
}

function judgeEmbedded(
  text: string,
  form: EmbeddingForm,
  ipv4: ipaddr.IPv4,
): AddressClassification {
  const inner = classifyIpv4(ipv4);
  return {
    addressClass: inner.addressClass,
    address: text,
    embedded: { form, ipv4: inner.address },
  };
}

function ipv4From(high: number | undefined, low: number | undefined): ipaddr.IPv4 {
  const h = (high ?? 0) & 0xffff;
  const l = (low ?? 0) & 0xffff;
  return new ipaddr.IPv4([h >> 8, h & 0xff, l >> 8, l & 0xff]);
}

/**
 * ipaddr.js 2.5 reads `::a.b.c.d` as `::ffff:a.b.c.d`: it would take the IPv4-compatible
 * `::8.8.8.8` for the mapped one and call it public. Rewriting a dotted tail as two hex
 * groups first makes it parse the address that was written.
 */
function hexTail(text: string): string {
  const match = /^(.*:)(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/.exec(text);
  if (match === null) return text;
  const [a, b, c, d] = ipaddr.IPv4.parse(match[2] ?? '').octets;
  const high = (((a ?? 0) << 8) | (b ?? 0)).toString(16);
  const low = (((c ?? 0) << 8) | (d ?? 0)).toString(16);
  return `${match[1] ?? ''}${high}:${low}`;
}
