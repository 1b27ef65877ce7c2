import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SendMetrics, WebhookMetrics } from '../../ports';
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
