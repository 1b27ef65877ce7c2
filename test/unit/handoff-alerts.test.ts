import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { SnsHandoffAlerts } from '../../functions/adapters/sns/handoff-topic';
import type { Conversation } from '../../functions/domain/conversation';
import type { StatusAction } from '../../functions/domain/conversation-status';
import { createLogger } from '../../functions/logger';
import type { ConversationStore, HandoffAlert } from '../../functions/ports';
import { alertingConversations, describeHandoff } from '../../functions/services/handoff-alerts';

const logger = createLogger({ level: 'ERROR' });
const base: Conversation = {
  contact: '+4915123456789',
  profileName: 'Mia',
  lastMessageAt: '2026-12-02T10:00:00.000Z',
  lastMessagePreview: 'hi',
  lastDirection: 'in',
  aiEnabled: true,
  needsHuman: false,
  status: 'ai',
};

/** A store whose changes land where the test says (the real transitions are tested with the domain). */
function storeMovingTo(status: Conversation['status'], changed = true) {
  const calls: StatusAction[] = [];
  const store = {
    async get() {
      return { ...base, status };
    },
    async changeStatus(_contact: string, action: StatusAction) {
      calls.push(action);
      return { conversation: { ...base, status, needsHuman: status === 'open' }, changed };
    },
    async requestHuman() {
      return changed && status === 'open';
    },
  } as unknown as ConversationStore;
  return { store, calls };
}

describe('handoff alerts', () => {
  const at = '2026-12-02T10:00:05.000Z';
  const agent = { kind: 'user', id: 'u1', name: 'Ana', admin: false } as const;

  it('announce every change that leaves a conversation waiting for a person, once', async () => {
    const alerts: HandoffAlert[] = [];
    const { store } = storeMovingTo('open');
    const alerting = alertingConversations(store, { handedOff: async (a) => void alerts.push(a) }, logger);
    await alerting.changeStatus(base.contact, { type: 'handoff', reason: 'person' }, agent, at);
    await alerting.requestHuman(base.contact, { reason: 'model_cannot_answer', at });
    expect(alerts).toEqual([
      { contact: base.contact, profileName: 'Mia', reason: 'person', at },
      { contact: base.contact, profileName: 'Mia', reason: 'model_cannot_answer', at },
    ]);
  });

  it('stay quiet when nothing changed or the conversation went elsewhere', async () => {
    const alerts: HandoffAlert[] = [];
    const sink = { handedOff: async (a: HandoffAlert) => void alerts.push(a) };
    const unchanged = alertingConversations(storeMovingTo('open', false).store, sink, logger);
    await unchanged.changeStatus(base.contact, { type: 'handoff' }, agent, at);
    expect(await unchanged.requestHuman(base.contact, { at })).toBe(false);
    const claimed = alertingConversations(storeMovingTo('assigned').store, sink, logger);
    await claimed.changeStatus(
      base.contact,
      { type: 'claim', assignee: { id: 'u1', name: 'Ana' } },
      agent,
      at,
    );
    expect(alerts).toEqual([]);
  });

  it('name the restart of a resolved conversation when the assistant is off', async () => {
    const alerts: HandoffAlert[] = [];
    const alerting = alertingConversations(
      storeMovingTo('open').store,
      { handedOff: async (a) => void alerts.push(a) },
      logger,
    );
    await alerting.changeStatus(base.contact, { type: 'customer_message' }, { kind: 'customer' }, at);
    expect(alerts[0]?.reason).toBe('assistant_off');
    expect(describeHandoff(alerts[0]!).body).toContain('the assistant is off');
  });

  it('never fail the handoff itself when the alert cannot be sent', async () => {
    const alerting = alertingConversations(
      storeMovingTo('open').store,
      {
        handedOff: async () => {
          throw new Error('SNS is down');
        },
      },
      logger,
    );
    const result = await alerting.changeStatus(base.contact, { type: 'handoff' }, agent, at);
    expect(result.conversation.status).toBe('open');
  });

  it('publish to the topic with the number masked', async () => {
    const sns = mockClient(SNSClient);
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    await new SnsHandoffAlerts(
      new SNSClient({ region: 'eu-west-1' }),
      'arn:aws:sns:eu-west-1:1:handoff',
    ).handedOff({ contact: base.contact, profileName: 'Mia', reason: 'customer_asked', at });
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: 'arn:aws:sns:eu-west-1:1:handoff',
      Subject: 'A WhatsApp customer is waiting for a person',
    });
    const message = sns.commandCalls(PublishCommand)[0]!.args[0].input.Message!;
    expect(message).toContain('Mia (+4915*******89)');
    expect(message).toContain('the customer asked for a person');
    expect(message).not.toContain(base.contact);
    sns.restore();
  });
});
