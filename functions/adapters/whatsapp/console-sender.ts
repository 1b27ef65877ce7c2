import { randomBytes } from 'node:crypto';
import { describeContent, type OutboundMessage, oneLine } from '../../domain/outbound-message';
import type { SendResult, WhatsAppSender } from '../../ports';

/**
 * DEV mode: prints the message WhatsApp would have delivered and returns a synthetic wamid.
 * Nothing leaves the machine.
 */
export class ConsoleWhatsAppSender implements WhatsAppSender {
  constructor(private readonly print: (line: string) => void = (line) => process.stdout.write(`${line}\n`)) {}

  async send(message: OutboundMessage): Promise<SendResult> {
    this.print(`[DEV] WhatsApp send to ${message.to}: ${oneLine(describeContent(message.content))}`);
    return { ok: true, wamid: `wamid.DEV${randomBytes(12).toString('hex').toUpperCase()}` };
  }

  async markRead(wamid: string, options: { typing: boolean }): Promise<{ ok: true }> {
    this.print(`[DEV] WhatsApp read receipt for ${wamid}${options.typing ? ' (typing…)' : ''}`);
    return { ok: true };
  }
}
