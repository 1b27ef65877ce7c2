import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  CONSOLE,
  FUNCTIONS,
  QUEUES,
  SEND_BUDGET,
  sendBatchSize,
  sendConcurrency,
  sendPacerWaitLimitSeconds,
  TABLES,
} from '../../functions/resources';
import { SECRET_KEYS } from '../../functions/secrets';
import { RECORD_MARGIN_MS } from '../../functions/services/sending/delivery';
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

/** The platform's own functions (Node), not the Python one BucketDeployment brings to upload the console. */
function platformFunctions(template: Template) {
  return template.findResources('AWS::Lambda::Function', { Properties: { Runtime: 'nodejs24.x' } });
}

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

/**
 * The S3 actions a role is granted on one bucket's objects, each statement checked to name only that
 * bucket's own prefix (changes/ or media/), never the whole bucket.
 */
function bucketGrants(
  template: Template,
  roleLogicalIdPrefix: string,
  bucket: 'parked' | 'media' | 'exports',
): string[] {
  const prefix = { parked: '/changes/*', media: '/media/*', exports: '/exports/*' }[bucket];
  const actions: string[] = [];
  for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
    if (!JSON.stringify(policy.Properties.Roles).includes(roleLogicalIdPrefix)) continue;
    for (const s of policy.Properties.PolicyDocument.Statement as Statement[]) {
      const resource = JSON.stringify(s.Resource);
      if (!resource.includes(`Storage${bucket}Bucket`)) continue;
      expect(resource).toContain(prefix);
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
    const functions = Object.keys(platformFunctions(template)).length;
    expect(functions).toBe(8);
    // One per function, plus the API's access logs and the console upload's.
    expect(groups.length).toBe(functions + 2);
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
        // Serves conversation media and keeps agents' uploads (media/* only; see the bucket test).
        's3:GetObject',
        's3:PutObject',
        'scheduler:CreateSchedule',
        'scheduler:DeleteSchedule',
        'scheduler:GetSchedule',
        'scheduler:UpdateSchedule',
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetSecretValue',
        // Announces handoffs (a person or an API client hands a conversation over).
        'sns:Publish',
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
      'iam:PassRole',
      'scheduler:CreateSchedule',
    ]) {
      expect(worker.has(action)).toBe(false);
    }
    // A sent message's wamid lookup and conversation message are written in one BatchWriteItem.
    expect(worker.has('dynamodb:BatchWriteItem')).toBe(true);
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
    // failures, disabled webhook subscriptions and API 5xx.
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(Object.keys(QUEUES).length + 6);
    for (const a of alarms) expect(a.Properties.AlarmActions).toHaveLength(1);
  });

  it('consumes queues with partial batch responses, with more send workers than the rate needs when nothing hangs', () => {
    // 80/s: batches of 10, and 26 workers where 4 would keep the rate if no Graph request ever hung.
    expect(sendConcurrency(80)).toBe(26);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 26 },
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: QUEUES.launch.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(sendConcurrency(1000)).toBe(317);
    synth('dev', 1000).template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 10,
      ScalingConfig: { MaximumConcurrency: 317 },
    });
    // At 1/s two workers of one record each, so no job waits at the pacer past the worker's timeout.
    expect([sendConcurrency(1), sendBatchSize(1)]).toEqual([2, 1]);
    synth('dev', 1).template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 1,
      ScalingConfig: { MaximumConcurrency: 2 },
    });
  });

  it("gives the send worker a timeout that holds one job's budget, so a crashed worker's jobs are back within a minute", () => {
    const worker = Object.values(platformFunctions(template)).find(
      (f) => f.Properties.Description === FUNCTIONS['send-worker'].description,
    );
    expect(worker?.Properties.Timeout).toBe(9);
    const b = SEND_BUDGET;
    // What the worker keeps after a request for its record is what it checks before starting one.
    expect(b.recordSeconds * 1000).toBe(RECORD_MARGIN_MS);
    for (const rate of [1, 3, 7, 20, 80, 400, 1000]) {
      // When nothing hangs, every worker holds a batch and each job waits its turn at the one pacer: the
      // longest wait, its writes, one request to its timeout and the record fit in the function's timeout.
      const longestWait = (sendConcurrency(rate) * sendBatchSize(rate)) / rate;
      expect(longestWait).toBeLessThanOrEqual(sendPacerWaitLimitSeconds());
      expect(b.storeSeconds + longestWait + b.requestTimeoutSeconds + b.recordSeconds).toBeLessThanOrEqual(9);
    }
    // Six function timeouts, as AWS advises for event source mappings: under a minute.
    const visibilities = Object.values(template.findResources('AWS::SQS::Queue')).map(
      (q) => q.Properties.VisibilityTimeout,
    );
    expect(visibilities.filter((v) => v !== undefined && v < 60)).toEqual([54]);
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

  it("syncs the account's templates every 15 minutes through the launch queue, once the account is named", () => {
    expect(Object.keys(template.findResources('AWS::Scheduler::Schedule'))).toEqual([]);
    const live = synthWith({
      whatsappPhoneNumberId: '106540352242922',
      whatsappBusinessAccountId: '102290129340398',
    });
    const schedules = Object.values(live.findResources('AWS::Scheduler::Schedule'));
    expect(schedules).toHaveLength(1);
    const { Properties: sync } = schedules[0] as {
      Properties: { Target: { Input: string; Arn: unknown; RoleArn: unknown } };
    };
    expect(sync).toMatchObject({
      Name: 'template-sync',
      GroupName: 'Extra-dev-campaigns',
      ScheduleExpression: 'rate(15 minutes)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
    });
    expect(JSON.parse(sync.Target.Input)).toEqual({ action: 'sync_templates' });
    expect(JSON.stringify(sync.Target.Arn)).toMatch(/LaunchQueue(?!Dlq)[0-9A-F]{8}","Arn"/);
    expect(JSON.stringify(sync.Target.RoleArn)).toMatch(/SchedulingTargetRole[0-9A-F]{8}","Arn"/);
    // Every function learns the account's id (no secret: it is in Meta's dashboard).
    for (const fn of Object.values(platformFunctions(live))) {
      expect(fn.Properties.Environment.Variables.WHATSAPP_BUSINESS_ACCOUNT_ID).toBe('102290129340398');
    }
    expect(() => synthWith({ whatsappBusinessAccountId: 'my-waba' })).toThrow(
      /numeric WhatsApp Business Account ID/,
    );
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
    for (const id of tableIds.filter((t) => /apiKeys|knowledge|messages|conversations/i.test(t))) {
      expect(launcherPolicy).not.toContain(id);
    }
    // The template sync reads and writes Meta's view of templates, and deletes nothing.
    const templatesTable = tableIds.find((t) => /templates/i.test(t))!;
    const onTemplates = policies
      .filter((p) => JSON.stringify(p.Properties.Roles).includes('LauncherRole'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[])
      .filter((st) => JSON.stringify(st.Resource).includes(templatesTable))
      .flatMap((st) => (Array.isArray(st.Action) ? st.Action : [st.Action]));
    expect([...new Set(onTemplates)].sort()).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
    ]);
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

  it("delivers the business's webhooks from their own queue, with a role that reaches nothing else", () => {
    const hooks = [...new Set(roleActions(template, 'HooksRole'))].sort();
    expect(hooks).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:ReceiveMessage',
      'sqs:SendMessage',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
    // Only the webhooks table, and no secret: the signing secrets live in that table, encrypted at rest.
    const tables = JSON.stringify(
      Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
        JSON.stringify(p.Properties.Roles).includes('HooksRole'),
      ),
    );
    expect(tables).toContain('Storagewebhooks');
    expect(tables).not.toMatch(/Storage(campaigns|recipients|messages|conversations|contacts|apiKeys)/);
    // Delivery attempts expire after 7 days.
    const [webhooksTable] = Object.entries(
      template.toJSON().Resources as Record<string, { Properties: unknown }>,
    )
      .filter(([id]) => id.startsWith('Storagewebhooks'))
      .map(([, r]) => r.Properties as { TimeToLiveSpecification?: unknown });
    expect(webhooksTable?.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: QUEUES.hooks.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: QUEUES.hooks.concurrency },
    });
    // Every function that announces events may send to the hooks queue; the webhook function may not.
    for (const role of ['ApiFunctionRole', 'EventsRole', 'SendWorkerRole', 'LauncherRole', 'InboundRole'])
      expect(roleActions(template, role)).toContain('sqs:SendMessage');
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'WebhookSubscriptionsDisabled',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
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
    // The crawler (which fetches URLs users choose) and the internet-facing webhook never see the token;
    // the events function downloads customers' media with it, the api and the launcher read (and the api
    // creates) the account's templates.
    expect(readers('whatsapp')).toEqual(['ApiFunction', 'Events', 'Launcher', 'SendWorker']);
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

  it('announces handoffs on an encrypted topic that only the functions handing over may publish to', () => {
    const topics = template.findResources('AWS::SNS::Topic', {
      Properties: { DisplayName: 'WhatsApp customers waiting for a person' },
    });
    const [[topicId, topic]] = Object.entries(topics) as [
      [string, { Properties: { KmsMasterKeyId: string } }],
    ];
    expect(JSON.stringify(topic.Properties.KmsMasterKeyId)).toContain(':alias/aws/sns');
    const publishers: string[] = [];
    for (const [logicalId, fn] of Object.entries(platformFunctions(template))) {
      const vars = fn.Properties.Environment.Variables as Record<string, unknown>;
      if (vars.HANDOFF_TOPIC_ARN) {
        expect(vars.HANDOFF_TOPIC_ARN).toEqual({ Ref: topicId });
        publishers.push(logicalId.replace(/Function.*$|[0-9A-F]{8}$/, ''));
      }
    }
    expect(publishers.sort()).toEqual(['Api', 'Events', 'Inbound'].sort());
    for (const prefix of ['ApiFunction', 'Events', 'Inbound'])
      expect(roleActions(template, prefix)).toContain('sns:Publish');
    for (const prefix of ['SendWorker', 'Crawler', 'Webhook'])
      expect(roleActions(template, prefix)).not.toContain('sns:Publish');
    synthWith({ handoffEmail: 'support@example.com' }).hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'support@example.com',
      TopicArn: Match.objectLike({ Ref: Match.stringLikeRegexp('^Handoff') }),
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

    for (const name of [
      'ApiUrl',
      'WebhookUrl',
      'SecretArn',
      'VerifyTokenLocation',
      'DashboardUrl',
      'ConsoleUrl',
      'AdminPasswordLocation',
    ]) {
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
    expect(bucketGrants(template, 'EventsRole', 'parked')).toEqual(['s3:DeleteObject', 's3:GetObject']);
    expect(bucketGrants(template, 'WebhookRole', 'parked')).toEqual(['s3:PutObject']);
    for (const role of ['CrawlerRole', 'ApiFunctionRole', 'SendWorkerRole']) {
      expect(bucketGrants(template, role, 'parked')).toEqual([]);
    }
  });

  it('keeps conversation media a year in a private, encrypted, TLS-only bucket, reached under media/ only', () => {
    const [[mediaId, media]] = Object.entries(template.findResources('AWS::S3::Bucket')).filter(([id]) =>
      id.startsWith('StoragemediaBucket'),
    ) as [[string, { Properties: Record<string, unknown> }]];
    expect(media.Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LifecycleConfiguration: {
        Rules: [expect.objectContaining({ ExpirationInDays: 365, Status: 'Enabled' })],
      },
    });
    // TLS only: the bucket policy denies any request without it.
    const policy = Object.values(template.findResources('AWS::S3::BucketPolicy')).find(
      (p) => p.Properties.Bucket.Ref === mediaId,
    )!;
    expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
    // The events function keeps what it downloads (and finds it again); the api serves media and keeps
    // uploads; the send worker reads uploads to pass them to WhatsApp; nobody deletes (the lifecycle does).
    expect(bucketGrants(template, 'EventsRole', 'media')).toEqual(['s3:GetObject', 's3:PutObject']);
    expect(bucketGrants(template, 'ApiFunctionRole', 'media')).toEqual(['s3:GetObject', 's3:PutObject']);
    expect(bucketGrants(template, 'SendWorkerRole', 'media')).toEqual(['s3:GetObject']);
    for (const role of ['WebhookRole', 'CrawlerRole', 'LauncherRole', 'InboundRole']) {
      expect(bucketGrants(template, role, 'media')).toEqual([]);
    }
    const fn = (prefix: string) =>
      Object.entries(platformFunctions(template)).find(([id]) => id.startsWith(prefix))![1];
    for (const prefix of ['Events', 'ApiFunction', 'SendWorker']) {
      expect(fn(prefix).Properties.Environment.Variables.MEDIA_BUCKET).toEqual({ Ref: mediaId });
    }
    expect(fn('Crawler').Properties.Environment.Variables.MEDIA_BUCKET).toBeUndefined();
  });

  it('keeps large exports a week in a private bucket: the launcher writes them, the api only links to them', () => {
    const [[exportsId, bucket]] = Object.entries(template.findResources('AWS::S3::Bucket')).filter(([id]) =>
      id.startsWith('StorageexportsBucket'),
    ) as [[string, { Properties: Record<string, unknown> }]];
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: {
        Rules: [expect.objectContaining({ ExpirationInDays: 7, Status: 'Enabled' })],
      },
    });
    expect(bucketGrants(template, 'LauncherRole', 'exports')).toEqual(['s3:PutObject']);
    // The presigned link is signed by the api's role, so it needs to read what it links to.
    expect(bucketGrants(template, 'ApiFunctionRole', 'exports')).toEqual(['s3:GetObject']);
    for (const role of [
      'EventsRole',
      'WebhookRole',
      'CrawlerRole',
      'InboundRole',
      'SendWorkerRole',
      'HooksRole',
    ]) {
      expect(bucketGrants(template, role, 'exports')).toEqual([]);
    }
    const fn = (prefix: string) =>
      Object.entries(platformFunctions(template)).find(([id]) => id.startsWith(prefix))![1];
    for (const prefix of ['Launcher', 'ApiFunction'])
      expect(fn(prefix).Properties.Environment.Variables.EXPORTS_BUCKET).toEqual({ Ref: exportsId });
  });

  it('traces every function with X-Ray', () => {
    for (const fn of Object.values(platformFunctions(template))) {
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
    }
  });

  it('puts no secret in any environment variable', () => {
    for (const fn of Object.values(platformFunctions(template))) {
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

  describe('the web console', () => {
    const distributions = template.findResources('AWS::CloudFront::Distribution');
    const config = Object.values(distributions)[0]!.Properties.DistributionConfig;
    type Origin = {
      Id: string;
      DomainName: unknown;
      OriginAccessControlId?: unknown;
      CustomOriginConfig?: object;
    };
    const origins = config.Origins as Origin[];
    const s3Origin = origins.find((o) => o.OriginAccessControlId)!;
    const siteBucketId = (s3Origin.DomainName as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const api = (config.CacheBehaviors as Record<string, unknown>[]).find((b) => b.PathPattern === '/api/*')!;

    it('keeps the built app in a private, encrypted bucket that only the distribution reads (OAC)', () => {
      expect(Object.keys(distributions)).toHaveLength(1);
      const bucket = template.findResources('AWS::S3::Bucket')[siteBucketId]!;
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.Properties.BucketEncryption).toBeDefined();
      expect(bucket.Properties.WebsiteConfiguration).toBeUndefined();
      expect(bucket.DeletionPolicy).toBe('Delete');
      template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
        OriginAccessControlConfig: Match.objectLike({
          OriginAccessControlOriginType: 's3',
          SigningBehavior: 'always',
          SigningProtocol: 'sigv4',
        }),
      });
      expect(config.Origins.filter((o: Origin) => o.OriginAccessControlId)).toHaveLength(1);
      // The bucket policy: TLS only, and reads by CloudFront for this distribution alone.
      const policy = Object.values(template.findResources('AWS::S3::BucketPolicy')).find(
        (p) => p.Properties.Bucket.Ref === siteBucketId,
      )!;
      const statements = policy.Properties.PolicyDocument.Statement as Record<string, unknown>[];
      expect(statements).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
      const allows = statements.filter((st) => st.Effect === 'Allow');
      expect(allows).toEqual([
        expect.objectContaining({
          Action: 's3:GetObject',
          Principal: { Service: 'cloudfront.amazonaws.com' },
          Condition: { StringEquals: { 'AWS:SourceArn': expect.anything() } },
        }),
      ]);
      expect(JSON.stringify(allows)).toContain(Object.keys(distributions)[0]);
    });

    it('serves index.html at / over HTTPS with the strict CSP, HSTS, nosniff, DENY and no referrer', () => {
      expect(config.DefaultRootObject).toBe('index.html');
      expect(config.CustomErrorResponses).toBeUndefined(); // hash routes: nothing to rewrite
      const site = config.DefaultCacheBehavior;
      expect(site.TargetOriginId).toBe(s3Origin.Id);
      expect(site.ViewerProtocolPolicy).toBe('redirect-to-https');
      const policyId = site.ResponseHeadersPolicyId.Ref as string;
      const headers = template.findResources('AWS::CloudFront::ResponseHeadersPolicy')[policyId]!.Properties
        .ResponseHeadersPolicyConfig.SecurityHeadersConfig;
      expect(headers.ContentSecurityPolicy).toEqual({
        ContentSecurityPolicy: CONSOLE.contentSecurityPolicy,
        Override: true,
      });
      expect(headers.StrictTransportSecurity).toEqual(
        expect.objectContaining({ AccessControlMaxAgeSec: 31_536_000, Override: true }),
      );
      expect(headers.ContentTypeOptions).toEqual({ Override: true });
      expect(headers.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
      expect(headers.ReferrerPolicy).toEqual({ ReferrerPolicy: 'no-referrer', Override: true });
    });

    it('routes /api/* to the HTTP API uncached, with every viewer header but Host and the viewer address', () => {
      const origin = origins.find((o) => o.Id === api.TargetOriginId)!;
      expect(JSON.stringify(origin.DomainName)).toMatch(/"HttpApi[0-9A-F]{8}","ApiEndpoint"/);
      expect(origin.CustomOriginConfig).toEqual({
        OriginProtocolPolicy: 'https-only',
        OriginSSLProtocols: ['TLSv1.2'],
      });
      expect(api.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad'); // Managed-CachingDisabled
      // Managed-AllViewerExceptHostHeader: all viewer headers but Host, all query strings and cookies.
      expect(api.OriginRequestPolicyId).toBe('b689b0a8-53d0-40ab-baf2-68738e2966ac');
      expect([...(api.AllowedMethods as string[])].sort()).toEqual(
        ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'].sort(),
      );
      expect(api.ViewerProtocolPolicy).toBe('https-only');
      expect(api.ResponseHeadersPolicyId).toBeUndefined(); // the API sets its own headers

      // That policy forwards no CloudFront header, so a viewer-request function writes the address the
      // sign-in throttle reads, over whatever the client sent.
      const [association] = api.FunctionAssociations as { EventType: string; FunctionARN: unknown }[];
      expect(association!.EventType).toBe('viewer-request');
      const fnId = (association!.FunctionARN as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      const fn = template.findResources('AWS::CloudFront::Function')[fnId]!.Properties;
      expect(fn.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
      const handler = new Function(`${fn.FunctionCode}; return handler;`)() as (event: unknown) => {
        headers: Record<string, { value: string }>;
      };
      for (const ip of ['203.0.113.9', '2001:db8::7']) {
        const request = handler({
          viewer: { ip },
          request: { headers: { 'cloudfront-viewer-address': { value: '198.51.100.1:443' } } },
        });
        // CloudFront's own format is ip:port; the API drops the port (`:0` here).
        expect(request.headers['cloudfront-viewer-address']).toEqual({ value: `${ip}:0` });
        expect(request.headers['cloudfront-viewer-address']!.value.replace(/:\d+$/, '')).toBe(ip);
      }
    });

    it('uploads the build with hashed assets immutable and index.html revalidated on every load', () => {
      const uploads = template.findResources('Custom::CDKBucketDeployment');
      const entries = Object.entries(uploads);
      expect(entries).toHaveLength(2);
      const [assetsId, assets] = entries.find(([, u]) => u.Properties.Include)!;
      const [, pages] = entries.find(([, u]) => !u.Properties.Include)!;
      expect(assets.Properties).toEqual(
        expect.objectContaining({
          DestinationBucketName: { Ref: siteBucketId },
          Exclude: ['*'],
          Include: ['assets/*'],
          Prune: false, // an open tab may still load the chunks of the build before
          SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' },
        }),
      );
      expect(pages.Properties).toEqual(
        expect.objectContaining({
          DestinationBucketName: { Ref: siteBucketId },
          Exclude: ['assets/*'],
          Prune: true,
          SystemMetadata: { 'cache-control': 'no-cache' },
        }),
      );
      expect(pages.DependsOn).toContain(assetsId);
      // The upload function's role: its log group and the two buckets, no managed policy.
      const uploader = Object.values(template.findResources('AWS::Lambda::Function')).find(
        (f) => f.Properties.Runtime !== 'nodejs24.x',
      )!;
      const roleId = uploader.Properties.Role['Fn::GetAtt'][0] as string;
      expect(template.findResources('AWS::IAM::Role')[roleId]!.Properties.ManagedPolicyArns).toBeUndefined();
      expect(roleActions(template, roleId).filter((a) => !a.startsWith('s3:'))).toEqual([
        'logs:CreateLogStream',
        'logs:PutLogEvents',
      ]);
    });

    it('logs viewer requests, without cookies, to a private bucket whose logs expire', () => {
      expect(config.Logging.IncludeCookies).toBe(false);
      const logBucketId = config.Logging.Bucket['Fn::GetAtt'][0] as string;
      const logs = template.findResources('AWS::S3::Bucket')[logBucketId]!;
      expect(logs.Properties.PublicAccessBlockConfiguration.BlockPublicAcls).toBe(true);
      expect(logs.Properties.BucketEncryption).toBeDefined();
      expect(logs.Properties.LifecycleConfiguration.Rules).toEqual([
        expect.objectContaining({ ExpirationInDays: 7, Status: 'Enabled' }),
      ]);
      expect(logs.DeletionPolicy).toBe('Retain');
    });

    it('prints the console URL on the distribution domain', () => {
      expect(template.findOutputs('ConsoleUrl').ConsoleUrl!.Value).toEqual({
        'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [Object.keys(distributions)[0], 'DomainName'] }, '/']],
      });
    });

    it('keeps a prod console bucket and its files when the stack goes', () => {
      const prod = synth('prod').template;
      for (const u of Object.values(prod.findResources('Custom::CDKBucketDeployment'))) {
        expect(u.Properties.RetainOnDelete).toBe(true);
      }
      // A dev stack empties its bucket on the way out, so the bucket can go too.
      for (const u of Object.values(template.findResources('Custom::CDKBucketDeployment'))) {
        expect(u.Properties.RetainOnDelete).toBe(false);
      }
      expect(prod.findResources('AWS::S3::Bucket')[siteBucketId]!.DeletionPolicy).toBe('Retain');
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
        {
          Type: string;
          Properties: {
            Handler?: string;
            Runtime?: string;
            Code?: { S3Key?: string };
            SourceObjectKeys?: string[];
          };
        }
      >;
    };
    const assets = Object.entries(template.Resources)
      .filter(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties.Runtime === 'nodejs24.x')
      .map(([id, r]) => {
        const asset = join(dir, `asset.${r.Properties.Code!.S3Key!.replace('.zip', '')}`);
        return { id, files: readdirSync(asset), entry: readFileSync(join(asset, 'index.mjs'), 'utf8') };
      });
    expect(assets).toHaveLength(8);
    expect(new Set(assets.map((a) => a.entry)).size).toBe(8);
    const filesOf = (name: string) => assets.find((a) => a.id.startsWith(name))!.files;
    expect(filesOf('Webhook')).toContain('index.mjs');
    expect(filesOf('Webhook').some((f) => f.startsWith('openai-'))).toBe(false);
    expect(filesOf('Api').some((f) => f.startsWith('openai-'))).toBe(true);
    // The API reference page's Swagger UI ships inside the api bundle, read from there on first request.
    expect(filesOf('Api')).toContain('docs-ui');

    // The console is built by Vite into its own asset (not web/dist): index.html and hashed assets, with
    // no inline script, which the console's Content-Security-Policy would block.
    const uploads = Object.values(template.Resources).filter((r) => r.Type === 'Custom::CDKBucketDeployment');
    expect(uploads).toHaveLength(2);
    const keys = new Set(uploads.map((r) => r.Properties.SourceObjectKeys![0]!));
    expect(keys.size).toBe(1);
    const site = join(dir, `asset.${[...keys][0]!.replace('.zip', '')}`);
    const html = readFileSync(join(site, 'index.html'), 'utf8');
    expect(html).toMatch(/<script[^>]+src="\/assets\/[^"]+\.js"/);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(readdirSync(join(site, 'assets')).some((f) => f.endsWith('.js'))).toBe(true);
  }, 120_000);
});
