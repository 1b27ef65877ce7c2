import type { CountryCode } from 'libphonenumber-js';
import { ApiError } from './errors';

/**
 * Phone-number metadata (about 120 KB) is loaded by the first request that reads a phone number, not at
 * every cold start of the api: progress polls, templates and conversations never need it.
 */
export const phones = () => import('../domain/phone');
export const recipientChecks = () => import('../domain/recipients');

/** The `defaultCountry` of a request (ISO 3166 alpha-2), or a 400 naming it. */
export async function defaultCountryOf(value: string | undefined): Promise<CountryCode | undefined> {
  if (value === undefined || value === '') return undefined;
  if (!(await phones()).isCountryCode(value)) {
    throw new ApiError(400, 'validation_failed', `defaultCountry: unknown country code ${value}`, [
      { field: 'defaultCountry', message: `unknown country code ${value}` },
    ]);
  }
  return value as CountryCode;
}
