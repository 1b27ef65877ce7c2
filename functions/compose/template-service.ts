/**
 * The template service of the api and the launcher: Meta's view of the account's templates with the
 * platform's own templates (sync, import, submission, categories following Meta's), and the send-time check.
 */
import { MetaTemplates } from '../services/meta-templates';
import type { Context } from './context';
import { metaTemplateParts } from './meta-templates';
import { templateStore } from './stores';

export const metaTemplates = (c: Context): MetaTemplates =>
  c.once('metaTemplates', () => new MetaTemplates({ ...metaTemplateParts(c), templates: templateStore(c) }));
