/**
 * The DNS lookup every guarded connection (the crawler's, the outbound webhooks') makes: the host is
 * resolved and each address judged by the address policy at connect time, so a DNS answer cannot change
 * between a check and the connection (rebinding), and a redirect or a name pointing at 169.254.169.254
 * or 10.x is refused like the address itself.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import {
  type AddressPolicy,
  BlockedAddressError,
  blockedReason,
} from '../../domain/knowledge/address-policy';

export type Resolver = (host: string) => Promise<string[]>;

export const systemResolve: Resolver = (host) =>
  new Promise<string[]>((resolve, reject) =>
    dnsLookup(host, { all: true }, (error, addresses: LookupAddress[]) =>
      error ? reject(error) : resolve(addresses.map((a) => a.address)),
    ),
  );

const family = (address: string) => (address.includes(':') ? 6 : 4);

export function guardedLookup(resolve: Resolver, policy: AddressPolicy): LookupFunction {
  return (host, lookupOptions, callback) => {
    resolve(host).then(
      (addresses) => {
        const why = addresses.length
          ? addresses.map((a) => blockedReason(a, policy)).find(Boolean)
          : 'no address';
        if (why) {
          callback(new BlockedAddressError(`${host} resolves to a refused address: ${why}`), '', 4);
        } else if ((lookupOptions as { all?: boolean }).all) {
          (callback as unknown as (e: null, a: LookupAddress[]) => void)(
            null,
            addresses.map((address) => ({ address, family: family(address) })),
          );
        } else callback(null, addresses[0]!, family(addresses[0]!));
      },
      (error: Error) => callback(error as NodeJS.ErrnoException, '', 4),
    );
  };
}
