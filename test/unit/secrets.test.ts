import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { loadConfig } from '../../functions/config';
import { loadSecretsIntoEnv } from '../../functions/secrets';

describe('loadSecretsIntoEnv (aws-sdk-client-mock)', () => {
  const sm = mockClient(SecretsManagerClient);
  const client = new SecretsManagerClient({ region: 'eu-west-1' });
  beforeEach(() => sm.reset());

  it('does nothing without SECRET_ARN (local runs)', async () => {
    const env: Record<string, string | undefined> = {};
    expect(await loadSecretsIntoEnv(env, client)).toEqual({ loaded: [], warnings: [] });
    expect(sm).not.toHaveReceivedAnyCommand();
  });

  it('fills the environment from the secret and makes the platform LIVE', async () => {
    sm.on(GetSecretValueCommand).resolves({
      SecretString: JSON.stringify({
        WHATSAPP_ACCESS_TOKEN: 'EAAG-token',
        WHATSAPP_APP_SECRET: 'app-secret',
        WHATSAPP_WEBHOOK_VERIFY_TOKEN: 'verify',
        OPENAI_API_KEY: '',
        UNRELATED: 'ignored',
      }),
    });
    const env: Record<string, string | undefined> = {
      SECRET_ARN: 'arn:secret',
      WHATSAPP_PHONE_NUMBER_ID: '106540352242922',
    };
    const result = await loadSecretsIntoEnv(env, client);
    expect(sm).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: 'arn:secret' });
    expect(result.loaded).toEqual([
      'WHATSAPP_ACCESS_TOKEN',
      'WHATSAPP_APP_SECRET',
      'WHATSAPP_WEBHOOK_VERIFY_TOKEN',
    ]);
    expect(env.UNRELATED).toBeUndefined();
    expect(loadConfig(env).mode).toBe('LIVE');
  });

  it('stays in DEV mode, with a warning, until the token is filled in', async () => {
    sm.on(GetSecretValueCommand).resolves({
      SecretString: JSON.stringify({ WHATSAPP_ACCESS_TOKEN: '', WHATSAPP_WEBHOOK_VERIFY_TOKEN: 'generated' }),
    });
    const env: Record<string, string | undefined> = {
      SECRET_ARN: 'arn:secret',
      WHATSAPP_PHONE_NUMBER_ID: '106540352242922',
    };
    const result = await loadSecretsIntoEnv(env, client);
    expect(result.warnings).toEqual([expect.stringContaining('DEV mode')]);
    expect(loadConfig(env).mode).toBe('DEV');
  });

  it('refuses a secret that is not JSON', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: 'not json' });
    await expect(loadSecretsIntoEnv({ SECRET_ARN: 'arn' }, client)).rejects.toThrow('must be a JSON object');
  });
});
