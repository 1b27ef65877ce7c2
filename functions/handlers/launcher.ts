import { loadConfig } from '../config';
import { buildDeps } from '../deps';
import { launcher } from '../wiring/launcher';

/** The launcher Lambda: one launch, cancel or scheduled-start command per record from the launch queue. */
export const makeHandler = launcher;
export const handler = launcher(buildDeps(loadConfig()));
