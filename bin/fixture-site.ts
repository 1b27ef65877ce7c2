/**
 * `npm run fixture-site`: serves the demo shop's website on http://127.0.0.1:4100 (or PORT) and the demo
 * dental clinic's (English, Portuguese and Spanish pages) on the next port, to try the crawler and the
 * assistant offline. Stop with Ctrl-C.
 */
import { startClinicSite } from '../local/fixture-site/clinic';
import { startFixtureSite } from '../local/fixture-site/server';

async function main() {
  const port = Number(process.env.PORT ?? 4100);
  const site = await startFixtureSite({ port });
  const clinic = await startClinicSite({ port: port + 1 });
  console.log(`Demo website (Harbour Cycles) at ${site.url}/  (Ctrl-C to stop)`);
  console.log(`Demo clinic (Brightside Dental) at ${clinic.url}/`);
  const stop = () => void Promise.all([site.close(), clinic.close()]).then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
