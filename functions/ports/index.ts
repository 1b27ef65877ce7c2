/**
 * The interfaces the services need from the world outside: stores, queues, schedules, WhatsApp, models,
 * the web. adapters/ implements them; compose/ picks which adapter each function gets. Entities and errors
 * live in domain/.
 */
export * from './access';
export * from './campaigns';
export * from './clock';
export * from './contacts';
export * from './conversations';
export * from './events';
export * from './exports';
export * from './knowledge';
export * from './media';
export * from './messages';
export * from './templates';
export * from './webhooks';
export * from './whatsapp';
