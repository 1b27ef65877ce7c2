/**
 * How many recipients a campaign may have, and what its template asks of each. Apart from recipients.ts,
 * which is loaded on first use with its phone-number metadata.
 */
import type { CountryCode } from 'libphonenumber-js';
import type { RecipientRules } from './recipients';

/** The most recipients one campaign may have. */
export const MAX_RECIPIENTS = 200_000;

/** What a template asks of every recipient: its variables, less those it has defaults for. */
export function rulesFor(
  t: { readonly variables: readonly string[]; readonly defaults?: Readonly<Record<string, string>> },
  defaultCountry?: CountryCode,
): RecipientRules {
  return {
    requiredVariables: t.variables,
    ...(t.defaults ? { templateDefaults: t.defaults } : {}),
    ...(defaultCountry ? { defaultCountry } : {}),
  };
}
