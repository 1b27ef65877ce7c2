import { Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { allowTable } from './constructs/grants';
import { PlatformHttpApi } from './constructs/http-api';

import { PlatformFunction } from './constructs/lambda-function';
import { Storage } from './constructs/storage';
import { type StageSettings, stageSettings } from './stage';

export interface PlatformStackProps extends StackProps {
  readonly stageName: string;
}

/** The whole platform: one construct per concern, composed here. */
export class PlatformStack extends Stack {
  readonly stage: StageSettings;
  readonly storage: Storage;
  readonly apiFunction: PlatformFunction;
  readonly httpApi: PlatformHttpApi;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props);
    this.stage = stageSettings(props.stageName);
    this.storage = new Storage(this, 'Storage', { stage: this.stage });

    this.apiFunction = new PlatformFunction(this, 'ApiFunction', {
      handler: 'api',
      description: 'HTTP API: templates and management routes',
      memorySize: 512,
      timeout: Duration.seconds(15),
      stage: this.stage,
      environment: this.storage.environmentFor(['templates', 'apiKeys']),
    });
    const tables = this.storage.tables;
    allowTable(this.apiFunction.role, tables.templates, ['GetItem', 'Query', 'PutItem', 'DeleteItem'], {
      indexes: ['gsi1'],
    });
    allowTable(this.apiFunction.role, tables.apiKeys, ['GetItem']);

    this.httpApi = new PlatformHttpApi(this, 'Http', { apiFunction: this.apiFunction.fn, stage: this.stage });
    Validations.of(this.httpApi.api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        "Routes are authorised inside the api Lambda by API key (hashed keys in DynamoDB), the same check the local runtime runs; the WhatsApp webhook is authenticated by Meta's HMAC signature.",
    });
  }
}
