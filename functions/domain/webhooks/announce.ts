/**
 * The events the platform's own changes become. Each id is derived from what happened (the message and
 * its status, the inbound message, the conversation's change), so a webhook Meta redelivers, or a job
 * retried after a crash, announces the same event with the same id and the receiver keeps it once.
 */
import type { ConversationStatus, StatusActor } from '../conversation-status';
import { deterministicUlid } from '../deterministic-id';
import { type EventActor, type EventData, type EventType, type PlatformEvent, platformEvent } from './events';

function event<T extends EventType>(type: T, seed: string, at: string, data: EventData[T]): PlatformEvent<T> {
  const time = Date.parse(at);
  const when = Number.isFinite(time) ? new Date(time) : new Date();
  return platformEvent(deterministicUlid(`${type}|${seed}`, when.getTime()), type, data, when);
}

export function messageStatusEvent(data: EventData['message.sent']): PlatformEvent {
  return event(`message.${data.status}`, `${data.wamid}|${data.status}`, data.at, data);
}

export function messageReceivedEvent(data: EventData['message.received']): PlatformEvent {
  return event('message.received', data.wamid, data.at, data);
}

export function buttonClickedEvent(data: EventData['button.clicked']): PlatformEvent {
  return event('button.clicked', data.wamid, data.at, data);
}

export function contactOptEvent(
  change: 'opted_out' | 'opted_in',
  data: EventData['contact.opted_out'],
): PlatformEvent {
  return event(`contact.${change}`, `${data.contact}|${data.scope}|${data.source}|${data.at}`, data.at, data);
}

export function actorOf(by: StatusActor): EventActor {
  if (by.kind === 'user' || by.kind === 'api') return { kind: by.kind, id: by.id, name: by.name };
  return { kind: by.kind };
}

const CONVERSATION_EVENTS: Partial<Record<ConversationStatus, 'handoff' | 'assigned' | 'resolved'>> = {
  open: 'handoff',
  assigned: 'assigned',
  resolved: 'resolved',
};

/** The event of a conversation's new status, if it has one (back to the assistant has none). */
export function conversationEvent(
  change: Omit<EventData['conversation.handoff'], 'status'> & { readonly status: ConversationStatus | 'ai' },
): PlatformEvent | undefined {
  const kind = change.status === 'ai' ? undefined : CONVERSATION_EVENTS[change.status];
  if (!kind) return undefined;
  const data = change as EventData['conversation.handoff'];
  return event(`conversation.${kind}`, `${data.contact}|${data.at}|${data.assigneeId ?? ''}`, data.at, data);
}

const CAMPAIGN_EVENTS = {
  running: 'campaign.started',
  paused: 'campaign.paused',
  completed: 'campaign.completed',
  cancelled: 'campaign.cancelled',
} as const;

/** The event of a campaign's new state, if it has one; `stamp` tells launches of one campaign apart. */
export function campaignEvent(data: EventData['campaign.started'], stamp: string): PlatformEvent | undefined {
  const type = CAMPAIGN_EVENTS[data.state as keyof typeof CAMPAIGN_EVENTS];
  if (!type) return undefined;
  return event(type, `${data.campaignId}|${stamp}`, data.at, data);
}

/** A Meta template's new status (a webhook or a sync saw it change). */
export function templateStatusEvent(data: EventData['template.status_changed']): PlatformEvent {
  return event(
    'template.status_changed',
    `${data.name}|${data.language}|${data.status}|${data.at}`,
    data.at,
    data,
  );
}
