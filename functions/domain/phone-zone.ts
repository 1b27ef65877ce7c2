import { getTimezonesForCountry } from 'countries-and-timezones';
import { parsePhoneNumberFromString } from 'libphonenumber-js';

/** The country a phone number belongs to (+1 numbers by their area code: US, CA, JM...). */
export function phoneCountry(phone: string): string | undefined {
  return parsePhoneNumberFromString(phone)?.country;
}

/**
 * The clock a phone number's country keeps, when all its zones keep the same one (Germany, India);
 * undefined for a country with several (the United States, Brazil, Spain...) or a number of no country.
 */
export function phoneCountryZone(phone: string): string | undefined {
  const country = parsePhoneNumberFromString(phone)?.country;
  const zones = country ? (getTimezonesForCountry(country) ?? []) : [];
  const first = zones[0];
  return first && zones.every((z) => z.utcOffset === first.utcOffset && z.dstOffset === first.dstOffset)
    ? first.name
    : undefined;
}
