/**
 * What customers did after a campaign reached them, for its analytics: a reply within 72 hours, a button
 * tapped, an opt-out within 7 days. Each is recorded once on the campaign's recipient (a conditional
 * write), and only the write that recorded it moves the counters, so a redelivered webhook or a second
 * message from the same customer counts nothing twice. The campaigns are found from the customer's
 * conversation, which keeps every campaign message with its campaign's id.
 */
import {
  buttonLabel,
  optOutStats,
  replyStats,
  responseWindowMs,
  STAT,
  type StatsDelta,
} from '../domain/analytics';
import { bucketOf } from '../domain/campaign';
import type { Logger } from '../logger';
import type {
  CampaignCounters,
  CampaignMessageLookup,
  CampaignStore,
  RecipientKey,
  RecipientResponse,
  RecipientResponses,
} from '../ports';

export interface CampaignResponseDeps {
  readonly conversations: CampaignMessageLookup;
  readonly campaigns: Pick<CampaignStore, 'get'> & Pick<CampaignCounters, 'addCounts'>;
  readonly recipients: RecipientResponses;
  readonly logger: Logger;
}

export class CampaignResponses {
  constructor(private readonly d: CampaignResponseDeps) {}

  /** A customer's message (not an opt-out keyword): a reply to each campaign of the last 72 hours. */
  async replied(contact: string, at: string): Promise<void> {
    for (const key of await this.recentRecipients(contact, at, 'reply')) {
      await this.note(key, { kind: 'reply', at }, (sentAt) => replyStats(sentAt, at));
    }
  }

  /** The customer opted out: counted for each campaign of the last 7 days. */
  async optedOut(contact: string, at: string): Promise<void> {
    for (const key of await this.recentRecipients(contact, at, 'opt_out')) {
      await this.note(key, { kind: 'opt_out', at }, (sentAt) => optOutStats(sentAt, at));
    }
  }

  /**
   * A button of a campaign message was tapped (the message is known from the tap's context). The label
   * is cut and never empty (a string set cannot hold ''), the same for the recipient and the counter.
   */
  async tapped(key: RecipientKey, title: string, at: string): Promise<void> {
    const label = buttonLabel(title);
    await this.note(key, { kind: 'button', label, at }, () => ({ [STAT.button(label)]: 1 }));
  }

  private async note(
    key: RecipientKey,
    response: RecipientResponse,
    stats: (sentAt: string) => StatsDelta,
  ): Promise<void> {
    const noted = await this.d.recipients.noteResponse(key, response);
    if (!noted) return;
    const delta = response.kind === 'button' ? stats('') : noted.sentAt ? stats(noted.sentAt) : {};
    if (Object.keys(delta).length > 0) await this.d.campaigns.addCounts(key.campaignId, { stats: delta });
  }

  /** The recipients this customer is in, of campaigns that messaged them within the window before `at`. */
  private async recentRecipients(
    contact: string,
    at: string,
    kind: 'reply' | 'opt_out',
  ): Promise<RecipientKey[]> {
    if (!contact.startsWith('+')) return []; // known only by a user id: campaigns go to phone numbers
    const until = Date.parse(at);
    if (Number.isNaN(until)) return [];
    const since = new Date(until - responseWindowMs(kind)).toISOString();
    // A minute of slack after `at`: WhatsApp's times are whole seconds, ours are not.
    const ids = await this.d.conversations.campaignsMessaged(
      contact,
      since,
      new Date(until + 60_000).toISOString(),
    );
    const keys: RecipientKey[] = [];
    for (const id of ids) {
      const campaign = await this.d.campaigns.get(id);
      if (!campaign) continue;
      keys.push({ campaignId: id, bucket: bucketOf(contact, campaign.buckets), phone: contact });
    }
    return keys;
  }
}
