import type { components } from '../../../clients/typescript';

type Counts = components['schemas']['CampaignCounts'];

/** The parts of a campaign's audience, in the order a message moves through them. */
export const PARTS = ['read', 'delivered', 'sent', 'failed', 'skipped', 'queued'] as const;

/** How many recipients are done with (read, delivered, failed or skipped) or at least sent, in percent. */
export function progressPercent(counts: Counts): number {
  if (counts.total === 0) return 0;
  return Math.round(((counts.total - counts.queued) / counts.total) * 100);
}

/** A stacked bar of where the recipients are; the numbers are in its label for screen readers. */
export function ProgressBar({ counts }: { counts: Counts }) {
  const label = `${progressPercent(counts)}% processed: ${PARTS.map((p) => `${counts[p]} ${p}`).join(', ')}`;
  return (
    <div class="progress" role="img" aria-label={label} title={label}>
      {counts.total > 0
        ? PARTS.map((p) =>
            counts[p] > 0 ? (
              <span key={p} class={`k-${p}`} style={{ width: `${(counts[p] / counts.total) * 100}%` }} />
            ) : null,
          )
        : null}
    </div>
  );
}
