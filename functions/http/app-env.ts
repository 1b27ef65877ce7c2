import type { Logger } from '@aws-lambda-powertools/logger';
import type { Session } from '../ports';
import type { Caller } from './auth';

/** Per-request values the middleware puts on the Hono context. */
export type AppEnv = {
  Variables: {
    logger: Logger;
    correlationId: string;
    caller: Caller;
    /** Set when the caller signed in to the console (not for API keys). */
    session?: Session;
    sessionToken?: string;
  };
};
