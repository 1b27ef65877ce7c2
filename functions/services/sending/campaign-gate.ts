import type { Campaign } from '../../domain/campaign';
import type { CampaignStore } from '../../ports';

/** How often a worker reads a campaign again while any of its jobs waits to send. */
export const GATE_REFRESH_MS = 250;

/**
 * The oldest read a verdict may rest on. Pause and cancel answer this long after their write
 * (`STOP_SETTLE_MS`), so every verdict asked after their answer rests on a (strongly consistent) read
 * that started after the write, and no Graph request for the campaign starts after the answer.
 */
export const GATE_MAX_AGE_MS = 500;

/** How long pause and cancel wait after their write before they answer: the gate's age plus clock skew. */
export const STOP_SETTLE_MS = GATE_MAX_AGE_MS + 100;

/** Campaigns whose stopped launch a worker remembers (the oldest is forgotten first). */
const MAX_STOPPED_MEMOS = 1000;

export type GateVerdict = 'send' | 'cancelled' | 'stop';

interface Watched {
  waiters: number;
  campaign: Campaign | undefined;
  /** When the read behind `campaign` started (-Infinity: a job's own read, of unknown age). */
  readAt: number;
  /** The read in flight, if any, and when it started. */
  reading?: { startedAt: number; done: Promise<void> };
  timer: ReturnType<typeof setInterval>;
}

/**
 * Whether a campaign still wants its sends, asked right before each Graph call: at a low rate a job can
 * wait at the pacer for seconds, and a pause or cancel acknowledged meanwhile must stop it there. While
 * jobs of a campaign wait, the gate reads the campaign in the background every quarter second, so the
 * answer rarely costs a wait on the send path, and the table one read per campaign, worker and quarter
 * second. A verdict never rests on a read older than GATE_MAX_AGE_MS: past that (a slow table, a job
 * that did not wait), the job waits for a fresh read.
 */
export class CampaignGate {
  private readonly watched = new Map<string, Watched>();
  /** The launch (gen) of each campaign this worker stopped itself, up to which nothing is sent. */
  private readonly stoppedLaunches = new Map<string, number>();

  constructor(
    private readonly campaigns: Pick<CampaignStore, 'get'>,
    private readonly refreshMs = GATE_REFRESH_MS,
    private readonly maxAgeMs = GATE_MAX_AGE_MS,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Starts watching `campaign` (as its job just read it) until the returned function is called. */
  watch(campaign: Campaign): () => void {
    let entry = this.watched.get(campaign.id);
    if (!entry) {
      const created: Watched = {
        waiters: 0,
        campaign,
        readAt: Number.NEGATIVE_INFINITY,
        timer: setInterval(() => {
          // A failed read keeps the last answer; the next tick (or a verdict) tries again.
          this.read(campaign.id, created).catch(() => {});
        }, this.refreshMs),
      };
      created.timer.unref?.();
      entry = created;
      this.watched.set(campaign.id, entry);
    } else if (isNewer(campaign, entry.campaign)) {
      // This job read the campaign after the gate last did (a resume's new launch, say): its view wins
      // until the next read, so a fresh job is not stopped by a stale pause.
      entry.campaign = campaign;
    }
    const watching = entry;
    watching.waiters += 1;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      watching.waiters -= 1;
      if (watching.waiters === 0) {
        clearInterval(watching.timer);
        this.watched.delete(campaign.id);
      }
    };
  }

  /**
   * This worker has just met a failure that stops the launch (an account failure it is about to write
   * as a pause): its other jobs of that launch stop now instead of sending on a read up to
   * GATE_MAX_AGE_MS old and meeting the same failure. Launches only move forward (a resume is a new
   * gen), so the memo never needs to expire; it holds one number per campaign.
   */
  stopHere(campaignId: string, gen: number): void {
    const known = this.stoppedLaunches.get(campaignId) ?? Number.NEGATIVE_INFINITY;
    if (gen > known) this.stoppedLaunches.set(campaignId, gen);
    if (this.stoppedLaunches.size > MAX_STOPPED_MEMOS) {
      const oldest = this.stoppedLaunches.keys().next().value;
      if (oldest !== undefined) this.stoppedLaunches.delete(oldest);
    }
  }

  /**
   * `send` while the campaign runs under this launch; otherwise what it has become. Rests on a read no
   * older than GATE_MAX_AGE_MS, waiting for one if need be (a failed read throws: the job is retried).
   */
  async verdict(campaignId: string, gen: number): Promise<GateVerdict> {
    if ((this.stoppedLaunches.get(campaignId) ?? Number.NEGATIVE_INFINITY) >= gen) return 'stop';
    const entry = this.watched.get(campaignId);
    if (entry && this.now() - entry.readAt > this.maxAgeMs) await this.read(campaignId, entry);
    const campaign = entry?.campaign;
    if (campaign?.state === 'running' && campaign.gen === gen) return 'send';
    return campaign?.state === 'cancelled' ? 'cancelled' : 'stop';
  }

  /** A read that started no earlier than now less the age allowed: the one in flight if it qualifies. */
  private read(campaignId: string, entry: Watched): Promise<void> {
    const now = this.now();
    if (entry.reading && now - entry.reading.startedAt <= this.maxAgeMs) return entry.reading.done;
    const startedAt = now;
    const done = this.campaigns.get(campaignId).then((latest) => {
      // Campaigns only move forward (gen, updatedAt): the newest view wins, whichever read brought it. A
      // job's own view newer than this read reflects everything written before the read started, too.
      if (!latest || !entry.campaign || !isNewer(entry.campaign, latest)) entry.campaign = latest;
      entry.readAt = Math.max(entry.readAt, startedAt);
    });
    const reading = { startedAt, done };
    entry.reading = reading;
    const clear = () => {
      if (entry.reading === reading) entry.reading = undefined;
    };
    done.then(clear, clear);
    return done;
  }
}

function isNewer(read: Campaign, known: Campaign | undefined): boolean {
  if (!known) return true;
  if (read.gen !== known.gen) return read.gen > known.gen;
  return Date.parse(read.updatedAt) > Date.parse(known.updatedAt);
}
