import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { TABLES } from '../../functions/resources';
import { PlatformStack } from '../../lib/platform-stack';

function synth(stageName = 'dev') {
  // Skipping bundling keeps each synth around 0.1 s; the bundles are checked by `npm run synth`.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new PlatformStack(app, `Test-${stageName}`, { stageName });
  return { app, stack, template: Template.fromStack(stack) };
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
    expect(groups.length).toBeGreaterThanOrEqual(2);
    for (const g of groups) expect(g.Properties.RetentionInDays).toBe(7);
  });

  it('gives the api function only the table actions it uses, with no managed policies', () => {
    const roles = template.findResources('AWS::IAM::Role');
    for (const role of Object.values(roles)) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const actions = [...new Set(roleActions(template, 'ApiFunctionRole'))];
    expect(actions).toEqual(
      [
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
      ].sort(),
    );
    for (const forbidden of ['dynamodb:DeleteTable', 'dynamodb:Scan', 'dynamodb:*', '*']) {
      expect(actions).not.toContain(forbidden);
    }
    // Indexes are granted by name, never as index/*.
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policies).not.toContain('/index/*');
    expect(policies).toContain('/index/gsi1');
  });

  it('puts no secret in any environment variable', () => {
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
      const names = Object.keys(fn.Properties.Environment?.Variables ?? {});
      expect(names.filter((n) => /TOKEN|SECRET|PASSWORD|API_KEY$/.test(n))).toEqual([]);
    }
  });

  it('routes /api/* to the api function through an HTTP API with throttling and access logs', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'ANY /api/{proxy+}' });
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
  it('synthesises offline without AWS credentials, bundling with the local esbuild', () => {
    const root = join(__dirname, '..', '..');
    const env = { ...process.env };
    for (const k of Object.keys(env)) if (k.startsWith('AWS_')) delete env[k];
    const out = execFileSync(
      join(root, 'node_modules', '.bin', 'cdk'),
      ['synth', '--quiet', '--output', join(root, 'cdk.out', 'test')],
      {
        cwd: root,
        env,
        encoding: 'utf8',
        stdio: 'pipe',
      },
    );
    expect(out).not.toMatch(/ERROR/);
  }, 120_000);
});
