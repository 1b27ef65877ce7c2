import { Validations } from 'aws-cdk-lib';
import type { Role } from 'aws-cdk-lib/aws-iam';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { StageSettings } from '../stage';

/**
 * The one secret with WhatsApp's and OpenAI's credentials. It is created with empty values (the webhook
 * verify token is generated), so no secret value is ever in the template; the operator fills in the rest.
 * Functions read it at cold start (functions/secrets.ts); only its ARN is in their environment.
 */
export class PlatformSecret extends Construct {
  readonly secret: Secret;

  constructor(scope: Construct, id: string, props: { stage: StageSettings }) {
    super(scope, id);
    this.secret = new Secret(this, 'Secret', {
      description: 'WhatsApp access token and app secret, webhook verify token (generated), OpenAI API key',
      removalPolicy: props.stage.removalPolicy,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({
          WHATSAPP_ACCESS_TOKEN: '',
          WHATSAPP_APP_SECRET: '',
          OPENAI_API_KEY: '',
        }),
        generateStringKey: 'WHATSAPP_WEBHOOK_VERIFY_TOKEN',
        excludePunctuation: true,
        passwordLength: 32,
      },
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        "The WhatsApp token and app secret are issued and rotated in Meta's dashboard, and the OpenAI key in OpenAI's; Secrets Manager cannot rotate them.",
    });
  }

  allowRead(role: Role): void {
    this.secret.grantRead(role);
  }
}
