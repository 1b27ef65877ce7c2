import { Duration, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type QueueDefinition, visibilityTimeoutSeconds } from '../../functions/resources';
import type { PlatformFunction } from './lambda-function';

export interface PlatformQueueProps {
  readonly definition: QueueDefinition;
  /** The consumer; the event source mapping uses the definition's batch settings. */
  readonly consumer: PlatformFunction;
  /** Caps concurrent consumer invocations (the send queue's, from the rate limit). */
  readonly maxConcurrency?: number;
  /** Records per invocation, if not the definition's (the send queue's, from the rate limit). */
  readonly batchSize?: number;
}

/**
 * A queue as the platform always builds it: encrypted, TLS-only, with a dead-letter queue after
 * maxReceiveCount, a visibility timeout six times the consumer's timeout, an alarm when anything lands
 * in the DLQ, and its consumer wired with partial batch responses.
 */
export class PlatformQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly dlqAlarm: Alarm;

  constructor(scope: Construct, id: string, props: PlatformQueueProps) {
    super(scope, id);
    const def = props.definition;
    this.deadLetterQueue = new Queue(this, 'Dlq', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.seconds(def.dlqRetentionSeconds),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This is the dead-letter queue of the queue beside it; its messages are inspected and redriven by operators.',
    });
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(visibilityTimeoutSeconds(def)),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: def.maxReceiveCount },
    });
    props.consumer.fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: props.batchSize ?? def.batchSize,
        maxBatchingWindow:
          def.maxBatchingWindowSeconds > 0 ? Duration.seconds(def.maxBatchingWindowSeconds) : undefined,
        reportBatchItemFailures: true,
        ...(props.maxConcurrency ? { maxConcurrency: props.maxConcurrency } : {}),
      }),
    );
    this.dlqAlarm = new Alarm(this, 'DlqNotEmpty', {
      alarmDescription: `Messages in the ${id} dead-letter queue: they failed ${def.maxReceiveCount} times`,
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}
