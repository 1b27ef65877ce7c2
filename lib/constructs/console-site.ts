import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import {
  AssetHashType,
  type CfnElement,
  DefaultStackSynthesizer,
  DockerImage,
  Duration,
  Fn,
  RemovalPolicy,
  Stack,
  Token,
  Validations,
} from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  CachePolicy,
  Function as CloudFrontFunction,
  Distribution,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { CONSOLE } from '../../functions/resources';
import type { StageSettings } from '../stage';
import { ROOT } from './lambda-function';

/**
 * CloudFront Functions code (viewer request, `/api/*` only) that hands the API the viewer's address in the
 * header its sign-in throttle reads. The managed AllViewerExceptHostHeader policy forwards viewer headers
 * only (`allExcept: host`), not the CloudFront-Viewer-Address header CloudFront can add, and no origin
 * request policy can both drop Host and add a CloudFront header (adding one takes `whitelist`, which cannot
 * carry Authorization, or `allViewerAndWhitelistCloudFront`, which forwards Host and breaks API Gateway).
 * Writing the header here also replaces any value a client sent. CloudFront's own format is `ip:port`; a
 * function sees no port, so `:0` stands in for it (the API strips the port, IPv6 included).
 */
export const VIEWER_ADDRESS_FUNCTION = `function handler(event) {
  var request = event.request;
  request.headers['cloudfront-viewer-address'] = { value: event.viewer.ip + ':0' };
  return request;
}`;

export interface ConsoleSiteProps {
  /** The platform's HTTP API: `/api/*` on the console's domain goes there. */
  readonly api: IHttpApi;
  readonly stage: StageSettings;
}

/**
 * The web console in AWS: the Vite build in a private bucket that only this distribution reads (origin access
 * control), and `/api/*` on the same distribution to the HTTP API, so the console and the API share one
 * origin: the session cookie, the CSRF header and `connect-src 'self'` need nothing more (no CORS).
 */
export class ConsoleSite extends Construct {
  readonly bucket: Bucket;
  readonly logBucket: Bucket;
  readonly distribution: Distribution;

  constructor(scope: Construct, id: string, props: ConsoleSiteProps) {
    super(scope, id);
    // Only CloudFront reads it, through origin access control: no website endpoint, no public access.
    this.bucket = new Bucket(this, 'Files', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: props.stage.removalPolicy,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        "Only the console's CloudFront distribution reads this bucket (origin access control), and its standard logs in the log bucket record every viewer request; the only writer is the stack's deployment.",
    });

    // CloudFront standard logging writes with ACLs, so this bucket has them (and still blocks public ones).
    // It outlives the stack (access records), emptying itself after the stage's log retention.
    this.logBucket = new Bucket(this, 'Logs', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(props.stage.logRetention) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.logBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        "This is the access log bucket itself (CloudFront's standard logs); logging access to it would need yet another bucket.",
    });

    const securityHeaders = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: "The console's security headers (the same as the local runtime's, local/console-files.ts)",
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: CONSOLE.contentSecurityPolicy, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });

    const viewerAddress = new CloudFrontFunction(this, 'ViewerAddress', {
      code: FunctionCode.fromInline(VIEWER_ADDRESS_FUNCTION),
      runtime: FunctionRuntime.JS_2_0,
      comment: 'Puts the viewer address in cloudfront-viewer-address for the API (sign-in throttling)',
    });

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'WhatsApp platform console and API',
      defaultRootObject: 'index.html',
      // The console routes by hash (#/campaigns), so every other path is a file or a 403: no rewrites.
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: securityHeaders,
      },
      additionalBehaviors: {
        // The API answers with its own security headers (its CSP differs: its docs page runs Swagger UI).
        '/api/*': {
          origin: new HttpOrigin(Fn.select(2, Fn.split('/', props.api.apiEndpoint)), {
            protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
          }),
          // A POST redirected from http would come back a GET; API clients get a plain refusal instead.
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          cachePolicy: CachePolicy.CACHING_DISABLED,
          // Every viewer header (Authorization, the session cookie, the CSRF header), query string and
          // cookie, but not Host: API Gateway answers only to its own name.
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          functionAssociations: [{ function: viewerAddress, eventType: FunctionEventType.VIEWER_REQUEST }],
        },
      },
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
      // Cookies carry session tokens: they stay out of the logs.
      logIncludesCookies: false,
    });
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason:
          "The console's users (the business's staff) and API clients may be anywhere; a deployment that wants geo restrictions adds them.",
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'No WAF: a CloudFront web ACL must be created in us-east-1 (a second stack) and costs a monthly fee; the API throttles sign-ins per viewer address and locks an account after 5 failures, and the API stage is throttled.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          "The distribution uses CloudFront's default *.cloudfront.net certificate, with which the minimum viewer TLS version cannot be chosen; a custom domain with an ACM certificate would allow TLSv1.2_2021.",
      },
    );

    this.deploy(props.stage);
  }

  /**
   * Uploads the console with two deployments of the same build: hashed files under `assets/` are cached for
   * good and kept after a new deploy (an open tab still loads the chunks its old index.html names), and
   * everything else, index.html first of all, is revalidated on every load so a deploy shows at once.
   */
  private deploy(stage: StageSettings): void {
    const logGroup = new LogGroup(this, 'DeploymentLogs', {
      retention: stage.logRetention,
      removalPolicy: stage.removalPolicy,
    });
    // Like the platform's functions: no managed policies, only the logs, the bucket and the build.
    const role = new Role(this, 'DeploymentRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: "Uploads the console's files (least privilege; no managed policies)",
    });
    role.addToPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    const files = consoleBuild();
    const common = {
      sources: [files],
      destinationBucket: this.bucket,
      role,
      logGroup,
      // A dev stack's bucket is deleted with it, which takes the files being deleted first.
      retainOnDelete: stage.name === 'prod',
    };
    const assets = new BucketDeployment(this, 'Assets', {
      ...common,
      exclude: ['*'],
      include: ['assets/*'],
      prune: false,
      cacheControl: [
        CacheControl.setPublic(),
        CacheControl.maxAge(Duration.days(365)),
        CacheControl.immutable(),
      ],
    });
    const pages = new BucketDeployment(this, 'Pages', {
      ...common,
      exclude: ['assets/*'],
      cacheControl: [CacheControl.noCache()],
    });
    // The new index.html only once the files it names are there.
    pages.node.addDependency(assets);
    // BucketDeployment's function is one per stack, outside this construct; its runtime is CDK's choice.
    const uploader = Stack.of(this)
      .node.children.filter((c) => c instanceof LambdaFunction)
      .find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (uploader) {
      Validations.of(uploader).acknowledge({
        id: 'AwsSolutions-L1',
        reason:
          "BucketDeployment's upload function (AWS CLI in Python) has the runtime aws-cdk-lib chooses, which moves with CDK upgrades; it runs only during deploys, with no input from users.",
      });
    }

    const bucketId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnElement);
    Validations.of(role).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Action::s3:GetObject*]',
        reason:
          'BucketDeployment grants read of its source (the build asset in the CDK assets bucket) and read and write of the console bucket with wildcard actions; it syncs whole folders.',
      },
      {
        id: 'AwsSolutions-IAM5[Action::s3:GetBucket*]',
        reason: 'BucketDeployment lists and reads the console bucket and the CDK assets bucket to sync them.',
      },
      {
        id: 'AwsSolutions-IAM5[Action::s3:List*]',
        reason: 'BucketDeployment lists the console bucket to find what to replace and what to prune.',
      },
      {
        id: 'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
        reason: 'BucketDeployment deletes files of an older build (index.html and the like) when it prunes.',
      },
      {
        id: 'AwsSolutions-IAM5[Action::s3:Abort*]',
        reason: 'BucketDeployment aborts its own multipart uploads when one fails.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${assetsBucketName(Stack.of(this))}/*]`,
        reason:
          "Read only: BucketDeployment reads the console build from the CDK bootstrap assets bucket, which holds this account's deployment assets.",
      },
      {
        id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`,
        reason:
          "The console's files are named by the build (hashed); the wildcard covers only the console bucket.",
      },
    );
  }
}

/** The CDK bootstrap assets bucket's name as cdk-nag renders it (account and region when the stack has them). */
function assetsBucketName(stack: Stack): string {
  const synthesizer = stack.synthesizer;
  const qualifier =
    (synthesizer instanceof DefaultStackSynthesizer ? synthesizer.bootstrapQualifier : undefined) ??
    DefaultStackSynthesizer.DEFAULT_QUALIFIER;
  const known = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value);
  return `cdk-${qualifier}-assets-${known(stack.account, 'AccountId')}-${known(stack.region, 'Region')}`;
}

/** The console's sources and Vite config; `npm run build:web` builds them into CONSOLE.distDir. */
const WEB = path.join(ROOT, 'web');

/**
 * The console built by Vite on this machine (no Docker), as `npm run build:web` does but into the asset's
 * own folder: a synth never rewrites the web/dist that `npm start` and the browser tests serve, perhaps at
 * that very moment. The asset is named by the build's content, so an unchanged console is not uploaded
 * again. Tests that skip bundling (`aws:cdk:bundling-stacks`) never build it and need no web/dist.
 */
function consoleBuild() {
  return Source.asset(WEB, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Required by the type; never used, because local bundling either succeeds or throws.
      image: DockerImage.fromRegistry('local-bundling-only'),
      local: {
        tryBundle(outputDir: string): boolean {
          const vite = path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
          execFileSync(
            process.execPath,
            [vite, 'build', WEB, '--outDir', outputDir, '--emptyOutDir', '--logLevel', 'warn'],
            { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] },
          );
          return true;
        },
      },
    },
  });
}
