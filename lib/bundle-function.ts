/**
 * `tsx lib/bundle-function.ts <handler> <outdir>`: bundles one function. CDK's local bundling runs this as
 * a child process because its hook is synchronous and esbuild plugins need esbuild's asynchronous API.
 */
import { bundleFunction, HANDLERS, type HandlerName } from './bundling';

const [handler, outdir] = process.argv.slice(2);
if (!handler || !outdir || !HANDLERS.includes(handler as HandlerName)) {
  console.error(`usage: tsx lib/bundle-function.ts <${HANDLERS.join('|')}> <outdir>`);
  process.exit(2);
}
bundleFunction(handler as HandlerName, outdir).catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
