import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SendMetrics } from '../../ports';

export const METRICS_NAMESPACE = 'WhatsAppPlatform';

/** CloudWatch metrics through Powertools (embedded metric format in the function's log, no API calls). */
export class PowertoolsSendMetrics implements SendMetrics {
  private readonly metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'whatsapp-platform' });
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
