import { lambdaHandler } from '../compose/lambda';
import { buildLauncher } from '../compose/launcher';

/** The launcher Lambda: one launch, cancel or scheduled-start command per record from the launch queue. */
export const handler = lambdaHandler('launcher', (c) => buildLauncher(c));
