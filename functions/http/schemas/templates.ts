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
  })
  .openapi('Template');

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
