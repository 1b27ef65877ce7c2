/**
 * Plays WhatsApp against the running local platform:
 *   npm run simulate -- inbound --from +15551234567 --text "Hi, what are your opening hours?"
 *   npm run simulate -- inbound --from +15551234567 --button "Stop promotions"
 *   npm run simulate -- inbound --from +15551234567 --image [--caption "Is this the right part?"]
 *   npm run simulate -- inbound --from +15551234567 --document [--caption "My invoice"]
 * Options: --name "Customer name", --url http://localhost:3000 (default: PORT or 3000).
 * An image or document carries a made-up media id: in DEV mode the platform keeps a built-in sample file
 * for it (a PNG, a PDF), so the conversation shows media without WhatsApp.
 * Signs the webhook with WHATSAPP_APP_SECRET when it is set, as Meta does.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { signPayload } from '../functions/domain/webhook-signature';

const USAGE =
  'Usage: npm run simulate -- inbound --from +15551234567 (--text "Hi" | --button "Stop promotions" | --image | --document) [--caption C] [--name N] [--url U]';

export function inboundWebhook(options: {
  from: string;
  text?: string;
  button?: string;
  /** An image or document message, with WhatsApp's media fields (the id is made up). */
  media?: {
    kind: 'image' | 'document';
    caption?: string;
    mediaId?: string;
    mimeType?: string;
    sha256?: string;
  };
  name?: string;
  at?: Date;
}) {
  const waId = options.from.replace(/[^\d]/g, '');
  const message: Record<string, unknown> = {
    from: waId,
    id: `wamid.SIM${randomBytes(10).toString('hex').toUpperCase()}`,
    timestamp: String(Math.floor((options.at ?? new Date()).getTime() / 1000)),
    ...(options.media
      ? mediaMessage(options.media)
      : options.button !== undefined
        ? { type: 'button', button: { payload: options.button, text: options.button } }
        : { type: 'text', text: { body: options.text ?? '' } }),
  };
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: 'SIMULATED',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550000000', phone_number_id: 'SIMULATED' },
              contacts: [{ profile: { name: options.name ?? 'Simulated Customer' }, wa_id: waId }],
              messages: [message],
            },
          },
        ],
      },
    ],
  };
}

/** WhatsApp's shape of an image or document message: the file is named by its media id only. */
function mediaMessage(
  m: NonNullable<Parameters<typeof inboundWebhook>[0]['media']>,
): Record<string, unknown> {
  const document = m.kind === 'document';
  return {
    type: m.kind,
    [m.kind]: {
      id: m.mediaId ?? String(BigInt(`0x${randomBytes(7).toString('hex')}`)),
      mime_type: m.mimeType ?? (document ? 'application/pdf' : 'image/jpeg'),
      ...(m.sha256 ? { sha256: m.sha256 } : {}),
      ...(document ? { filename: 'sample.pdf' } : {}),
      ...(m.caption ? { caption: m.caption } : {}),
    },
  };
}

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      from: { type: 'string' },
      text: { type: 'string' },
      button: { type: 'string' },
      image: { type: 'boolean' },
      document: { type: 'boolean' },
      caption: { type: 'string' },
      name: { type: 'string' },
      url: { type: 'string' },
    },
  });
  const kinds = [values.text !== undefined, values.button !== undefined, values.image, values.document];
  if (positionals[0] !== 'inbound' || !values.from || kinds.filter(Boolean).length !== 1) {
    console.error(USAGE);
    return 2;
  }
  const base = values.url ?? `http://localhost:${process.env.PORT || 3000}`;
  const body = JSON.stringify(
    inboundWebhook({
      from: values.from,
      ...(values.text !== undefined ? { text: values.text } : {}),
      ...(values.button !== undefined ? { button: values.button } : {}),
      ...(values.image || values.document
        ? {
            media: {
              kind: values.image ? ('image' as const) : ('document' as const),
              ...(values.caption ? { caption: values.caption } : {}),
            },
          }
        : {}),
      ...(values.name ? { name: values.name } : {}),
    }),
  );
  const secret = process.env.WHATSAPP_APP_SECRET;
  let response: Response;
  try {
    response = await fetch(`${base}/api/whatsapp/webhook`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(secret ? { 'x-hub-signature-256': signPayload(body, secret) } : {}),
      },
      body,
    });
  } catch {
    console.error(`Nothing answers at ${base}: start the platform with npm start first (or pass --url).`);
    return 1;
  }
  console.log(`${response.status} ${await response.text()}`);
  return response.ok ? 0 : 1;
}

if (require.main === module) {
  main().then((code) => process.exit(code));
}
