import { createLogger } from '../../functions/logger';
import { type Platform, type PlatformOptions, startPlatform } from '../../local/platform';
import { endpoints, isolatedConfig, uniqueSuffix } from './aws';

export interface TestPlatform extends Platform {
  /** fetch against the platform with the API key already set. */
  api(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  readonly printed: string[];
}

/** Boots the local runtime in this process on a free port, on isolated tables in the shared emulators. */
export async function bootPlatform(
  env: Record<string, string> = {},
  options: Partial<Pick<PlatformOptions, 'whatsapp' | 'clock' | 'schedulerTickMs' | 'logger'>> = {},
): Promise<TestPlatform> {
  // Simulated status webhooks would race with tests' own expectations; tests that want them turn them on.
  const config = await isolatedConfig({ DEV_SIMULATE_STATUSES: 'false', ...env });

  const printed: string[] = [];
  const platform = await startPlatform({
    config,
    endpoints: endpoints(),
    persistent: false,
    logger: createLogger({ level: (process.env.TEST_LOG_LEVEL as 'DEBUG' | undefined) ?? 'ERROR' }),
    print: (line) => printed.push(line),
    queueSuffix: `-${uniqueSuffix()}`,
    ...options,
  });

  const api = (path: string, init: RequestInit & { json?: unknown } = {}) => {
    const { json, headers, ...rest } = init;
    return fetch(`${platform.url}${path}`, {
      ...rest,
      headers: {
        authorization: `Bearer ${platform.apiKey}`,
        ...(json === undefined ? {} : { 'content-type': 'application/json' }),
        ...(headers as Record<string, string> | undefined),
      },
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
    });
  };
  return Object.assign(platform, { api, printed });
}
