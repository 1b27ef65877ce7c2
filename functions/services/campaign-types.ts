/** The campaign service's inputs, outputs and errors, shared by its parts (audience, views). */
import type { CountryCode } from 'libphonenumber-js';
import type { Campaign } from '../domain/campaign';
import type { Counts } from '../domain/recipient-status';
import type { RecipientInput, RowProblem } from '../domain/recipients';
import type { Recurrence } from '../domain/recurrence';
import type { SendWindow } from '../domain/send-window';
import type { Logger } from '../logger';
import type {
  CampaignCounters,
  CampaignScheduler,
  CampaignStore,
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

export interface CampaignServiceDeps {
  readonly campaigns: CampaignStore & CampaignCounters & LaunchCheckpoints;
  readonly recipients: RecipientStore;
  readonly templates: TemplateStore;
  readonly launchQueue: LaunchQueue;
  readonly scheduler: CampaignScheduler;
  readonly lists?: ListStore;
  readonly clock: Clock;
  readonly logger: Logger;
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
