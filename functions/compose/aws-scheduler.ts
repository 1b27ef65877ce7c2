/** The EventBridge Scheduler client, one per context (only the api and the launcher create schedules). */
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { Context } from './context';

export const scheduler = (c: Context): SchedulerClient =>
  c.once('scheduler', () => new SchedulerClient(c.clientSettings()));
