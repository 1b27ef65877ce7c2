/**
 * How a customer is known: by phone number (E.164), by WhatsApp's business-scoped user id (BSUID, such as
 * "US.13491208655302741918", up to about 135 characters; Meta's older examples write "user.9373..."), or
 * both. Users who adopt a username may send without a phone number, so a contact's key is its phone when
 * known and its user id otherwise, and the two are linked (and their conversations merged) once both are
 * seen. Meta's send API takes a user id in `recipient`, not `to`; authentication templates need a phone.
 */

/** The longest contact key the API accepts in a path (a BSUID with its ENT. part, with room to spare). */
export const MAX_CONTACT_KEY = 160;

const USER_ID = /^[A-Za-z][A-Za-z0-9]*\.[A-Za-z0-9._-]{1,150}$/;

export function isUserId(contact: string): boolean {
  return USER_ID.test(contact);
}

/** The Graph API's recipient fields for a contact key. */
export function graphRecipient(contact: string): { to: string } | { recipient: string } {
  return isUserId(contact) ? { recipient: contact } : { to: contact };
}
