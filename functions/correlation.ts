/**
 * One customer's message, or one API request, followed through the queues: the correlation id of the
 * HTTP request or webhook that started the work rides on every queue message it causes (an SQS message
 * attribute) and is on every log line written while a record of it is handled. It is carried in
 * AsyncLocalStorage, so records handled side by side in one batch keep their own ids.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { SQSRecord } from 'aws-lambda';

export const CORRELATION_ATTRIBUTE = 'correlationId';

const current = new AsyncLocalStorage<string>();

export function withCorrelation<T>(id: string, work: () => T): T {
  return current.run(id, work);
}

export function correlationId(): string | undefined {
  return current.getStore();
}

/** The id a queue record carries (or, for a message from outside the platform, its own message id). */
export function recordCorrelation(record: Pick<SQSRecord, 'messageId' | 'messageAttributes'>): string {
  return record.messageAttributes?.[CORRELATION_ATTRIBUTE]?.stringValue ?? record.messageId;
}

/** Handles a queue record under its correlation id. */
export function forRecord<T>(record: Pick<SQSRecord, 'messageId' | 'messageAttributes'>, work: () => T): T {
  return withCorrelation(recordCorrelation(record), work);
}

/** The SQS message attributes that carry the current correlation id, if there is one. */
export function correlationAttributes() {
  const id = correlationId();
  return id
    ? { MessageAttributes: { [CORRELATION_ATTRIBUTE]: { DataType: 'String', StringValue: id } } }
    : {};
}
