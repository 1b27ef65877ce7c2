import type OpenAI from 'openai';

export interface OpenAiSettings {
  readonly apiKey: string;
  /** Any OpenAI-compatible server; the official API when unset. */
  readonly baseUrl?: string;
  readonly timeoutMs: number;
  readonly maxRetries: number;
}

/** The client, loaded on first use. */
export type OpenAiClient = () => Promise<OpenAI>;

/**
 * One client per process: the SDK retries 408/409/429/5xx and connection errors with backoff itself.
 * The SDK is imported on first use, so a cold start that needs no model (most API requests, a crawl of
 * unchanged pages) does not pay for loading it.
 */
export function makeOpenAiClient(s: OpenAiSettings): OpenAiClient {
  let client: Promise<OpenAI> | undefined;
  return () => {
    client ??= import('openai').then(
      ({ default: OpenAI }) =>
        new OpenAI({
          apiKey: s.apiKey,
          ...(s.baseUrl ? { baseURL: s.baseUrl } : {}),
          timeout: s.timeoutMs,
          maxRetries: s.maxRetries,
        }),
    );
    return client;
  };
}
