import type { ReadReceipts, SendQueue } from '../../ports';

/**
 * Read receipts go through the send queue: the send worker holds WhatsApp's access token and the assistant's
 * function does not, so both the API and the assistant ask the worker, in one way.
 */
export class QueuedReadReceipts implements ReadReceipts {
  constructor(private readonly queue: SendQueue) {}

  async markRead(_contact: string, wamid: string, options: { typing: boolean }): Promise<void> {
    await this.queue.enqueue([{ kind: 'receipt', wamid, typing: options.typing }]);
  }
}
