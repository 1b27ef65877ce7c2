import type { Mode } from '../functions/domain/mode';

export interface BannerInfo {
  readonly url: string;
  readonly mode: Mode;
  readonly dataDir?: string;
  readonly apiKey: string;
  readonly apiKeySource: string;
  readonly admin?: { readonly email: string; readonly password?: string; readonly source: string };
}

export function banner(info: BannerInfo): string {
  const mode =
    info.mode === 'DEV'
      ? 'DEV   (sends are printed below; nothing leaves this machine)'
      : 'LIVE  (sends go to the WhatsApp Cloud API)';
  const data = info.dataDir ? `${info.dataDir}  (kept across restarts)` : 'in memory  (discarded on exit)';
  const key =
    info.apiKeySource === 'DEV_API_KEY'
      ? `${info.apiKey}  (from DEV_API_KEY)`
      : `${info.apiKey}  (${info.apiKeySource === 'created' ? 'new' : 'stored'}; use as "Authorization: Bearer <key>")`;
  const admin = info.admin
    ? info.admin.password
      ? `${info.admin.email}  password ${info.admin.password}  (one-time: the console asks for a new one)`
      : `${info.admin.email}  (${info.admin.source === 'changed' ? 'password changed by its owner' : 'an existing account'})`
    : undefined;
  return [
    '',
    '  WhatsApp Business Platform is running',
    '',
    `  Console    ${info.url}/`,
    ...(admin ? [`  Sign in    ${admin}`] : []),
    `  API        ${info.url}/api        docs: ${info.url}/api/docs`,
    `  Mode       ${mode}`,
    `  Data       ${data}`,
    `  API key    ${key}`,
    `  Webhook    ${info.url}/api/whatsapp/webhook`,
    '',
    '  Press Ctrl-C to stop.',
    '',
  ].join('\n');
}
