import { type Config, loadConfig } from '../config';
import type { CoreDeps } from '../deps/core';
import { loadSecretsIntoEnv } from '../secrets';

/**
 * Builds a Lambda handler once per container, after reading the platform secret: the first invocation
 * waits for it, later ones reuse it. A failed start-up is retried on the next invocation. `assemble`
 * builds only the layers of functions/deps/ this function uses.
 */
export function lazyHandler<D extends CoreDeps, E, C, R>(
  assemble: (config: Config) => D,
  build: (deps: D) => (event: E, context: C) => Promise<R>,
) {
  let ready: Promise<(event: E, context: C) => Promise<R>> | undefined;
  const init = async () => {
    const { warnings } = await loadSecretsIntoEnv(process.env);
    const deps = assemble(loadConfig());
    for (const w of warnings) deps.logger.warn(w);
    return build(deps);
  };
  return async (event: E, context: C): Promise<R> => {
    ready ??= init().catch((error) => {
      ready = undefined;
      throw error;
    });
    return (await ready)(event, context);
  };
}
