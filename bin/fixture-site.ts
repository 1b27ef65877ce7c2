/**
 * `npm run fixture-site`: serves the demo shop's website on http://127.0.0.1:4100 (or PORT), to try the
 * crawler and the assistant offline. Stop with Ctrl-C.
 */
import { startFixtureSite } from '../local/fixture-site/server';

async function main() {
  const port = Number(process.env.PORT ?? 4100);
  const site = await startFixtureSite({ port });
  console.log(`Demo website (Harbour Cycles) at ${site.url}/  (Ctrl-C to stop)`);
  const stop = () => void site.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
