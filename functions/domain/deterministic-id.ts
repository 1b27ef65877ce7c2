import { createHash } from 'node:crypto';
import { ulid } from 'ulid';

/**
 * A ULID whose random part comes from `seed`: the same seed and time give the same id, so a retried job
 * that creates "the reply to message X" creates it once (the store's put is conditional on the id).
 */
export function deterministicUlid(seed: string, timeMs: number): string {
  const bytes = createHash('sha256').update(seed).digest();
  let i = 0;
  return ulid(timeMs, () => bytes[i++ % bytes.length]! / 256);
}
