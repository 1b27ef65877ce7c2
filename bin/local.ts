/**
 * `npm start`: the whole platform on this machine, on embedded emulators, with no AWS account.
 *   npm start                  keep data in DATA_DIR (default .data)
 *   npm start -- --in-memory   throwaway run
 */
import { resolve } from 'node:path';
import { ConfigError, loadConfig } from '../functions/config';
import { banner } from '../local/banner';
import { startEmulators } from '../local/emulators';
import { startPlatform } from '../local/platform';
import { removeRuntimeInfo, writeRuntimeInfo } from '../local/runtime-file';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== '--in-memory');
  if (unknown.length > 0) {
    console.error(`Unknown option ${unknown[0]}. Usage: npm start [-- --in-memory]`);
    process.exit(2);
  }
  const inMemory = args.includes('--in-memory');

  let config: ReturnType<typeof loadConfig>;
  // On this machine the business's webhook receiver is usually on this machine too.
  process.env.WEBHOOK_ALLOW_LOOPBACK ??= 'true';
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Configuration error:\n${error.message.replace(/^/gm, '  ')}`);
      process.exit(1);
    }
    throw error;
  }

  const dataDir = inMemory ? undefined : resolve(config.dataDir);
  const emulators = await startEmulators(dataDir);
  let platform: Awaited<ReturnType<typeof startPlatform>>;
  try {
    platform = await startPlatform({ config, endpoints: emulators, persistent: !inMemory });
  } catch (error) {
    await emulators.stop();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      console.error(`Port ${config.port} is in use. Stop the other process or set PORT to a free port.`);
      process.exit(1);
    }
    throw error;
  }

  if (dataDir) writeRuntimeInfo(dataDir, { pid: process.pid, url: platform.url, ...emulators });
  console.log(
    banner({
      url: platform.url,
      mode: config.mode,
      ...(dataDir ? { dataDir } : {}),
      apiKey: platform.apiKey,
      apiKeySource: platform.apiKeySource,
      admin: platform.admin,
    }),
  );

  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    console.log(`\n${signal} received: finishing work in flight and saving data...`);
    await platform.stop();
    await emulators.stop();
    if (dataDir) removeRuntimeInfo(dataDir);
    console.log('Stopped cleanly.');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
