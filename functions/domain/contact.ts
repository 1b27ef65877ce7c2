/** A customer as the platform knows them: opt-outs, the 24-hour window, the profile. */
export interface Contact {
  readonly phone: string;
  readonly optedOut?: boolean;
  readonly marketingOptOut?: boolean;
  readonly lastInboundAt?: string;
  readonly lastSentAtMs?: number;
}

export interface OptOutChange {
  readonly optedOut?: boolean;
  readonly marketingOptOut?: boolean;
}

export interface ContactRecord extends Contact {
  readonly profileName?: string;
  readonly userId?: string;
  /** Values from list imports, shared by every list the contact is in. */
  readonly attributes?: Readonly<Record<string, string>>;
  /** Ids of the lists the contact is a member of (kept with each import and removal). */
  readonly lists?: readonly string[];
  readonly optedOutAt?: string;
  readonly optOutSource?: string;
  readonly history?: readonly { at: string; change: string; source: string }[];
}
