import { Aws, CfnOutput, Duration } from 'aws-cdk-lib';
import { Dashboard, GraphWidget, MathExpression, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../../functions/resources';
import type { PlatformQueue } from './queues';

/** One page for the operator: sends per second, failures by error code, queue ages and DLQ depth. */
export class PlatformDashboard extends Construct {
  constructor(scope: Construct, id: string, props: { queues: Record<string, PlatformQueue> }) {
    super(scope, id);
    const minute = Duration.minutes(1);
    const sent = new Metric({
      namespace: METRICS_NAMESPACE,
      metricName: 'MessagesSent',
      dimensionsMap: { service: 'whatsapp-platform' },
      statistic: 'Sum',
      period: minute,
    });
    const dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(3) });
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Messages sent per second',
        left: [
          new MathExpression({
            expression: 'sent / 60',
            usingMetrics: { sent },
            label: 'sent/s',
            period: minute,
          }),
        ],
        width: 12,
      }),
      new GraphWidget({
        title: 'Send failures by WhatsApp error code',
        left: [
          new MathExpression({
            expression: `SEARCH('{${METRICS_NAMESPACE},ErrorCode,service} MetricName="MessagesFailed"', 'Sum', 60)`,
            label: '',
            period: minute,
          }),
        ],
        width: 12,
      }),
      new GraphWidget({
        title: 'Webhook: changes queued and posts refused for their signature (per minute)',
        left: ['WebhookChangesQueued', 'WebhookSignatureFailures'].map(
          (metricName) =>
            new Metric({
              namespace: METRICS_NAMESPACE,
              metricName,
              dimensionsMap: { service: 'whatsapp-platform' },
              statistic: 'Sum',
              period: minute,
            }),
        ),
        width: 12,
      }),
      new GraphWidget({
        title: 'Age of the oldest message (s)',

        left: Object.entries(props.queues).map(([name, q]) =>
          q.queue.metricApproximateAgeOfOldestMessage({ period: minute, label: name }),
        ),
        width: 12,
      }),
      new GraphWidget({
        title: 'Messages in dead-letter queues',
        left: Object.entries(props.queues).map(([name, q]) =>
          q.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            period: minute,
            label: `${name} DLQ`,
          }),
        ),
        width: 12,
      }),
    );
    new CfnOutput(this, 'DashboardUrl', {
      value: `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards:name=${dashboard.dashboardName}`,
    });
  }
}
