/**
 * Which network addresses the crawler may connect to. A business types any URL into the knowledge API;
 * without this, a URL (or a redirect, or a DNS name) pointing at 169.254.169.254 or 10.x would make the
 * crawler read the cloud's metadata service or internal systems and index them for anyone to ask about.
 */
import ipaddr from 'ipaddr.js';

export interface AddressPolicy {
  /** Loopback only, for the local runtime and tests (CRAWLER_ALLOW_PRIVATE_HOSTS); never other ranges. */
  readonly allowLoopback: boolean;
}

export class BlockedAddressError extends Error {
  override readonly name = 'BlockedAddressError';
}

/** Why an address may not be used, or undefined when it is a public unicast address. */
export function blockedReason(address: string, policy: AddressPolicy): string | undefined {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  let ip = ipaddr.parse(address);
  // An IPv4 address written as IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address it is.
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress())
    ip = (ip as ipaddr.IPv6).toIPv4Address();
  const range = ip.range();
  if (range === 'unicast') return undefined;
  if (range === 'loopback' && policy.allowLoopback) return undefined;
  return `${address} is a ${describe(range)} address`;
}

function describe(range: string): string {
  switch (range) {
    case 'loopback':
      return 'loopback';
    case 'private':
    case 'uniqueLocal':
      return 'private';
    case 'linkLocal':
      return 'link-local';
    case 'carrierGradeNat':
      return 'carrier-grade NAT';
    case 'unspecified':
      return 'unspecified';
    case 'broadcast':
    case 'multicast':
      return range;
    default:
      return `non-public (${range})`;
  }
}

/** The URL's scheme and, for an IP literal host, its address; DNS names are checked when resolved. */
export function checkUrl(url: URL, policy: AddressPolicy): string | undefined {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${url.protocol} URLs are not fetched`;
  if (url.username || url.password) return 'URLs with credentials are not fetched';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (ipaddr.isValid(host)) return blockedReason(host, policy);
  if (!host.includes('.') && host !== 'localhost') return `${host} is not a public host name`;
  return undefined;
}
