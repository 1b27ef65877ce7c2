import type { ReadReceipts, SendQueue } from '../../ports';

/**
 * Read receipts go through the send queue: only the send worker holds WhatsApp's access token, so the API
 * and the assistant ask it rather than holding the secret themselves.
 */
export class QueuedReadReceipts implements ReadReceipts {
  constructor(private readonly queue: SendQueue) {}

  async markRead(_contact: string, wamid: string, options: { typing: boolean }): Promise<void> {
    await this.queue.enqueue([{ kind: 'receipt', wamid, typing: options.typing }]);
  }
}
