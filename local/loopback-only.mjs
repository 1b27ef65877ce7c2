// fauxqs 2.4 listens on 0.0.0.0 whatever `host` it is given (its startFauxqs passes a fixed host to
// fastify), so anyone on the same network could read and inject queue messages. While `start` runs, a
// server asked to listen on every interface listens on 127.0.0.1 instead. Plain ESM so that jest's
// globalSetup (test/support/emulators.global.mjs) and the local runtime (local/emulators.ts) share it.
import { Server } from 'node:net';

const EVERY_INTERFACE = new Set(['0.0.0.0', '::', undefined, null, '']);

export async function listeningOnLoopbackOnly(start) {
  const listen = Server.prototype.listen;
  Server.prototype.listen = function loopbackListen(...args) {
    const [first] = args;
    if (first && typeof first === 'object' && !Array.isArray(first) && EVERY_INTERFACE.has(first.host)) {
      args[0] = { ...first, host: '127.0.0.1' };
    }
    return listen.apply(this, args);
  };
  try {
    return await start();
  } finally {
    Server.prototype.listen = listen;
  }
}
