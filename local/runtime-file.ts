/**
 * While `npm start` runs on a data directory, it owns the directory's LevelDB files (one process at a
 * time). It writes where its emulators answer to `<dataDir>/runtime.json`, so commands such as
 * `npm run api-key` can work against the running platform instead of failing to open the files.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RuntimeInfo {
  readonly pid: number;
  readonly url: string;
  readonly dynamodbEndpoint: string;
  readonly sqsEndpoint: string;
}

const fileIn = (dataDir: string) => join(dataDir, 'runtime.json');

export function writeRuntimeInfo(dataDir: string, info: RuntimeInfo): void {
  writeFileSync(fileIn(dataDir), `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
}

export function removeRuntimeInfo(dataDir: string): void {
  rmSync(fileIn(dataDir), { force: true });
}

/** The running platform on this directory, if there is one (a file left by a killed run is ignored). */
export function runningPlatform(dataDir: string): RuntimeInfo | undefined {
  let info: RuntimeInfo;
  try {
    info = JSON.parse(readFileSync(fileIn(dataDir), 'utf8')) as RuntimeInfo;
  } catch {
    return undefined;
  }
  try {
    process.kill(info.pid, 0);
    return info;
  } catch {
    return undefined;
  }
}
