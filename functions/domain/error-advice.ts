/**
 * What a person can do about a failed send, by Meta error code, in words for the console's failure
 * groups. The platform's own reaction (retry, fail, pause) is in whatsapp-errors.ts; this is the human
 * side. Codes not listed get a generic line that points at Meta's title and message.
 */
const ADVICE: Readonly<Record<string, string>> = {
  '130429': 'Your number hit its throughput limit; the platform slows down and retries by itself.',
  '131056': 'Too many messages to the same person in a short time; the platform retries them later.',
  '131048':
    'WhatsApp restricted sending for spam reports: check your number quality in WhatsApp Manager before sending more.',
  '131049':
    'WhatsApp held back a marketing message to keep engagement healthy; retry no sooner than 24 hours.',
  '131026':
    'The number cannot receive WhatsApp messages (no account, old app, or terms not accepted); reach them another way.',
  '131047':
    'More than 24 hours since they last wrote: only an approved Meta template can be sent; map this template to one.',
  '131050': 'They stopped marketing messages from you; they are not sent marketing again.',
  '131051': 'WhatsApp does not support this message type here; change the template.',
  '132000': "The number of values does not match the Meta template's parameters; check the template mapping.",
  '132001':
    'The Meta template does not exist in that language or is not approved yet; check its name, language and status.',
  '132005': 'The text is too long once the values are filled in; shorten the template or the values.',
  '132007': "The template's content breaks a WhatsApp policy; edit it in WhatsApp Manager.",
  '132012': "A value does not match the format the Meta template expects; check the variables' values.",
  '132015': 'Meta paused the template for low quality; edit it or use another one.',
  '132016': 'Meta disabled the template for good; create a new one.',
  '133010': 'The sending number is not registered with the Cloud API; register it in WhatsApp Manager.',
  '131000':
    'WhatsApp failed for an unknown reason; retrying usually works. If it persists, contact Meta support.',
  '131008': 'A required part of the message was missing; check the template.',
  '131009': 'A value in the message is not valid; check the template and the recipient variables.',
  '131021': 'The recipient is your own sending number.',
  '131016': 'WhatsApp was briefly unavailable; the platform retries by itself.',
  '133004': 'WhatsApp was briefly unavailable; the platform retries by itself.',
  '131057': 'The account is in maintenance for a minute; the platform retries by itself.',
  '0': 'The access token no longer works: put a new one in the WhatsApp secret and resume the campaign.',
  '190': 'The access token has expired: put a new one in the WhatsApp secret and resume the campaign.',
  '368': 'Meta restricted the account for a policy violation: sending stopped; see WhatsApp Manager.',
  '131031': 'The account is locked (policy, or a wrong two-step PIN); see WhatsApp Manager.',
  '131042': 'A billing problem: fix the payment method in WhatsApp Manager, then resume.',
  '130403': 'You blocked this person on WhatsApp.',
  '130472': 'The number is part of a Meta experiment and cannot get this message.',
  '131052': 'The media could not be fetched; check that its URL is public and its type is allowed.',
  '131053': 'The media could not be uploaded; check that its URL is public and its type is allowed.',
  template_required:
    'More than 24 hours since they last wrote and the template is not mapped to a Meta template: map it to an approved one, then retry.',
  '131062': 'Authentication templates need a phone number; this customer is known only by a user id.',
};

export function adviceForError(code: number | string | null | undefined): string {
  if (code === null || code === undefined) {
    return 'No answer came back from WhatsApp (timeout or network); the platform retries these.';
  }
  return (
    ADVICE[String(code)] ??
    "See Meta's title and message; fix the cause and use Retry for the failed recipients."
  );
}
