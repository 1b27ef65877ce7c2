/** The campaign service's inputs, outputs and errors, shared by its parts (audience, views). */
import type { CountryCode } from 'libphonenumber-js';
import type { Campaign, TemplateSnapshot } from '../domain/campaign';
import type { SendCheck } from '../domain/meta-template';
import type { Counts } from '../domain/recipient-status';
import type { RecipientInput, RowProblem } from '../domain/recipients';
import type { Recurrence } from '../domain/recurrence';
import type { SendWindow } from '../domain/send-window';
import type { Logger } from '../logger';
import type {
  CampaignCounters,
  CampaignScheduler,
  CampaignStore,
  CampaignTemplateUpdates,
  Clock,
  LaunchCheckpoints,
  LaunchQueue,
  ListStore,
  RecipientStore,
  TemplateStore,
} from '../ports';

export class RecipientsRejectedError extends Error {
  constructor(readonly rows: readonly RowProblem[]) {
    super(`${rows.length} row${rows.length === 1 ? '' : 's'} cannot be used`);
  }
}

export class NothingToRetryError extends Error {}

/** A recount found a difference while recipients were still changing: it may be writes on their way. */
export class CountsChangingError extends Error {}

/**
 * LIVE mode: whether a campaign may send through its Meta template (approved in that language, with the
 * parameters its mapping fills), and the record of which campaigns send through which template, so that
 * a template Meta pauses pauses them (services/meta-templates.ts).
 */
export interface TemplateApproval {
  check(template: TemplateSnapshot): Promise<SendCheck>;
  noteUse(template: TemplateSnapshot, campaignId: string): Promise<void>;
}

export interface CampaignServiceDeps {
  readonly campaigns: CampaignStore & CampaignCounters & LaunchCheckpoints & Partial<CampaignTemplateUpdates>;
  /** Unset (DEV mode, or no WhatsApp Business Account id): campaigns start without the check. */
  readonly templateApproval?: TemplateApproval;
  readonly recipients: RecipientStore;
  readonly templates: TemplateStore;
  readonly launchQueue: LaunchQueue;
  readonly scheduler: CampaignScheduler;
  readonly lists?: ListStore;
  readonly clock: Clock;
  readonly logger: Logger;
  /**
   * How long pause and cancel wait after their write before they answer, so that no Graph request for
   * the campaign starts after the answer (the send workers' gate rests on reads no older than this less
   * clock skew: sending/campaign-gate.ts STOP_SETTLE_MS). 0 if left out.
   */
  readonly stopSettleMs?: number;
  /** Marketing templates are not sent to US numbers (SKIP_US_MARKETING): creation says how many. */
  readonly skipUsMarketing?: boolean;
}

export interface NewCampaign {
  readonly name: string;
  readonly templateId: string;
  readonly rows: readonly { row: number; input: RecipientInput }[];
  /** Or: the members of these lists, their contact attributes overridden by `variables`. */
  readonly lists?: readonly string[];
  readonly variables?: Readonly<Record<string, string>>;
  readonly defaultCountry?: CountryCode;
  readonly sendAt?: Date;
  readonly timezone?: string;
  /** Makes the campaign a series: each firing sends to the audience as it is then. */
  readonly recurrence?: Recurrence;
  readonly sendWindow?: SendWindow;
}

export interface CampaignView extends Campaign {
  /** For a series, its latest run's counts. */
  readonly counts: Counts;
  /** Queued recipients waiting for their quiet hours to end. */
  readonly waiting: number;
  /** A scheduled series' next firing. */
  readonly nextRunAt?: string;
}
