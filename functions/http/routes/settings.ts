/** What the platform runs with, as the console's settings page shows it (admins only; no secret values). */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env';
import { errorResponse, jsonResponse } from '../schemas';
import { WEBHOOK_PATH } from '../webhook-app';

export interface PlatformSettings {
  readonly mode: 'DEV' | 'LIVE';
  readonly phoneNumberId?: string;
  readonly sendRatePerSecond: number;
  /** Whether the webhook's credentials are set; unknown where another function holds them (AWS). */
  readonly verifyTokenConfigured: boolean | 'unknown';
  readonly appSecretConfigured: boolean | 'unknown';
  readonly openAiConfigured: boolean;
}

const SettingsSchema = z
  .object({
    mode: z.enum(['DEV', 'LIVE']),
    phoneNumberId: z.string().optional(),
    sendRatePerSecond: z.number().int(),
    webhookUrl: z
      .string()
      .openapi({ description: 'The URL to give Meta (App Dashboard > WhatsApp > Configuration)' }),
    verifyTokenConfigured: z.union([z.boolean(), z.literal('unknown')]),
    appSecretConfigured: z.union([z.boolean(), z.literal('unknown')]),
    openAiConfigured: z.boolean(),
  })
  .openapi('Settings');

const route = createRoute({
  method: 'get',
  path: '/api/settings',
  operationId: 'getSettings',
  tags: ['System'],
  security: [{ bearerAuth: [] }, { sessionCookie: [] }] as Record<string, string[]>[],
  summary: 'Mode, sending number, webhook URL and which credentials are set (admins only)',
  responses: { 200: jsonResponse(SettingsSchema, 'The settings'), 403: errorResponse('Not an admin') },
});

export function registerSettingsRoutes(app: OpenAPIHono<AppEnv>, settings: PlatformSettings): void {
  app.openapi(route, (c) => {
    const origin = new URL(c.req.url).origin;
    return c.json({ ...settings, webhookUrl: `${origin}${WEBHOOK_PATH}` }, 200);
  });
}
