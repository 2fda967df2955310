import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { classifyAddress } from './address-classification.js';
import type { AddressClass, AddressClassification } from './address-classification.js';
import { DestinationNotAllowedError } from './destination-not-allowed.error.js';

export interface DestinationPolicyOptions {
  /** `WEBHOOK_ALLOW_PRIVATE_NETWORKS`: lets `PRIVATE_NETWORK_CLASSES` through. */
  readonly allowPrivateNetworks: boolean;
  /** `WEBHOOK_ALLOWED_CIDRS`, already validated: ranges allowed whatever their class. */
  readonly allowedCidrs: readonly string[];
}

/**
 * What `WEBHOOK_ALLOW_PRIVATE_NETWORKS` opens: the ranges a developer's receiver or a test's
 * listener lives on. Link-local stays refused (169.254.169.254 and fe80:: host the cloud
 * metadata services, the classic SSRF prize), as do unspecified, multicast, broadcast and
 * reserved ranges, which no receiver lives on; `WEBHOOK_ALLOWED_CIDRS` opens any of them
 * deliberately.
 */
export const PRIVATE_NETWORK_CLASSES: ReadonlySet<AddressClass> = new Set<AddressClass>([
  'loopback',
  'private',
  'carrierGradeNat',
  'uniqueLocal',
]);

const DESCRIPTIONS: Readonly<Record<Exclude<AddressClass, 'public' | 'special'>, string>> = {
  loopback: 'a loopback address',
  unspecified: 'an unspecified address',
  private: 'a private (RFC 1918) address',
  carrierGradeNat: 'a carrier-grade NAT (RFC 6598) address',
  linkLocal: 'a link-local address (where cloud metadata services live)',
  uniqueLocal: 'a unique local (RFC 4193) address',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
  reserved: 'a reserved address (documentation, benchmarking or future use)',
  ipv4Compatible: 'a deprecated IPv4-compatible address',
  localUseNat64: 'a local-use NAT64 (RFC 8215) address',
  notGlobalUnicast: 'an address outside the IPv6 global unicast space (2000::/3)',
  notAnAddress: 'not an IP address',
};

/**
 * The SSRF guard's decision, pure: which IP addresses a webhook may connect to. Public
 * unicast is allowed; everything else is refused unless `allowedCidrs` contains it or
 * `allowPrivateNetworks` covers its class. The worker asks it for every address of every
 * connection (after DNS); the API asks it about what the URL alone already says.
 */
export class DestinationPolicy {
  private readonly ranges: ReadonlyArray<[ipaddr.IPv4 | ipaddr.IPv6, number]>;

  constructor(readonly options: DestinationPolicyOptions) {
    this.ranges = options.allowedCidrs.map((cidr) => ipaddr.parseCIDR(cidr));
  }

  /** Public unicast only: the default, and what a process without configuration gets. */
  static publicOnly(): DestinationPolicy {
    return new DestinationPolicy({ allowPrivateNetworks: false, allowedCidrs: [] });
  }

  /**
   * `undefined` if a connection to `address` is allowed, else the error to fail it with.
   * `hostname`: the name that resolved to `address`, for the message.
   */
  refusalFor(address: string, hostname?: string): DestinationNotAllowedError | undefined {
    const classification = classifyAddress(address);
    const { addressClass } = classification;
    if (addressClass === 'public') return undefined;
    if (this.inAllowedRange(classification)) return undefined;
    const coveredByOptOut = isPrivateNetwork(classification);
    if (this.options.allowPrivateNetworks && coveredByOptOut) return undefined;
    const description = describe(classification);
    const reason =
      hostname === undefined || hostname === address
        ? `${classification.address} is ${description}`
        : `${hostname} resolved to ${classification.address}, ${description}`;
    return new DestinationNotAllowedError(
      `${reason}${hint(addressClass, coveredByOptOut)}`,
      classification.address,
      addressClass,
    );
  }

  /**
   * What the URL alone tells (the API's early check): a literal IP address in any encoding
   * (the WHATWG parser has already turned `127.1`, `2130706433`, `0x7f000001` and
   * `0177.0.0.1` into `127.0.0.1`, and `[::ffff:127.0.0.1]` into `[::ffff:7f00:1]`), and
   * `localhost` names. Userinfo plays no part: `url.hostname` is the host connected to.
   * Any other name is `undefined` here; it is judged when it is resolved, at connect time.
   */
  refusalForUrl(url: URL): DestinationNotAllowedError | undefined {
    const host = url.hostname;
    if (host.startsWith('[') && host.endsWith(']')) return this.refusalFor(host.slice(1, -1));
    if (isIP(host) !== 0) return this.refusalFor(host);
    // `localhost.` is the same name, fully qualified.
    const name = host.replace(/\.$/, '');
    if (name === 'localhost' || name.endsWith('.localhost')) {
      // RFC 6761 §6.3: these names always mean the loopback interface, whatever DNS says.
      const loopbackAllowed =
        this.refusalFor('127.0.0.1') === undefined || this.refusalFor('::1') === undefined;
      if (loopbackAllowed) return undefined;
      return new DestinationNotAllowedError(
        `${name} is a loopback name (RFC 6761)${hint('loopback', true)}`,
        name,
        'loopback',
      );
    }
    return undefined;
  }

  private inAllowedRange(classification: AddressClassification): boolean {
    if (this.ranges.length === 0 || classification.addressClass === 'notAnAddress') return false;
    const address = ipaddr.parse(classification.address);
    // An IPv4-mapped address is that IPv4 address on the wire, so `10.0.0.0/8` covers
    // `::ffff:10.1.2.3`. Other embeddings go through a gateway or relay: only their own
    // IPv6 range can allow them.
    const candidates: Array<ipaddr.IPv4 | ipaddr.IPv6> =
      address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()
        ? [address, (address as ipaddr.IPv6).toIPv4Address()]
        : [address];
    return candidates.some((candidate) =>
      this.ranges.some(
        ([network, prefixLength]) =>
          network.kind() === candidate.kind() && candidate.match(network, prefixLength),
      ),
    );
  }
}

function describe(classification: AddressClassification): string {
  const { addressClass, embedded, rangeName } = classification;
  const base =
    addressClass === 'public'
      ? 'a public address'
      : addressClass === 'special'
        ? `a special-purpose address (${rangeName ?? 'unnamed'})`
        : DESCRIPTIONS[addressClass];
  return embedded === undefined ? base : `the ${embedded.form} form of ${embedded.ipv4}, ${base}`;
}

/**
 * Whether `WEBHOOK_ALLOW_PRIVATE_NETWORKS` covers the address: its class is a private-network
 * one and a socket reaches it directly. An IPv4-mapped address is its IPv4 address on the
 * wire; NAT64, 6to4, Teredo and IPv4-compatible forms go through a translator, relay or
 * tunnel (possibly on the internet), so the opt-out does not stretch to them.
 */
function isPrivateNetwork({ addressClass, embedded }: AddressClassification): boolean {
  const direct = embedded === undefined || embedded.form === 'IPv4-mapped';
  return direct && PRIVATE_NETWORK_CLASSES.has(addressClass);
}

/** Which setting would let the address through, so that the operator knows where to look. */
function hint(addressClass: AddressClass, coveredByOptOut: boolean): string {
  if (addressClass === 'notAnAddress') return '';
  return coveredByOptOut
    ? ' (WEBHOOK_ALLOWED_CIDRS / WEBHOOK_ALLOW_PRIVATE_NETWORKS)'
    : ' (WEBHOOK_ALLOWED_CIDRS)';
}
