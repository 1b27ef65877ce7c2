/**
 * The send queue's wire format: short keys keep payloads small at 1,000 messages/s, and every body is
 * checked against a schema when it is read, so a malformed or foreign message is named and dropped
 * instead of reaching the send logic as a half-filled object.
 */
import * as z from 'zod/mini';
import type { SendTask } from '../../domain/campaign';

const Wire = z.union([
  z.object({ t: z.literal('c'), c: z.string(), p: z.string(), b: z.number(), g: z.number() }),
  z.object({ t: z.literal('m'), m: z.string() }),
  z.object({ t: z.literal('r'), w: z.string(), y: z.boolean() }),
  z.object({ t: z.literal('p'), c: z.string(), g: z.number(), s: z.number(), q: z.number() }),
]);
type WireJob = z.infer<typeof Wire>;

export function encodeSendTask(task: SendTask): string {
  const wire: WireJob =
    task.kind === 'recipient'
      ? { t: 'c', c: task.campaignId, p: task.phone, b: task.bucket, g: task.gen }
      : task.kind === 'message'
        ? { t: 'm', m: task.messageId }
        : task.kind === 'receipt'
          ? { t: 'r', w: task.wamid, y: task.typing }
          : { t: 'p', c: task.campaignId, g: task.gen, s: task.stalled, q: task.lastQueued };
  return JSON.stringify(wire);
}

/** The task a body carries, or why it carries none. */
export function decodeSendTask(body: string): { ok: true; task: SendTask } | { ok: false; problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { ok: false, problem: 'not JSON' };
  }
  const parsed = Wire.safeParse(value);
  if (!parsed.success) return { ok: false, problem: 'not a send job' };
  const w = parsed.data;
  if (w.t === 'c') {
    return { ok: true, task: { kind: 'recipient', campaignId: w.c, phone: w.p, bucket: w.b, gen: w.g } };
  }
  if (w.t === 'm') return { ok: true, task: { kind: 'message', messageId: w.m } };
  if (w.t === 'r') return { ok: true, task: { kind: 'receipt', wamid: w.w, typing: w.y } };
  return { ok: true, task: { kind: 'probe', campaignId: w.c, gen: w.g, stalled: w.s, lastQueued: w.q } };
}
