import type { CountryCode } from 'libphonenumber-js';
import { phones } from '../domain/on-demand';
import { ApiError } from './errors';

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
