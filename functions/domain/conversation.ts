/** A customer's conversation: its messages in order, and whether the assistant or a person answers. */
export interface ConversationMessage {
  readonly contact: string;
  readonly wamid: string;
  readonly direction: 'in' | 'out';
  readonly at: string;
  readonly type: string;
  readonly text?: string;
  readonly summary: string;
  /** Who sent an outbound message: a campaign, the API, an agent, the assistant, or the platform itself. */
  readonly source?: 'customer' | 'campaign' | 'api' | 'agent' | 'ai' | 'system';
  readonly campaignId?: string;
}

export interface Conversation {
  readonly contact: string;
  readonly profileName?: string;
  readonly userId?: string;
  readonly lastMessageAt: string;
  readonly lastMessagePreview: string;
  readonly lastDirection: 'in' | 'out';
  readonly aiEnabled: boolean;
  readonly needsHuman: boolean;
}

export interface InboundJob {
  readonly contact: string;
  readonly wamid: string;
  readonly type: string;
  readonly text?: string;
  readonly at: string;
}
