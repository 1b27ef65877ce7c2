import { isUserId } from './identity';

/** Keeps enough of a phone number to tell numbers apart in logs without exposing it: +4915******78. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/[^\d]/g, '');
  if (digits.length <= 4) return '****';
  return `+${digits.slice(0, 4)}${'*'.repeat(Math.max(digits.length - 6, 1))}${digits.slice(-2)}`;
}

/** A customer identifier as it may be logged: a phone number masked, a user id shortened. */
export function maskContact(contact: string): string {
  if (isUserId(contact)) {
    const [country, ...rest] = contact.split('.');
    const id = rest.join('.');
    return `${country}.${id.length > 6 ? `${'*'.repeat(Math.min(id.length - 4, 8))}${id.slice(-4)}` : '****'}`;
  }
  return maskPhone(contact);
}

/**
 * A request path fit for a log line: a segment that names a customer (a phone number with or without
 * "+", encoded or not, or a user id) is masked, so /api/conversations/%2B4915112345678/messages is logged
 * as /api/conversations/+4915******78/messages.
 */
export function maskPath(path: string): string {
  return path
    .split('/')
    .map((segment) => {
      let decoded = segment;
      try {
        decoded = decodeURIComponent(segment);
      } catch {
        // Not valid percent-encoding: judged as it is.
      }
      if (/^\+?[\d\s().-]{6,20}$/.test(decoded) && /\d{6}/.test(decoded.replace(/\D/g, ''))) {
        return maskPhone(decoded);
      }
      if (isUserId(decoded)) return maskContact(decoded);
      return segment;
    })
    .join('/');
}
