import type { Campaign } from '../../functions/domain/campaign';
import { CampaignGate } from '../../functions/services/sending/campaign-gate';

const campaign = (state: Campaign['state'], gen: number, updatedAt: string) =>
  ({ id: 'c1', state, gen, updatedAt }) as Campaign;

describe('the campaign gate', () => {
  it("answers from the freshest view: a new launch's job is not stopped by a stale pause", async () => {
    let stored = campaign('paused', 1, '2026-12-02T10:00:01.000Z');
    // Reads never age here, so every verdict comes from what the jobs brought.
    const gate = new CampaignGate({ get: async () => stored }, 60_000, Number.POSITIVE_INFINITY);
    const older = gate.watch(campaign('running', 1, '2026-12-02T10:00:00.000Z'));
    // The older job's read was taken before the pause it now waits through; the gate keeps the later one.
    const paused = gate.watch(stored);
    expect(await gate.verdict('c1', 1)).toBe('stop');
    // Resumed: a new launch (gen 2) read by its own job replaces the stale paused view.
    stored = campaign('running', 2, '2026-12-02T10:00:02.000Z');
    const resumed = gate.watch(stored);
    expect(await gate.verdict('c1', 2)).toBe('send');
    // A job of the earlier launch is stale whatever the state.
    expect(await gate.verdict('c1', 1)).toBe('stop');
    for (const done of [older, paused, resumed]) done();
  });

  it('reads the campaign again in the background while jobs wait, and stops when none does', async () => {
    let reads = 0;
    let stored = campaign('running', 1, '2026-12-02T10:00:00.000Z');
    const gate = new CampaignGate(
      {
        get: async () => {
          reads += 1;
          return stored;
        },
      },
      20,
    );
    const done = gate.watch(stored);
    stored = campaign('cancelled', 1, '2026-12-02T10:00:03.000Z');
    await new Promise((r) => setTimeout(r, 70));
    const beforeVerdict = reads;
    expect(await gate.verdict('c1', 1)).toBe('cancelled');
    // The background read was recent enough: the verdict cost no read of its own.
    expect(reads).toBe(beforeVerdict);
    done();
    const after = reads;
    await new Promise((r) => setTimeout(r, 70));
    expect(reads).toBe(after);
    expect(after).toBeGreaterThan(0);
  });

  it('never answers from a read older than its limit: it waits for one that started after the pause', async () => {
    let now = 1_000;
    let stored = campaign('running', 1, '2026-12-02T10:00:00.000Z');
    const startedAt: number[] = [];
    const gate = new CampaignGate(
      {
        get: async () => {
          startedAt.push(now);
          return stored;
        },
      },
      60_000,
      500,
      () => now,
    );
    const done = gate.watch(stored);
    // The job's own view is of unknown age: the first verdict reads.
    expect(await gate.verdict('c1', 1)).toBe('send');
    expect(startedAt).toEqual([1_000]);
    // Within the limit, the same read answers.
    now = 1_400;
    expect(await gate.verdict('c1', 1)).toBe('send');
    expect(startedAt).toHaveLength(1);
    // Paused (and answered 600 ms later): the read from before the pause is too old by then.
    stored = campaign('paused', 1, '2026-12-02T10:00:01.000Z');
    now = 2_100;
    expect(await gate.verdict('c1', 1)).toBe('stop');
    expect(startedAt).toEqual([1_000, 2_100]);
    done();
  });

  it('lets a failed read fail the verdict, so the job is retried rather than dropped', async () => {
    const gate = new CampaignGate(
      {
        get: async () => {
          throw new Error('table unavailable');
        },
      },
      60_000,
    );
    const done = gate.watch(campaign('running', 1, '2026-12-02T10:00:00.000Z'));
    await expect(gate.verdict('c1', 1)).rejects.toThrow('table unavailable');
    done();
  });

  it('stops the rest of a launch at once when one of its jobs met an account failure, and not the next launch', async () => {
    // The table still says running (the pause is not written yet) and reads never age.
    const stored = campaign('running', 3, '2026-12-02T10:00:00.000Z');
    const gate = new CampaignGate({ get: async () => stored }, 60_000, Number.POSITIVE_INFINITY);
    const done = gate.watch(stored);
    expect(await gate.verdict('c1', 3)).toBe('send');
    gate.stopHere('c1', 3);
    expect(await gate.verdict('c1', 3)).toBe('stop');
    // An older launch stays stopped; the resume's launch sends.
    expect(await gate.verdict('c1', 2)).toBe('stop');
    expect(await gate.verdict('c1', 4)).toBe('stop'); // not running under gen 4 in the table yet
    const resumed = gate.watch(campaign('running', 4, '2026-12-02T10:00:05.000Z'));
    expect(await gate.verdict('c1', 4)).toBe('send');
    // Remembering an older stop does not undo the newer memo.
    gate.stopHere('c1', 1);
    expect(await gate.verdict('c1', 3)).toBe('stop');
    done();
    resumed();
  });
});
