/** Contacts (opt-outs, the 24-hour window, the pair-rate slot) and contact lists. */

import type { Contact, ContactRecord, OptOutChange } from '../domain/contact';
import type { ContactList, ListMember } from '../domain/contact-list';
import type { Page } from '../domain/page';

export type SlotResult =
  | { readonly ok: true; readonly contact: Contact }
  | { readonly ok: false; readonly reason: 'opted_out' }
  | { readonly ok: false; readonly reason: 'too_soon'; readonly waitMs: number };

export interface ContactStore {
  get(phone: string): Promise<Contact | undefined>;
  /**
   * Reserves the right to message `phone` now: refused if the contact opted out (of marketing, for
   * marketing sends) or was messaged less than `gapMs` ago (WhatsApp's pair rate limit).
   */
  reserveSendSlot(
    phone: string,
    nowMs: number,
    gapMs: number,
    optOutScope: 'any' | 'marketing' | 'none',
  ): Promise<SlotResult>;

  /** Gives a slot back when nothing was sent, so the next attempt need not wait. */
  releaseSendSlot(phone: string, reservedAtMs: number): Promise<void>;
}

export interface ContactUpdates {
  /** Opens or refreshes the 24-hour window (never moves it back) and keeps the profile name. */
  recordInbound(contact: string, at: string, profile: { name?: string; userId?: string }): Promise<void>;
  /** Sets opt-out flags; returns the values before, so a confirmation is sent only on a real change. */
  setOptOut(contact: string, change: OptOutChange, at: string, source: string): Promise<OptOutChange>;
  getRecord(contact: string): Promise<ContactRecord | undefined>;
  /**
   * Links a user id to the phone number it belongs to (both seen in one webhook): later messages with
   * only the user id find the phone's contact. Opt-outs recorded under the user id carry over to the
   * phone. True when the link is new.
   */
  linkUserId(userId: string, phone: string): Promise<boolean>;
  /** The phone a user id was linked to, if any. */
  phoneOf(userId: string): Promise<string | undefined>;
}

export interface ListStore {
  create(list: ContactList): Promise<void>;
  get(id: string): Promise<ContactList | undefined>;
  list(options: { limit: number; cursor?: string }): Promise<Page<ContactList>>;
  /** Adds members and merges their attributes into their contacts (new values win). */
  addMembers(listId: string, members: readonly ListMember[]): Promise<void>;
  members(listId: string, options: { limit: number; cursor?: string }): Promise<Page<ListMember>>;
  /** Every member of a list, with attributes, for a campaign's audience. */
  allMembers(listId: string): Promise<ListMember[]>;
  removeMember(listId: string, phone: string): Promise<boolean>;
}
