// The full ("max") metadata: the default ("min") one checks only lengths and accepts numbers no plan
// allows, such as +491234. Numbers enter the platform here, and this module is loaded on first use
// (domain/on-demand.ts), so the larger tables never weigh on a cold start.
import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';

export type PhoneResult =
  | { readonly ok: true; readonly e164: string }
  | { readonly ok: false; readonly problem: string };

export function isCountryCode(value: string): value is CountryCode {
  return isSupportedCountry(value);
}

/**
 * Normalises a phone number to E.164 ("+4915112345678"). Numbers without "+" need a default country;
 * WhatsApp itself would prepend the business number's country code, which misdelivers messages.
 */
export function normalizePhone(raw: string, defaultCountry?: CountryCode): PhoneResult {
  const text = raw.trim();
  if (text === '') return { ok: false, problem: 'phone number is empty' };
  if (!/^[+\d\s().\-/]+$/.test(text) || !/\d/.test(text))
    return { ok: false, problem: 'not a valid phone number' };

  const international = text.startsWith('+') || text.startsWith('00');
  if (!international && !defaultCountry) {
    return {
      ok: false,
      problem: 'phone number has no country code: write it with + (E.164) or set defaultCountry',
    };
  }
  const parsed = parsePhoneNumberFromString(
    text.replace(/^00/, '+'),
    international ? undefined : defaultCountry,
  );
  if (!parsed?.isValid()) return { ok: false, problem: 'not a valid phone number' };

  return { ok: true, e164: parsed.number };
}
