/** Runs `start`; a server it asks to listen on every interface listens on 127.0.0.1 instead. */
export function listeningOnLoopbackOnly<T>(start: () => Promise<T>): Promise<T>;
