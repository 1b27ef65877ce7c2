/** What every route's schemas share: the error envelope, pages, parameters, and the content helpers. */
import { z } from '@hono/zod-openapi';
import { RESERVED_VARIABLE_NAMES } from '../../domain/template-text';

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'validation_failed' }),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .openapi('Error');

export const VariableName = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_]*$/,
    'must be a variable name: letters, digits and _, not starting with a digit',
  )
  .refine((name) => !RESERVED_VARIABLE_NAMES.includes(name), { message: 'is a reserved name' });

export const IdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' } }),
});

export const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(2048).optional(),
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});

export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});

export const errorResponse = (description: string) => jsonResponse(ErrorSchema, description);

/**
 * Query parameters described without being validated by the route: the CSV variant of an upload reads
 * them itself (JSON bodies carry the same values inside), so they appear in the document only.
 */
export function describedQuery(shape: z.ZodObject, note: string) {
  return Object.entries(shape.shape).map(([name, field]) => {
    const { $schema: _ignored, ...schema } = z.toJSONSchema(field as z.ZodType, { io: 'input' }) as Record<
      string,
      unknown
    >;
    // Never required by the document, since a JSON body needs none of them; the note says when.
    const csvNeedsIt = !(field as z.ZodType).safeParse(undefined).success;
    return {
      name,
      in: 'query' as const,
      required: false,
      description: csvNeedsIt ? `${note}; required with text/csv` : note,
      schema,
    };
  });
}

/** A page of items with the opaque cursor of the next page (absent on the last). */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().optional() });
