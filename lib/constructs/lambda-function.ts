import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { AssetHashType, DockerImage, type Duration, Validations } from 'aws-cdk-lib';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, Function as LambdaFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { SERVICE_NAME } from '../../functions/resources';
import { ENTRY_FILE, type HandlerName, NODE_OPTIONS } from '../bundling';
import type { StageSettings } from '../stage';

export interface PlatformFunctionProps {
  /** File under functions/handlers/, without extension; it must export `handler`. */
  readonly handler: HandlerName;
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly environment?: Record<string, string>;
  readonly stage: StageSettings;
}

export const ROOT = path.join(__dirname, '..', '..');

/**
 * Every Lambda of the platform, with the same defaults: Node 24 on arm64 (the major the tests run on),
 * the bundle lib/bundling.ts describes (ES modules, minified, split, AWS SDK included), its own log group
 * with retention, Powertools settings, and a role with no managed policies: only what each function is
 * granted.
 */
export class PlatformFunction extends Construct {
  readonly fn: LambdaFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: PlatformFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.stage.logRetention,
      removalPolicy: props.stage.removalPolicy,
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.description} (least privilege; no managed policies)`,
    });
    this.role.addToPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );
    this.fn = new LambdaFunction(this, 'Function', {
      code: bundledCode(props.handler),
      handler: `${path.basename(ENTRY_FILE, '.mjs')}.handler`,
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      // Each invocation traced by X-Ray (no SDK in the bundle: Powertools Tracer would add 127 KB to every
      // start-up); requests are followed across the queues by their correlation id on every log line.
      tracing: Tracing.ACTIVE,
      environment: {
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_LOG_LEVEL: props.stage.name === 'prod' ? 'INFO' : 'DEBUG',
        LOG_LEVEL: props.stage.name === 'prod' ? 'INFO' : 'DEBUG',
        NODE_OPTIONS,
        ...props.environment,
      },
    });

    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active tracing: X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level permissions, so Lambda grants them on *.',
    });
    // The role above is the function's only role; make sure CloudFormation creates the log group first.
    this.fn.node.addDependency(this.logGroup);
  }
}

/**
 * The function's code, bundled on this machine by lib/bundle-function.ts (esbuild, no Docker). The asset is
 * identified by the bundle's content, so an unchanged function is not uploaded again. Tests that skip
 * bundling (`aws:cdk:bundling-stacks`) never run it.
 */
function bundledCode(handler: HandlerName): Code {
  return Code.fromAsset(ROOT, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // CDK reuses a staged asset whose source and bundling options match, and the function below does
      // not count: without the handler's name in the options, every function would get the first bundle.
      environment: { PLATFORM_HANDLER: handler },
      // Required by the type; never used, because local bundling either succeeds or throws.
      image: DockerImage.fromRegistry('local-bundling-only'),
      local: {
        tryBundle(outputDir: string): boolean {
          execFileSync(
            process.execPath,
            [
              path.join(path.dirname(require.resolve('tsx/package.json')), 'dist', 'cli.mjs'),
              path.join(ROOT, 'lib', 'bundle-function.ts'),

              handler,
              outputDir,
            ],
            { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] },
          );
          return true;
        },
      },
    },
  });
}
