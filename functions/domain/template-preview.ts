import { buildGraphPayload, type GraphPayload } from './graph-payload';
import { type RenderOutcome, renderTemplate, type TemplateDefinition } from './template';

/** Where a preview goes when the caller names nobody: a number that exists in no country's plan. */
export const PREVIEW_RECIPIENT = '+15550000000';

export type PreviewOutcome =
  | {
      readonly ok: true;
      readonly text: string;
      readonly payload: GraphPayload;
      readonly metaTemplatePayload?: GraphPayload;
    }
  | {
      readonly ok: false;
      readonly code: Exclude<RenderOutcome, { ok: true }>['code'];
      /** The problem in words, naming the variable or field. */
      readonly message: string;
      readonly details: Record<string, unknown>;
    };

/**
 * What a template sends to one recipient: the text, the exact Graph API body of the session message and,
 * for a template mapped to a Meta template, of the template message. The API's preview route and the
 * console's live preview both call this, so what an editor shows is what the server would send.
 */
export function previewTemplate(
  def: TemplateDefinition,
  values: Readonly<Record<string, string>>,
  to: string = PREVIEW_RECIPIENT,
): PreviewOutcome {
  const outcome = renderTemplate(def, values);
  if (!outcome.ok) {
    switch (outcome.code) {
      case 'missing_variables':
        return {
          ok: false,
          code: outcome.code,
          message: `missing variables: ${outcome.missing.join(', ')}`,
          details: { missing: outcome.missing },
        };
      case 'message_too_long':
        return {
          ok: false,
          code: outcome.code,
          message: `${outcome.field} is ${outcome.length} characters once rendered; WhatsApp allows ${outcome.limit}`,
          details: { field: outcome.field, length: outcome.length, limit: outcome.limit },
        };
      case 'invalid_parameter':
        return {
          ok: false,
          code: outcome.code,
          message: outcome.message,
          details: { variable: outcome.variable },
        };
    }
  }
  return {
    ok: true,
    text: outcome.text,
    payload: buildGraphPayload({ to, content: outcome.session }),
    ...(outcome.metaTemplate
      ? { metaTemplatePayload: buildGraphPayload({ to, content: outcome.metaTemplate }) }
      : {}),
  };
}
