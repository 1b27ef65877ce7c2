import { CfnOutput } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi as CdkHttpApi,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { StageSettings } from '../stage';

/**
 * API Gateway HTTP API (cheaper and faster than a REST API). Of what a REST API adds, request validation
 * and API keys are done by the app itself, so the same checks run locally and in AWS; usage plans (per-key
 * quotas) are not offered, only the stage's throttling. `/api/{proxy+}` goes to the api Lambda.
 */
export class PlatformHttpApi extends Construct {
  readonly api: CdkHttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;

  constructor(
    scope: Construct,
    id: string,
    props: { apiFunction: IFunction; webhookFunction: IFunction; stage: StageSettings },
  ) {
    super(scope, id);
    this.api = new CdkHttpApi(this, 'Api', {
      description: 'WhatsApp Business platform API',
      createDefaultStage: false,
    });
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.stage.logRetention,
      removalPolicy: props.stage.removalPolicy,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.stage.apiThrottle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            method: '$context.httpMethod',
            // The route, not the path: paths carry customers' phone numbers (/api/conversations/+49...).
            // The api function logs each request with numbers masked and the same request id.
            route: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    const integration = new HttpLambdaIntegration('ApiIntegration', props.apiFunction);
    this.api.addRoutes({ path: '/api/{proxy+}', methods: [HttpMethod.ANY], integration });
    // Meta's webhook has its own small function: it only checks the signature and queues the payload.
    this.api.addRoutes({
      path: '/api/whatsapp/webhook',
      methods: [HttpMethod.GET, HttpMethod.POST],
      integration: new HttpLambdaIntegration('WebhookIntegration', props.webhookFunction),
    });

    new CfnOutput(this, 'ApiUrl', {
      value: `${this.api.apiEndpoint}/api`,
      description: 'Base URL of the API',
    });
    new CfnOutput(this, 'WebhookUrl', {
      value: `${this.api.apiEndpoint}/api/whatsapp/webhook`,
      description: "Paste into Meta's dashboard: WhatsApp > Configuration > Callback URL",
    });
  }
}
