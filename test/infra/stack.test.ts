import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { QUEUES, sendConcurrency, TABLES } from '../../functions/resources';
import { SECRET_KEYS } from '../../functions/secrets';
import { PlatformStack } from '../../lib/platform-stack';

function synth(stageName = 'dev', sendRatePerSecond?: number) {
  // Skipping bundling keeps each synth around 0.1 s; the bundles are checked by `npm run synth`.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new PlatformStack(app, `Test-${stageName}`, {
    stageName,
    ...(sendRatePerSecond ? { sendRatePerSecond } : {}),
  });
  return { app, stack, template: Template.fromStack(stack) };
}

function synthWith(extra: Record<string, string>) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  return Template.fromStack(new PlatformStack(app, 'Extra-dev', { stageName: 'dev', ...extra }));
}

type Statement = { Action: string | string[]; Resource: unknown };

function roleActions(template: Template, roleLogicalIdPrefix: string): string[] {
  const policies = template.findResources('AWS::IAM::Policy');
  const actions: string[] = [];
  for (const [, policy] of Object.entries(policies)) {
    const roles = JSON.stringify(policy.Properties.Roles);
    if (!roles.includes(roleLogicalIdPrefix)) continue;
    for (const s of policy.Properties.PolicyDocument.Statement as Statement[]) {
      actions.push(...(Array.isArray(s.Action) ? s.Action : [s.Action]));
    }
  }
  return actions.sort();
}

describe('PlatformStack', () => {
  const { app, template } = synth();

  it('creates every table from the shared definitions, encrypted, on demand, with PITR', () => {
    for (const def of Object.values(TABLES)) {
      template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        KeySchema: [
          { AttributeName: def.partitionKey, KeyType: 'HASH' },
          ...('sortKey' in def ? [{ AttributeName: def.sortKey, KeyType: 'RANGE' }] : []),
        ],
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true },
        Replicas: [
          Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
        ],
        ...(def.indexes.length > 0
          ? {
              GlobalSecondaryIndexes: def.indexes.map((i) =>
                Match.objectLike({
                  IndexName: i.indexName,
                  KeySchema: [
                    { AttributeName: i.partitionKey, KeyType: 'HASH' },
                    { AttributeName: i.sortKey, KeyType: 'RANGE' },
                  ],
                }),
              ),
            }
          : {}),
      });
    }
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', Object.keys(TABLES).length);
  });

  it('runs functions on Node 24 / arm64 with their own log group and retention', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      LoggingConfig: Match.objectLike({ LogGroup: Match.anyValue() }),
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'whatsapp-platform' }) },
    });
    const groups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    const functions = Object.keys(template.findResources('AWS::Lambda::Function')).length;
    expect(functions).toBe(7);
    expect(groups.length).toBe(functions + 1); // one per function, plus API access logs
    for (const g of groups) expect(g.Properties.RetentionInDays).toBe(7);
  });

  it('gives each function only what it uses, with no managed policies', () => {
    for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
    const api = new Set(roleActions(template, 'ApiFunctionRole'));
    expect([...api].sort()).toEqual(
      [
        'dynamodb:BatchGetItem',
        'dynamodb:BatchWriteItem',
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        // Listing API keys for the console: the keys table holds a handful of items.
        'dynamodb:Scan',
        'dynamodb:UpdateItem',
        'iam:PassRole',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'scheduler:CreateSchedule',
        'scheduler:DeleteSchedule',
        'scheduler:GetSchedule',
        'scheduler:UpdateSchedule',
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetSecretValue',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:SendMessage',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ].sort(),
    );
    const worker = new Set(roleActions(template, 'SendWorkerRole'));
    for (const action of [
      'dynamodb:DeleteItem',
      'dynamodb:Scan',
      'dynamodb:BatchWriteItem',
      'iam:PassRole',
      'scheduler:CreateSchedule',
    ]) {
      expect(worker.has(action)).toBe(false);
    }
    expect(worker.has('sqs:ReceiveMessage')).toBe(true);
    expect(worker.has('sqs:ChangeMessageVisibility')).toBe(true);
    for (const actions of [api, worker, new Set(roleActions(template, 'LauncherRole'))]) {
      expect([...actions].some((a) => a.endsWith(':*') || a === '*')).toBe(false);
    }
  });

  it('keeps the send worker away from templates, API keys and the knowledge of other functions', () => {
    const policies = template.findResources('AWS::IAM::Policy');
    const workerPolicy = Object.values(policies).find((p) =>
      JSON.stringify(p.Properties.Roles).includes('SendWorkerRole'),
    );
    const text = JSON.stringify(workerPolicy);
    const tableIds = Object.keys(template.findResources('AWS::DynamoDB::GlobalTable'));
    const forbidden = tableIds.filter((id) => /templates|apiKeys|knowledge/i.test(id));
    expect(forbidden.length).toBe(3);
    for (const id of forbidden) expect(text).not.toContain(id);
  });

  it('lets the crawler touch only the knowledge table, and the assistant only read passages and reply', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy'));
    const policyText = (role: string) =>
      JSON.stringify(policies.filter((p) => JSON.stringify(p.Properties.Roles).includes(role)));
    const tableIds = Object.keys(template.findResources('AWS::DynamoDB::GlobalTable'));
    const knowledge = tableIds.find((id) => /knowledge/i.test(id))!;
    const crawler = policyText('CrawlerRole');
    expect(crawler).toContain(knowledge);
    for (const id of tableIds.filter((t) => t !== knowledge)) expect(crawler).not.toContain(id);
    const crawlerActions = new Set(roleActions(template, 'CrawlerRole'));
    expect(crawlerActions.has('sqs:SendMessage')).toBe(false);
    expect(crawlerActions.has('sqs:ReceiveMessage')).toBe(true);

    const assistant = new Set(roleActions(template, 'InboundRole'));
    for (const action of [
      'dynamodb:DeleteItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:Scan',
      'iam:PassRole',
    ]) {
      expect(assistant.has(action)).toBe(false);
    }
    expect(assistant.has('sqs:SendMessage')).toBe(true);
    for (const id of tableIds.filter((t) => /templates|apiKeys|campaigns|recipients|lists/i.test(t))) {
      expect(policyText('InboundRole')).not.toContain(id);
    }
  });

  it('gives every queue an encrypted, TLS-only DLQ and a visibility timeout of six consumer timeouts', () => {
    const queues = template.findResources('AWS::SQS::Queue');
    const main = Object.values(queues).filter((q) => q.Properties.RedrivePolicy);
    expect(main).toHaveLength(Object.keys(QUEUES).length);
    for (const q of Object.values(queues)) expect(q.Properties.SqsManagedSseEnabled).toBe(true);
    const visibilities = main.map((q) => q.Properties.VisibilityTimeout).sort((a, b) => a - b);
    expect(visibilities).toEqual(
      Object.values(QUEUES)
        .map((d) => d.consumerTimeoutSeconds * 6)
        .sort((a, b) => a - b),
    );
    for (const q of main) expect(q.Properties.RedrivePolicy.maxReceiveCount).toBeGreaterThanOrEqual(5);
    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy'));
    expect(policies).toHaveLength(Object.keys(queues).length);
    for (const p of policies) {
      expect(JSON.stringify(p.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
    }
    // One alarm per DLQ, plus send-worker errors and throttles, assistant errors, webhook signature
    // failures and API 5xx.
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(Object.keys(QUEUES).length + 5);
    for (const a of alarms) expect(a.Properties.AlarmActions).toHaveLength(1);
  });

  it('consumes queues with partial batch responses, capping send workers by the rate limit', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: QUEUES.send.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: sendConcurrency(80) },
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: QUEUES.launch.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const fast = synth('dev', 1000).template;
    fast.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      ScalingConfig: { MaximumConcurrency: sendConcurrency(1000) },
    });
  });

  it('lets the scheduler role only send to the launch queue, and the api pass only that role', () => {
    const schedulerActions = roleActions(template, 'SchedulingTargetRole');
    expect([...new Set(schedulerActions)].sort()).toEqual([
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:SendMessage',
    ]);
    template.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: 'Test-dev-campaigns' });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: 'scheduler.amazonaws.com' } })],
      }),
    });
    const apiPolicy = JSON.stringify(
      Object.values(template.findResources('AWS::IAM::Policy')).find((p) =>
        JSON.stringify(p.Properties.Roles).includes('ApiFunctionRole'),
      ),
    );
    expect(apiPolicy).toMatch(
      /"Action":"iam:PassRole","Effect":"Allow","Resource":\{"Fn::GetAtt":\["SchedulingTargetRole[0-9A-F]+","Arn"\]\}/,
    );
    expect(apiPolicy).toContain(':schedule/Test-dev-campaigns/*');
  });

  it('lets the launcher only create schedules (quiet-hours releases) and read lists, and the worker only ask it to', () => {
    const launcher = new Set(roleActions(template, 'LauncherRole'));
    expect(launcher.has('scheduler:CreateSchedule')).toBe(true);
    expect(launcher.has('iam:PassRole')).toBe(true);
    for (const action of [
      'scheduler:DeleteSchedule',
      'scheduler:UpdateSchedule',
      'dynamodb:DeleteItem',
      'dynamodb:Scan',
    ]) {
      expect(launcher.has(action)).toBe(false);
    }
    const policies = Object.values(template.findResources('AWS::IAM::Policy'));
    const launcherPolicy = JSON.stringify(
      policies.filter((p) => JSON.stringify(p.Properties.Roles).includes('LauncherRole')),
    );
    expect(launcherPolicy).toMatch(
      /"Action":"iam:PassRole","Effect":"Allow","Resource":\{"Fn::GetAtt":\["SchedulingTargetRole[0-9A-F]+","Arn"\]\}/,
    );
    const tableIds = Object.keys(template.findResources('AWS::DynamoDB::GlobalTable'));
    for (const id of tableIds.filter((t) => /templates|apiKeys|knowledge|messages|conversations/i.test(t))) {
      expect(launcherPolicy).not.toContain(id);
    }
    // The worker may send to the launch queue (a release to plan), never touch schedules.
    const workerPolicy = JSON.stringify(
      policies.filter((p) => JSON.stringify(p.Properties.Roles).includes('SendWorkerRole')),
    );
    const launchQueue = Object.keys(template.findResources('AWS::SQS::Queue')).find(
      (id) => /^LaunchQueue/.test(id) && !/Dlq|DeadLetter/i.test(id),
    );
    expect(launchQueue).toBeDefined();
    expect(workerPolicy).toContain(launchQueue!);
    expect(workerPolicy).not.toContain('scheduler:');
  });

  it('lets the webhook function do nothing but queue events', () => {
    const webhook = [...new Set(roleActions(template, 'WebhookRole'))].sort();
    expect(webhook).toEqual([
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      // Only to park a change too large for a queue message.
      's3:PutObject',
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:SendMessage',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
    const events = new Set(roleActions(template, 'EventsRole'));
    expect(events.has('dynamodb:DeleteItem')).toBe(false);
    expect(events.has('sqs:ReceiveMessage')).toBe(true);
  });

  it('gives each function only the secrets it uses, read-only, with the verify token generated', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({
        GenerateStringKey: 'WHATSAPP_WEBHOOK_VERIFY_TOKEN',
        SecretStringTemplate: JSON.stringify({ WHATSAPP_APP_SECRET: '' }),
      }),
    });
    const secrets = template.findResources('AWS::SecretsManager::Secret');
    const secretId = (key: string) => Object.keys(secrets).find((id) => id.startsWith(`Secrets${key}`))!;
    const readers = (key: string) =>
      Object.values(template.findResources('AWS::IAM::Policy'))
        .filter((p) => JSON.stringify(p.Properties.PolicyDocument).includes(`"${secretId(key)}"`))
        .map((p) => JSON.stringify(p.Properties.Roles).match(/"(\w+?)Role[0-9A-F]{8}"/)?.[1])
        .sort();
    // The crawler (which fetches URLs users choose) and the internet-facing webhook never see the token.
    expect(readers('whatsapp')).toEqual(['SendWorker']);
    expect(readers('webhook')).toEqual(['Webhook']);
    expect(readers('openai')).toEqual(['ApiFunction', 'Crawler', 'Inbound']);
    for (const [logicalId, fn] of Object.entries(template.findResources('AWS::Lambda::Function'))) {
      const vars = fn.Properties.Environment.Variables as Record<string, unknown>;
      const arns = Object.keys(vars).filter((k) => k.endsWith('_SECRET_ARN'));
      if (logicalId.startsWith('SendWorker')) expect(arns).toEqual(['WHATSAPP_SECRET_ARN']);
      if (logicalId.startsWith('Crawler')) expect(arns).toEqual(['OPENAI_SECRET_ARN']);
    }
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policies).toContain('secretsmanager:GetSecretValue');
    expect(policies).not.toContain('secretsmanager:PutSecretValue');
    const withNumber = synthWith({ whatsappPhoneNumberId: '106540352242922', alarmEmail: 'ops@example.com' });
    withNumber.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ WHATSAPP_PHONE_NUMBER_ID: '106540352242922', WHATSAPP_MODE: 'LIVE' }),
      },
    });
    withNumber.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
  });

  it('has an operations dashboard with sends, failures by code, queue ages and DLQ depth', () => {
    const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(dashboards[0]!.Properties.DashboardBody);
    for (const text of [
      'MessagesSent',
      'MessagesFailed',
      'ApproximateAgeOfOldestMessage',
      'ApproximateNumberOfMessagesVisible',
      'WebhookChangesQueued',
      'WebhookSignatureFailures',
    ]) {
      expect(body).toContain(text);
    }
  });

  it('alarms on webhook signature failures from the EMF counts the webhook writes itself', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'WhatsAppPlatform',
      MetricName: 'WebhookSignatureFailures',
      Dimensions: [{ Name: 'service', Value: 'whatsapp-platform' }],
      Statistic: 'Sum',
      Period: 300,
    });
    expect(Object.keys(template.findResources('AWS::Logs::MetricFilter'))).toEqual([]);
  });

  it('prints the URLs, the secret and the dashboard link', () => {
    const outputs = Object.keys(template.findOutputs('*'));

    for (const name of ['ApiUrl', 'WebhookUrl', 'SecretArn', 'VerifyTokenLocation', 'DashboardUrl']) {
      expect(outputs.some((o) => o.includes(name))).toBe(true);
    }
  });

  it('tells every function the name of each table it is allowed to use', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    const policies = Object.values(template.findResources('AWS::IAM::Policy'));
    const tableIds = Object.keys(template.findResources('AWS::DynamoDB::GlobalTable'));
    for (const fn of Object.values(functions)) {
      const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      const policy = JSON.stringify(
        policies.filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId)),
      );
      const env = fn.Properties.Environment.Variables as Record<string, unknown>;
      for (const [key, def] of Object.entries(TABLES)) {
        const tableId = tableIds.find((id) => id.startsWith(`Storage${key}`));
        if (tableId && policy.includes(`"${tableId}"`)) {
          expect({ role: roleId, table: key, env: env[def.envVar] }).toEqual({
            role: roleId,
            table: key,
            env: { Ref: tableId },
          });
        }
      }
    }
  });

  it('parks oversized webhook changes in a private, encrypted bucket whose objects expire', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: Match.objectLike({}),
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 14, Status: 'Enabled' })] },
    });
    const events = roleActions(template, 'EventsRole');
    expect(events).toEqual(expect.arrayContaining(['s3:GetObject', 's3:DeleteObject']));
    expect(events).not.toContain('s3:PutObject');
    for (const role of ['CrawlerRole', 'ApiFunctionRole', 'SendWorkerRole']) {
      expect(roleActions(template, role).filter((a) => a.startsWith('s3:'))).toEqual([]);
    }
  });

  it('traces every function with X-Ray', () => {
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
      if (fn.Properties.Handler !== 'index.handler') continue;
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
    }
  });

  it('puts no secret in any environment variable', () => {
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
      const names = Object.keys(fn.Properties.Environment?.Variables ?? {});
      for (const key of SECRET_KEYS) expect(names).not.toContain(key);
      const suspicious = names.filter((n) => /TOKEN|SECRET|PASSWORD|API_KEY$/.test(n));
      expect(suspicious.filter((n) => !n.endsWith('_SECRET_ARN')).sort()).toEqual(['SECRETS_VERSION']);
    }
  });

  it('routes /api/* to the api function through an HTTP API with throttling and access logs', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'ANY /api/{proxy+}' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /api/whatsapp/webhook' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /api/whatsapp/webhook' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingBurstLimit: 100, ThrottlingRateLimit: 50 },
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
  });

  it('passes cdk-nag AwsSolutions with every acknowledgement explained', () => {
    const checks = new AwsSolutionsChecks();
    expect(checks.validateScope(app).violations).toEqual([]);
  });

  it('destroys dev data but retains and protects prod data', () => {
    const dev = Object.values(template.findResources('AWS::DynamoDB::GlobalTable'));
    for (const t of dev) {
      expect(t.DeletionPolicy).toBe('Delete');
      expect(t.Properties.Replicas[0].DeletionProtectionEnabled).toBe(false);
    }
    const prod = Object.values(synth('prod').template.findResources('AWS::DynamoDB::GlobalTable'));
    for (const t of prod) {
      expect(t.DeletionPolicy).toBe('Retain');
      expect(t.Properties.Replicas[0].DeletionProtectionEnabled).toBe(true);
    }
  });

  it('refuses an unknown stage', () => {
    expect(() => synth('staging')).toThrow('Unknown stage "staging"');
  });
});

describe('npx cdk synth', () => {
  it('synthesises offline without AWS credentials or network, bundling with the local esbuild', async () => {
    const root = join(__dirname, '..', '..');
    // Every request the CLI makes goes through its proxy: one on loopback records what it is asked for.
    // cdk.json turns off the notices fetch and CLI telemetry, so it must be asked for nothing.
    const asked: string[] = [];
    const proxy = createServer((socket) => {
      socket.once('data', (chunk) => asked.push(chunk.toString().split('\r\n')[0]!));
      socket.on('error', () => undefined);
      setTimeout(() => socket.destroy(), 100);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const env: NodeJS.ProcessEnv = { ...process.env, HTTPS_PROXY: proxyUrl, HTTP_PROXY: proxyUrl };
    for (const k of Object.keys(env)) if (k.startsWith('AWS_')) delete env[k];
    const run = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = spawn(
        join(root, 'node_modules', '.bin', 'cdk'),
        ['synth', '--quiet', '--output', join(root, 'cdk.out', 'test')],
        { cwd: root, env },
      );
      let stdout = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.resume();
      child.once('exit', (code) => resolve({ code, stdout }));
    });
    await new Promise((r) => setTimeout(r, 200));
    proxy.close();
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(/ERROR/);
    expect(asked).toEqual([]);

    // Each function gets its own bundle: the webhook's has no OpenAI SDK, the api's loads it on first use.
    const dir = join(root, 'cdk.out', 'test');
    const template = JSON.parse(readFileSync(join(dir, 'WhatsAppPlatform-dev.template.json'), 'utf8')) as {
      Resources: Record<
        string,
        { Type: string; Properties: { Handler?: string; Code?: { S3Key?: string } } }
      >;
    };
    const assets = Object.entries(template.Resources)
      .filter(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties.Handler === 'index.handler')
      .map(([id, r]) => {
        const asset = join(dir, `asset.${r.Properties.Code!.S3Key!.replace('.zip', '')}`);
        return { id, files: readdirSync(asset), entry: readFileSync(join(asset, 'index.mjs'), 'utf8') };
      });
    expect(assets).toHaveLength(7);
    expect(new Set(assets.map((a) => a.entry)).size).toBe(7);
    const filesOf = (name: string) => assets.find((a) => a.id.startsWith(name))!.files;
    expect(filesOf('Webhook')).toContain('index.mjs');
    expect(filesOf('Webhook').some((f) => f.startsWith('openai-'))).toBe(false);
    expect(filesOf('Api').some((f) => f.startsWith('openai-'))).toBe(true);
    // The API reference page's Swagger UI ships inside the api bundle, read from there on first request.
    expect(filesOf('Api')).toContain('docs-ui');
  }, 120_000);
});
