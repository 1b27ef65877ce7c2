import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

/** What differs between a throwaway `dev` deployment and `prod`. */
export interface StageSettings {
  readonly name: 'dev' | 'prod';
  readonly removalPolicy: RemovalPolicy;
  readonly deletionProtection: boolean;
  readonly logRetention: RetentionDays;
  readonly apiThrottle: { readonly rateLimit: number; readonly burstLimit: number };
  readonly alarmPeriod: Duration;
}

export function stageSettings(name: string): StageSettings {
  if (name === 'prod') {
    return {
      name,
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: true,
      logRetention: RetentionDays.THREE_MONTHS,
      apiThrottle: { rateLimit: 500, burstLimit: 1000 },
      alarmPeriod: Duration.minutes(1),
    };
  }
  if (name === 'dev') {
    return {
      name,
      removalPolicy: RemovalPolicy.DESTROY,
      deletionProtection: false,
      logRetention: RetentionDays.ONE_WEEK,
      apiThrottle: { rateLimit: 50, burstLimit: 100 },
      alarmPeriod: Duration.minutes(5),
    };
  }
  throw new Error(`Unknown stage "${name}": use -c stage=dev or -c stage=prod`);
}
