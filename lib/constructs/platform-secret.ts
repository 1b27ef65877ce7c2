import { SecretValue, Validations } from 'aws-cdk-lib';
import type { Role } from 'aws-cdk-lib/aws-iam';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { SECRETS, type SecretKey } from '../../functions/resources';
import type { StageSettings } from '../stage';

const DESCRIPTIONS: Record<SecretKey, string> = {
  whatsapp:
    'WhatsApp Cloud API access token (Meta system user); read by the send worker, the events function (media downloads), the api and the launcher (template sync)',
  webhook:
    'Meta app secret (webhook signatures) and the webhook verify token (generated); read only by the webhook',
  openai: 'OpenAI API key; read only by the functions that embed or answer',
  admin:
    "The first console admin's one-time password (generated); read only by the api, which creates that admin",
};

/**
 * The platform's credentials, one Secrets Manager secret per group (functions/resources.ts SECRETS), so
 * each function's role can read exactly the ones it uses: the crawler, which fetches URLs chosen by users,
 * and the internet-facing webhook never hold the WhatsApp access token. They are created with empty
 * values (the verify token is generated), so no secret value is ever in the template; the operator fills
 * in the rest. Functions read them at cold start (functions/secrets.ts); only ARNs are in their environment.
 */
export class PlatformSecrets extends Construct {
  readonly secrets: Record<SecretKey, Secret>;

  constructor(scope: Construct, id: string, props: { stage: StageSettings }) {
    super(scope, id);
    const entries = (Object.keys(SECRETS) as SecretKey[]).map((key) => {
      const keys = SECRETS[key].keys as readonly string[];
      const spec: { readonly keys: readonly string[]; readonly generated?: string } = SECRETS[key];
      const generated = spec.generated;
      const empty = Object.fromEntries(keys.filter((k) => k !== generated).map((k) => [k, '']));
      const secret = new Secret(this, key, {
        description: DESCRIPTIONS[key],
        removalPolicy: props.stage.removalPolicy,
        ...(generated
          ? {
              generateSecretString: {
                secretStringTemplate: JSON.stringify(empty),
                generateStringKey: generated,
                excludePunctuation: true,
                passwordLength: 32,
              },
            }
          : // Empty placeholders only: the operator puts the real value in after deploying.
            { secretStringValue: SecretValue.unsafePlainText(JSON.stringify(empty)) }),
      });
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          key === 'admin'
            ? 'A one-time password: the admin must choose a new one at the first sign-in, after which this value opens nothing.'
            : "The WhatsApp token and app secret are issued and rotated in Meta's dashboard, and the OpenAI key in OpenAI's; Secrets Manager cannot rotate them.",
      });
      return [key, secret] as const;
    });
    this.secrets = Object.fromEntries(entries) as Record<SecretKey, Secret>;
  }

  allowRead(role: Role, key: SecretKey): void {
    this.secrets[key].grantRead(role);
  }
}
