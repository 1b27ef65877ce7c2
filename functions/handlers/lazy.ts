import { loadConfig } from '../config';
import { buildDeps, type Deps } from '../deps';
import { loadSecretsIntoEnv } from '../secrets';

/**
 * Builds a Lambda handler once per container, after reading the platform secret: the first invocation
 * waits for it, later ones reuse it. A failed start-up is retried on the next invocation.
 */
export function lazyHandler<E, C, R>(build: (deps: Deps) => (event: E, context: C) => Promise<R>) {
  let ready: Promise<(event: E, context: C) => Promise<R>> | undefined;
  const init = async () => {
    const { warnings } = await loadSecretsIntoEnv(process.env);
    const deps = buildDeps(loadConfig());
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
