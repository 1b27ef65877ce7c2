import type { Mode } from './mode';
import type { OutboundContent } from './outbound-message';
import { renderTemplate, type TemplateDefinition } from './template';

/** WhatsApp's customer service window: free-form messages only within 24 hours of the customer's last message. */
export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

export function isWindowOpen(lastInboundAt: string | undefined, now: Date): boolean {
  if (!lastInboundAt) return false;
  const last = Date.parse(lastInboundAt);
  return Number.isFinite(last) && now.getTime() - last < SERVICE_WINDOW_MS;
}

export type SendDecision =
  | {
      readonly ok: true;
      readonly content: OutboundContent;
      readonly via: 'session' | 'meta_template';
      readonly warning?: string;
    }
  | { readonly ok: false; readonly code: string; readonly message: string };

/**
 * Chooses what to send: the mapped Meta template for marketing or outside the 24-hour window, the free-form
 * message otherwise. Without a mapping outside the window, LIVE refuses (WhatsApp would answer 131047);
 * DEV sends the free-form message and says what LIVE would do, so a walkthrough shows the whole flow.
 */
export function decideContent(
  template: TemplateDefinition,
  variables: Readonly<Record<string, string>>,
  windowOpen: boolean,
  mode: Mode,
): SendDecision {
  const rendered = renderTemplate(template, variables);
  if (!rendered.ok) {
    const message =
      rendered.code === 'missing_variables'
        ? `missing variables: ${rendered.missing.join(', ')}`
        : rendered.code === 'message_too_long'
          ? `${rendered.field} is ${rendered.length} characters; WhatsApp allows ${rendered.limit}`
          : rendered.message;
    return { ok: false, code: rendered.code, message };
  }
  const needsTemplate = template.category === 'marketing' || !windowOpen;
  if (!needsTemplate) return { ok: true, content: rendered.session, via: 'session' };
  if (rendered.metaTemplate) return { ok: true, content: rendered.metaTemplate, via: 'meta_template' };
  const why =
    template.category === 'marketing'
      ? 'marketing messages must use a Meta-approved template'
      : 'the 24-hour customer service window is closed';
  if (mode === 'DEV') {
    return {
      ok: true,
      content: rendered.session,
      via: 'session',
      warning: `${why}; in LIVE mode this send would be refused: map the template to a Meta-approved template`,
    };
  }
  return { ok: false, code: 'template_required', message: `${why}, and this template is not mapped to one` };
}
