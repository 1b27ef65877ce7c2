// The browser tier: real Debian Chromium driven by playwright-core, against the local runtime on the
// shared emulators. Without Chromium it fails at once and says how to install it: it never passes silently.
import { existsSync } from 'node:fs';
import setupEmulators from './emulators.global.mjs';

export default async function setup() {
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) {
    throw new Error(
      `Chromium is not installed at ${chromium}. Install Debian's package with "apt-get install -y chromium" ` +
        '(as root; .ci/run does this when it is missing), or set CHROMIUM_PATH, then run npm run test:browser again.',
    );
  }
  await setupEmulators();
}
