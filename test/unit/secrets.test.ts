import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { loadConfig } from '../../functions/config';
import { FUNCTIONS, type SECRETS } from '../../functions/resources';
import { loadSecretsIntoEnv } from '../../functions/secrets';

describe('loadSecretsIntoEnv (aws-sdk-client-mock)', () => {
  const sm = mockClient(SecretsManagerClient);
  const client = new SecretsManagerClient({ region: 'eu-west-1' });
  beforeEach(() => sm.reset());

  it('does nothing without secret ARNs (local runs)', async () => {
    const env: Record<string, string | undefined> = {};
    expect(await loadSecretsIntoEnv(env, client)).toEqual({ loaded: [], warnings: [] });
    expect(sm).not.toHaveReceivedAnyCommand();
  });

  it('reads only the secrets whose ARNs the function was given, and only their own keys', async () => {
    sm.on(GetSecretValueCommand, { SecretId: 'arn:whatsapp' }).resolves({
      // A key that belongs to another secret is ignored even if someone put it here.
      SecretString: JSON.stringify({ WHATSAPP_ACCESS_TOKEN: 'EAAG-token', OPENAI_API_KEY: 'sk-smuggled' }),
    });
    const env: Record<string, string | undefined> = {
      WHATSAPP_SECRET_ARN: 'arn:whatsapp',
      WHATSAPP_MODE: 'LIVE',
      WHATSAPP_PHONE_NUMBER_ID: '106540352242922',
    };
    const result = await loadSecretsIntoEnv(env, client);
    expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
    expect(result.loaded).toEqual(['WHATSAPP_ACCESS_TOKEN']);
    expect(env.OPENAI_API_KEY).toBeUndefined();
    expect(loadConfig(env).mode).toBe('LIVE');
  });

  it('the sending function stays in DEV mode, with a warning, until the token is filled in', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ WHATSAPP_ACCESS_TOKEN: '' }) });
    const env: Record<string, string | undefined> = {
      WHATSAPP_SECRET_ARN: 'arn:whatsapp',
      WHATSAPP_MODE: 'LIVE',
      WHATSAPP_PHONE_NUMBER_ID: '106540352242922',
    };
    const result = await loadSecretsIntoEnv(env, client);
    expect(result.warnings).toEqual([expect.stringContaining('DEV mode')]);
    expect(loadConfig(env).mode).toBe('DEV');
  });

  it('a function without the token still knows the mode from the stack', () => {
    expect(loadConfig({ WHATSAPP_MODE: 'LIVE', WHATSAPP_PHONE_NUMBER_ID: '106540352242922' }).mode).toBe(
      'LIVE',
    );
  });

  it('refuses a secret that is not JSON', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: 'not json' });
    await expect(loadSecretsIntoEnv({ OPENAI_SECRET_ARN: 'arn' }, client)).rejects.toThrow(
      'must be a JSON object',
    );
  });

  it('gives the access token only to the functions that call the Graph API, and the app secret only to the webhook', () => {
    const readers = (secret: keyof typeof SECRETS) =>
      Object.entries(FUNCTIONS)
        .filter(([, f]) => (f.secrets as readonly string[]).includes(secret))
        .map(([name]) => name);
    // The send worker sends; the events function downloads customers' media as messages arrive; the api
    // and the launcher read the account's templates (and the api submits them).
    expect(readers('whatsapp')).toEqual(['api', 'events', 'send-worker', 'launcher']);
    expect(readers('webhook')).toEqual(['webhook']);
    expect(readers('openai')).not.toContain('webhook');
  });
});
