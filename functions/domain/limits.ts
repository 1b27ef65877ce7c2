/** WhatsApp Cloud API limits this platform checks before sending (reference section 5). */
export const LIMITS = {
  textBody: 4096,
  caption: 1024,
  interactiveBody: 1024,
  metaTemplateBody: 1024,
  maxReplyButtons: 3,
  buttonTitle: 20,
  buttonId: 256,
} as const;
