import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { GraphTroubleKind, HookMetrics, SendMetrics, WebhookMetrics } from '../../ports';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../resources';

/** CloudWatch metrics through Powertools (embedded metric format in the function's log, no API calls). */
export class PowertoolsSendMetrics implements SendMetrics {
  private readonly metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });
  private counted = false;

  sent(): void {
    this.metrics.addMetric('MessagesSent', MetricUnit.Count, 1);
    this.counted = true;
  }

  failed(code: string): void {
    const single = this.metrics.singleMetric();
    single.addDimension('ErrorCode', code);
    single.addMetric('MessagesFailed', MetricUnit.Count, 1);
  }

  /**
   * `GraphTrouble` by `Kind` (server_error, timeout, throughput); the campaign id rides along as EMF
   * metadata (searchable in Logs Insights) rather than as a dimension, which would make a metric per campaign.
   */
  trouble(kind: GraphTroubleKind, campaignId?: string): void {
    const single = this.metrics.singleMetric();
    single.addDimension('Kind', kind);
    if (campaignId) single.addMetadata('campaignId', campaignId);
    single.addMetric('GraphTrouble', MetricUnit.Count, 1);
  }

  /** Every request's duration, published with the invocation's other counts (p50/p99 in CloudWatch). */
  latency(ms: number): void {
    this.metrics.addMetric('GraphLatency', MetricUnit.Milliseconds, Math.round(ms));
    this.counted = true;
  }

  flush(): void {
    if (this.counted) this.metrics.publishStoredMetrics();
    this.counted = false;
  }
}

/** The webhook's counts, one EMF record per request: changes queued, and posts refused for their signature. */
export class PowertoolsWebhookMetrics implements WebhookMetrics {
  private readonly metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });
  private counted = false;

  received(changes: number): void {
    this.metrics.addMetric('WebhookChangesQueued', MetricUnit.Count, changes);
    this.counted = true;
  }

  signatureFailure(): void {
    this.metrics.addMetric('WebhookSignatureFailures', MetricUnit.Count, 1);
    this.counted = true;
  }

  flush(): void {
    if (this.counted) this.metrics.publishStoredMetrics();
    this.counted = false;
  }
}

/** The hooks function's counts: attempts by outcome with their latency, and disabled subscriptions. */
export class PowertoolsHookMetrics implements HookMetrics {
  private readonly metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });
  private counted = false;

  attempt(outcome: string, ms: number): void {
    this.metrics.addMetric(
      outcome === 'delivered' ? 'WebhookDeliveries' : 'WebhookDeliveryFailures',
      MetricUnit.Count,
      1,
    );
    this.metrics.addMetric('WebhookLatency', MetricUnit.Milliseconds, ms);
    this.counted = true;
  }

  disabled(): void {
    this.metrics.addMetric('WebhookSubscriptionsDisabled', MetricUnit.Count, 1);
    this.counted = true;
  }

  flush(): void {
    if (this.counted) this.metrics.publishStoredMetrics();
    this.counted = false;
  }
}
