import { ConfigError, loadConfig } from '../../functions/config';

describe('loadConfig', () => {
  it('defaults to DEV mode with the documented defaults', () => {
    const c = loadConfig({});
    expect(c.mode).toBe('DEV');
    expect(c.port).toBe(3000);
    expect(c.dataDir).toBe('.data');
    expect(c.whatsapp.apiBaseUrl).toBe('https://graph.facebook.com');
    expect(c.whatsapp.apiVersion).toBe('v25.0');
    expect(c.tables.templates).toBe('wa-templates');
  });

  it('is LIVE when both the token and the phone number id are set', () => {
    const c = loadConfig({
      WHATSAPP_ACCESS_TOKEN: 'EAAG123',
      WHATSAPP_PHONE_NUMBER_ID: '106540352242922',
      WHATSAPP_APP_SECRET: 'app-secret',
    });
    expect(c.mode).toBe('LIVE');
  });

  it('requires the app secret in LIVE mode, to verify webhooks', () => {
    expect(() =>
      loadConfig({ WHATSAPP_ACCESS_TOKEN: 'EAAG123', WHATSAPP_PHONE_NUMBER_ID: '106540352242922' }),
    ).toThrow(/^WHATSAPP_APP_SECRET must be set in LIVE mode/);
  });

  it.each([
    [
      { WHATSAPP_ACCESS_TOKEN: 'EAAG123' },
      'WHATSAPP_PHONE_NUMBER_ID must be set when WHATSAPP_ACCESS_TOKEN is set',
    ],
    [
      { WHATSAPP_PHONE_NUMBER_ID: '106540352242922' },
      'WHATSAPP_ACCESS_TOKEN must be set when WHATSAPP_PHONE_NUMBER_ID is set',
    ],
  ])('refuses one LIVE setting without the other', (env, message) => {
    expect(() => loadConfig(env)).toThrow(
      new ConfigError(`${message} (set both for LIVE mode, neither for DEV mode)`),
    );
  });

  it('names the variable and what it must be, on one line', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(
      /^PORT must be a port number from 0 to 65535 \(got "abc"\)$/,
    );
    expect(() => loadConfig({ WHATSAPP_API_BASE_URL: 'ftp://x' })).toThrow(
      /^WHATSAPP_API_BASE_URL must be an http\(s\) URL/,
    );
    expect(() => loadConfig({ WHATSAPP_API_VERSION: '25' })).toThrow(
      /^WHATSAPP_API_VERSION must look like v25.0/,
    );
  });

  it('never echoes a secret in the error', () => {
    expect(() => loadConfig({ DEV_API_KEY: 'short-secret' })).toThrow(/DEV_API_KEY .*\(value hidden\)/);
    expect(() => loadConfig({ DEV_API_KEY: 'short-secret' })).not.toThrow(/short-secret/);
  });

  it('treats empty variables as unset and trims a trailing slash from the base URL', () => {
    const c = loadConfig({
      WHATSAPP_ACCESS_TOKEN: '',
      PORT: '',
      WHATSAPP_API_BASE_URL: 'http://127.0.0.1:9/',
    });
    expect(c.mode).toBe('DEV');
    expect(c.port).toBe(3000);
    expect(c.whatsapp.apiBaseUrl).toBe('http://127.0.0.1:9');
  });
});
