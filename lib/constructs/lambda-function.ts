import * as path from 'node:path';
import type { Duration } from 'aws-cdk-lib';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { BUNDLING } from '../bundling';
import type { StageSettings } from '../stage';

export interface PlatformFunctionProps {
  /** File under functions/handlers/, without extension; it must export `handler`. */
  readonly handler: string;
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly environment?: Record<string, string>;
  readonly stage: StageSettings;
}

export const ROOT = path.join(__dirname, '..', '..');

/**
 * Every Lambda of the platform, with the same defaults: Node 24 on arm64 (the major the tests run on),
 * an ESM bundle that is minified and tree-shaken with source maps, its own log group with retention,
 * Powertools settings, and a role with no managed policies: only what each function is granted.
 * The AWS SDK v3 is left out of the bundle (the Lambda runtime provides it), which roughly halves
 * bundle size and cold-start time; see docs/operations.md.
 */
export class PlatformFunction extends Construct {
  readonly fn: NodejsFunction;
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
    this.fn = new NodejsFunction(this, 'Function', {
      entry: path.join(ROOT, 'functions', 'handlers', `${props.handler}.ts`),
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      projectRoot: ROOT,
      depsLockFilePath: path.join(ROOT, 'package-lock.json'),
      environment: {
        POWERTOOLS_SERVICE_NAME: 'whatsapp-platform',
        POWERTOOLS_LOG_LEVEL: props.stage.name === 'prod' ? 'INFO' : 'DEBUG',
        LOG_LEVEL: props.stage.name === 'prod' ? 'INFO' : 'DEBUG',
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        minify: BUNDLING.minify,
        sourceMap: BUNDLING.sourcemap,
        target: BUNDLING.target,
        mainFields: BUNDLING.mainFields,
        externalModules: BUNDLING.external,
        banner: BUNDLING.banner,
      },
    });
    // The role above is the function's only role; make sure CloudFormation creates the log group first.
    this.fn.node.addDependency(this.logGroup);
  }
}
