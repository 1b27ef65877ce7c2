/** Errors the domain and the stores raise, mapped to HTTP answers at the edge (http/app.ts). */
import type { CampaignState } from './campaign-state';

export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

export class ConflictError extends Error {
  override readonly name = 'ConflictError';
}

export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
}

export class StateConflictError extends ConflictError {
  constructor(
    message: string,
    readonly currentState: CampaignState | undefined,
  ) {
    super(message);
  }
}
