/**
 * A Lambda handler built once per container, after reading the function's secrets: the first invocation
 * waits for it, later ones reuse it. A failed start-up is retried on the next invocation.
 */
import { loadConfig } from '../config';
import type { FunctionName } from '../resources';
import { loadSecretsIntoEnv } from '../secrets';
import { Context } from './context';

export function lambdaHandler<E, C, R>(
  fn: FunctionName,
  build: (context: Context) => (event: E, context: C) => Promise<R>,
) {
  let ready: Promise<(event: E, context: C) => Promise<R>> | undefined;
  const init = async () => {
    const { warnings } = await loadSecretsIntoEnv(process.env);
    const context = new Context(loadConfig(), fn);
    for (const w of warnings) context.logger.warn(w);
    return build(context);
  };
  return async (event: E, context: C): Promise<R> => {
    ready ??= init().catch((error) => {
      ready = undefined;
      throw error;
    });
    return (await ready)(event, context);
  };
}
