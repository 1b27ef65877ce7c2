import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { HandoffAlert, HandoffAlerts } from '../../ports';
import { describeHandoff } from '../../services/handoff-alerts';

/** Handoffs published to the platform's SNS topic, which e-mails the team (and any other subscriber). */
export class SnsHandoffAlerts implements HandoffAlerts {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  async handedOff(alert: HandoffAlert): Promise<void> {
    const text = describeHandoff(alert);
    await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: text.subject,
        Message: text.body,
        // Subscribers may filter on these (an SMS subscription only for one reason, say).
        MessageAttributes: {
          event: { DataType: 'String', StringValue: 'conversation.handoff' },
          reason: { DataType: 'String', StringValue: alert.reason ?? 'person' },
        },
      }),
    );
  }
}
