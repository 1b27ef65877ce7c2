import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** The settings that live in the platform's Secrets Manager secret, never in the template or environment. */
export const SECRET_KEYS = [
  'WHATSAPP_ACCESS_TOKEN',
  'WHATSAPP_APP_SECRET',
  'WHATSAPP_WEBHOOK_VERIFY_TOKEN',
  'OPENAI_API_KEY',
] as const;

export interface SecretLoadResult {
  readonly loaded: readonly string[];
  readonly warnings: readonly string[];
}

/**
 * At cold start in AWS, reads the secret named by SECRET_ARN and puts its non-empty values into `env`
 * for loadConfig. Until the access token is filled in, the platform runs in DEV mode (sends are logged),
 * rather than failing every invocation because WHATSAPP_PHONE_NUMBER_ID is set without a token.
 */
export async function loadSecretsIntoEnv(
  env: Record<string, string | undefined>,
  client: Pick<SecretsManagerClient, 'send'> = new SecretsManagerClient({}),
): Promise<SecretLoadResult> {
  const arn = env.SECRET_ARN;
  if (!arn) return { loaded: [], warnings: [] };
  const out = await client.send(new GetSecretValueCommand({ SecretId: arn }));
  let values: Record<string, unknown>;
  try {
    values = JSON.parse(out.SecretString ?? '{}') as Record<string, unknown>;
  } catch {
    throw new Error('the platform secret must be a JSON object of settings (see README, Deploy to AWS)');
  }
  const loaded: string[] = [];
  for (const key of SECRET_KEYS) {
    const value = values[key];
    if (typeof value === 'string' && value.trim() !== '' && env[key] === undefined) {
      env[key] = value.trim();
      loaded.push(key);
    }
  }
  const warnings: string[] = [];
  if (!env.WHATSAPP_ACCESS_TOKEN && env.WHATSAPP_PHONE_NUMBER_ID) {
    delete env.WHATSAPP_PHONE_NUMBER_ID;
    warnings.push(
      'WHATSAPP_ACCESS_TOKEN is empty in the platform secret: running in DEV mode, nothing is sent',
    );
  }
  return { loaded, warnings };
}
