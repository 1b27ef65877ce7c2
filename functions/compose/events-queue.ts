/** The webhook's way onto the events queue, parking what is too large (its own module: it brings S3). */
import { SqsEventsQueue } from '../adapters/sqs/queues';
import type { EventsQueue } from '../ports';
import { sqs } from './aws-sqs';
import { changeParking } from './buckets';
import type { Context } from './context';

export const eventsQueue = (c: Context): EventsQueue =>
  new SqsEventsQueue(sqs(c), c.queue('events'), changeParking(c, 'put'));
