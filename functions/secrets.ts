import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SECRETS } from './resources';

/** Every setting that lives in a Secrets Manager secret, never in the template or environment. */
export const SECRET_KEYS: readonly string[] = Object.values(SECRETS).flatMap((s) => s.keys);

export interface SecretLoadResult {
  readonly loaded: readonly string[];
  readonly warnings: readonly string[];
}

/**
 * At cold start in AWS, reads the secrets this function may read (the stack gives it the ARN of each,
 * functions/resources.ts says which) and puts their non-empty values into `env` for loadConfig. A secret
 * holds only its own keys: a value for another key in it is ignored. Until the access token is filled in,
 * the sending function runs in DEV mode (sends are logged) rather than failing every invocation.
 */
export async function loadSecretsIntoEnv(
  env: Record<string, string | undefined>,
  client: Pick<SecretsManagerClient, 'send'> = new SecretsManagerClient({}),
): Promise<SecretLoadResult> {
  const granted = Object.values(SECRETS).filter((s) => env[s.envVar]);
  const values = await Promise.all(
    granted.map(async (secret) => {
      const out = await client.send(new GetSecretValueCommand({ SecretId: env[secret.envVar] }));
      try {
        return { secret, values: JSON.parse(out.SecretString ?? '{}') as Record<string, unknown> };
      } catch {
        throw new Error(
          `the secret in ${secret.envVar} must be a JSON object of settings (see README, Deploy to AWS)`,
        );
      }
    }),
  );
  const loaded: string[] = [];
  for (const { secret, values: v } of values) {
    for (const key of secret.keys) {
      const value = v[key];
      if (typeof value === 'string' && value.trim() !== '' && env[key] === undefined) {
        env[key] = value.trim();
        loaded.push(key);
      }
    }
  }
  const warnings: string[] = [];
  if (env[SECRETS.whatsapp.envVar] && !env.WHATSAPP_ACCESS_TOKEN && env.WHATSAPP_MODE === 'LIVE') {
    env.WHATSAPP_MODE = 'DEV';
    warnings.push('WHATSAPP_ACCESS_TOKEN is empty in its secret: running in DEV mode, nothing is sent');
  }
  return { loaded, warnings };
}
