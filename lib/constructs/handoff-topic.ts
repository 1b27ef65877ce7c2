import { CfnOutput } from 'aws-cdk-lib';
import { Alias } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

/**
 * Where handoffs are announced: an SNS topic the api, events and assistant functions publish to when a
 * conversation starts waiting for a person, with an e-mail subscription when `-c handoffEmail=...` is
 * given (and any other subscriber an operator adds: a chat webhook, SMS). Alerts name the customer, so
 * the topic is encrypted (SNS's AWS-managed key: publishers need no key grant of their own).
 */
export class HandoffTopic extends Construct {
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: { email?: string }) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', {
      displayName: 'WhatsApp customers waiting for a person',
      enforceSSL: true,
      masterKey: Alias.fromAliasName(this, 'SnsKey', 'alias/aws/sns'),
    });
    if (props.email) this.topic.addSubscription(new EmailSubscription(props.email));
    new CfnOutput(this, 'HandoffTopicArn', {
      value: this.topic.topicArn,
      description: 'Handoffs are published here (subscribe a team address with -c handoffEmail=...)',
    });
  }
}
