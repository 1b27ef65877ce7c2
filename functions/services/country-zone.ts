import { phoneZones } from '../domain/on-demand';
import type { CountryZone, SendWindow } from '../domain/send-window';

const unused: CountryZone = () => undefined;

/**
 * Whether a number is a United States one. Only +1 numbers need the metadata (their area code tells the
 * US from Canada and the Caribbean), so it is loaded only when one comes along.
 */
export async function isUsNumber(phone: string): Promise<boolean> {
  if (!phone.startsWith('+1')) return false;
  return (await phoneZones()).phoneCountry(phone) === 'US';
}

/**
 * The phone-to-zone lookup a campaign's quiet hours need. Phone-number and time-zone metadata (about
 * 150 KB) are loaded only for quiet hours that follow each recipient's zone, so the send worker and the
 * launcher do not read them at every cold start.
 */
export async function countryZoneFor(window: SendWindow | undefined): Promise<CountryZone> {
  if (window?.timezone !== 'recipient') return unused;
  return (await phoneZones()).phoneCountryZone;
}
