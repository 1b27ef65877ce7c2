import { Outbox } from '../services/outbox';
import type { Context } from './context';
import { sendQueue } from './queues';
import { contactStore, messageStore } from './stores';

/** Where every single message leaves from (services/outbox.ts). */
export const outbox = (c: Context) =>
  new Outbox({
    messages: messageStore(c),
    sendQueue: sendQueue(c),
    contacts: contactStore(c),
    clock: c.clock,
    mode: c.config.mode,
  });
