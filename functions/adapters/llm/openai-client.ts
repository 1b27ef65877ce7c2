import OpenAI from 'openai';

export interface OpenAiSettings {
  readonly apiKey: string;
  /** Any OpenAI-compatible server; the official API when unset. */
  readonly baseUrl?: string;
  readonly timeoutMs: number;
  readonly maxRetries: number;
}

/** One client per process: the SDK retries 408/409/429/5xx and connection errors with backoff itself. */
export function makeOpenAiClient(s: OpenAiSettings): OpenAI {
  return new OpenAI({
    apiKey: s.apiKey,
    ...(s.baseUrl ? { baseURL: s.baseUrl } : {}),
    timeout: s.timeoutMs,
    maxRetries: s.maxRetries,
  });
}
