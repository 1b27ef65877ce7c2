/** Templates: their definition, media, buttons, the Meta mapping, and previews. */
import { z } from '@hono/zod-openapi';
import { LIMITS } from '../../domain/limits';
import { VariableName } from './common';

const HttpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

export const MediaSchema = z.strictObject({
  type: z.enum(['image', 'document']),
  url: HttpUrl,
  caption: z
    .string()
    .max(LIMITS.caption)
    .optional()
    .openapi({ description: 'May use {{variables}}; defaults to the body' }),
  filename: z.string().min(1).max(240).optional().openapi({ description: 'Shown for documents' }),
});

export const ButtonSchema = z.strictObject({
  id: z
    .string()
    .min(1)
    .max(LIMITS.buttonId)
    .optional()
    .openapi({ description: 'Defaults to a slug of the title' }),
  title: z.string().trim().min(1).max(LIMITS.buttonTitle),
});

const MetaParameter = z.union([
  VariableName,
  z.strictObject({ parameter: z.string().min(1).max(100), variable: VariableName }),
]);

export const MetaMappingSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z0-9_]{1,512}$/, 'must be the approved template name (lower-case letters, digits, _)'),
    language: z
      .string()
      .regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'must be a WhatsApp language code such as en_US or de'),
    parameterFormat: z.enum(['positional', 'named']).default('positional'),
    body: z.array(MetaParameter).max(100).default([]).openapi({
      description:
        'Our variables that fill the body parameters: in order for positional ({{1}}, {{2}}...), by name for named',
    }),
    header: z
      .union([
        z.strictObject({ variable: VariableName, parameter: z.string().min(1).max(100).optional() }),
        z.strictObject({ media: z.literal(true) }),
      ])
      .optional(),
  })
  .openapi('MetaTemplateMapping');

export const TemplateInputSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    body: z.string().min(1).max(LIMITS.textBody),
    category: z.enum(['marketing', 'utility', 'authentication']).default('utility'),
    defaults: z.record(VariableName, z.string().max(1024)).optional(),
    media: MediaSchema.optional(),
    buttons: z.array(ButtonSchema).min(1).max(LIMITS.maxReplyButtons).optional(),
    whatsapp: MetaMappingSchema.optional(),
  })
  .openapi('TemplateInput', {
    example: { name: 'welcome', body: 'Hello {{customerName}}! Welcome to our service.' },
  });

const META_STATUS =
  'APPROVED, PENDING, REJECTED, PAUSED, DISABLED, IN_APPEAL, PENDING_DELETION, DELETED, ARCHIVED';

const metaViewShape = {
  metaId: z.string().optional().openapi({ description: "Meta's id of the template" }),
  status: z.string().openapi({ description: `Meta's status: ${META_STATUS}` }),
  category: z.string().optional().openapi({
    description: 'MARKETING, UTILITY or AUTHENTICATION: the latest completed category, which it is sent as',
  }),
  previousCategory: z.string().optional().openapi({ description: 'The category before the latest change' }),
  pendingCategory: z
    .object({ category: z.string(), at: z.string().optional() })
    .optional()
    .openapi({ description: 'A category change Meta announced and has not made yet' }),
  quality: z.string().optional().openapi({ description: 'GREEN, YELLOW, RED or UNKNOWN' }),
  rejectedReason: z.string().optional().openapi({ description: "Meta's reason for a rejection" }),
  statusReason: z
    .string()
    .optional()
    .openapi({ description: 'Why Meta gave the latest status (a pause, a flag, a lock), from its webhook' }),
  parameterFormat: z.enum(['positional', 'named']),
  lastSyncedAt: z.string().optional(),
  submittedAt: z.string().optional().openapi({ description: 'When the platform submitted it for approval' }),
  updatedAt: z.string(),
};

export const MetaTemplateViewSchema = z.object(metaViewShape).openapi('MetaTemplateStatus', {
  description: "Meta's view of the template this one is mapped to (name and language)",
});

// A flat object, not an extension of TemplateInput: the generator would emit an allOf of two closed
// objects, each forbidding the other's fields, which no template could satisfy.
export const TemplateSchema = z
  .object({
    ...TemplateInputSchema.shape,
    id: z.string(),
    version: z.number().int(),
    variables: z.array(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
    meta: MetaTemplateViewSchema.optional().openapi({
      description:
        "Meta's view of the mapped template (whatsapp.name and language): status, category, quality, rejection reason; absent until a sync, a webhook or a submission told the platform",
    }),
  })
  .openapi('Template');

export const MetaTemplateSchema = z
  .object({
    name: z.string(),
    language: z.string(),
    ...metaViewShape,
    components: z
      .array(z.record(z.string(), z.unknown()))
      .openapi({ description: "Header, body, footer and buttons, as Meta's template list gives them" }),
    observedAt: z.string(),
    templateIds: z.array(z.string()).openapi({
      description: 'Platform templates mapped to it; none: POST /api/templates/import makes one',
    }),
  })
  .openapi('MetaTemplate');

export const SyncResultSchema = z
  .object({
    fetched: z.number().int().openapi({ description: 'Templates Meta listed' }),
    pages: z.number().int(),
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    removed: z.number().int().openapi({ description: 'Known before and no longer listed: now DELETED' }),
    importable: z
      .number()
      .int()
      .openapi({ description: 'Listed templates no platform template is mapped to' }),
    campaignsPaused: z.number().int(),
    syncedAt: z.string(),
  })
  .openapi('TemplateSyncResult');

export const ImportInputSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9_]{1,512}$/, "must be the Meta template's name"),
    language: z.string().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'must be a WhatsApp language code such as en_US'),
    as: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .optional()
      .openapi({ description: "The platform template's name; Meta's by default" }),
    variables: z
      .record(z.string().regex(/^(header\.)?[A-Za-z0-9_]{1,100}$/), VariableName)
      .optional()
      .openapi({
        description:
          'Our variable for each Meta parameter: the body\'s by "1" (or their name), the header\'s by "header.1"; param1, param2... and header1 (positional) or Meta\'s names by default',
      }),
    mediaUrl: HttpUrl.optional().openapi({
      description: "The file a media header sends; Meta's example when it is a link",
    }),
  })
  .openapi('TemplateImportInput', {
    example: { name: 'order_ready', language: 'en_US', variables: { '1': 'customerName' } },
  });

export const ImportResultSchema = z
  .object({
    template: TemplateSchema,
    notes: z
      .array(z.string())
      .openapi({ description: "What the platform's own message leaves to the Meta template" }),
  })
  .openapi('TemplateImport');

const ExtraButtonSchema = z.union([
  z.strictObject({
    type: z.literal('url'),
    text: z.string().min(1).max(100),
    url: z.string().min(1).max(4000),
  }),
  z.strictObject({
    type: z.literal('phone_number'),
    text: z.string().min(1).max(100),
    phoneNumber: z.string().regex(/^\+[1-9]\d{6,19}$/, 'must be an E.164 number'),
  }),
]);

export const SubmitInputSchema = z
  .strictObject({
    name: z
      .string()
      .min(1)
      .max(600)
      .optional()
      .openapi({ description: "Meta's name for it; the mapping's by default" }),
    language: z
      .string()
      .min(1)
      .max(20)
      .optional()
      .openapi({ description: "Meta's language code; the mapping's by default" }),
    examples: z.record(VariableName, z.string().max(1024)).optional().openapi({
      description: 'A sample value for each variable, which Meta reviews the template with; defaults fill in',
    }),
    headerText: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .openapi({ description: 'A text header, at most one variable' }),
    headerHandle: z.string().min(1).max(2000).optional().openapi({
      description: "A media header's sample: the handle Meta's Resumable Upload API answered for the file",
    }),
    footer: z.string().min(1).max(200).optional(),
    buttons: z.array(ExtraButtonSchema).max(10).optional().openapi({
      description: "URL and phone number buttons besides the template's quick replies",
    }),
  })
  .openapi('TemplateSubmitInput', { example: { examples: { customerName: 'Maria' } } });

export const PreviewInputSchema = z
  .strictObject({
    variables: z.record(z.string(), z.string()).default({}),
    to: z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +14155550123')
      .optional()
      .openapi({ description: 'Recipient shown in the payload; a placeholder when omitted' }),
  })
  .openapi('PreviewInput');

export const PreviewSchema = z
  .object({
    text: z.string(),
    payload: z
      .record(z.string(), z.unknown())
      .openapi({ description: 'Graph API body inside the 24-hour window' }),
    metaTemplatePayload: z.record(z.string(), z.unknown()).optional().openapi({
      description: 'Graph API body using the mapped Meta template (outside the window, or marketing)',
    }),
  })
  .openapi('Preview');
