import type { Campaign } from '../../functions/domain/campaign';
import { CampaignGate } from '../../functions/services/sending/campaign-gate';

const campaign = (state: Campaign['state'], gen: number, updatedAt: string) =>
  ({ id: 'c1', state, gen, updatedAt }) as Campaign;

describe('the campaign gate', () => {
  it("answers from the freshest view: a new launch's job is not stopped by a stale pause", () => {
    let stored = campaign('paused', 1, '2026-12-02T10:00:01.000Z');
    const gate = new CampaignGate({ get: async () => stored }, 60_000);
    const older = gate.watch(campaign('running', 1, '2026-12-02T10:00:00.000Z'));
    // The older job's read was taken before the pause it now waits through; the gate keeps the later one.
    const paused = gate.watch(stored);
    expect(gate.verdict('c1', 1)).toBe('stop');
    // Resumed: a new launch (gen 2) read by its own job replaces the stale paused view.
    stored = campaign('running', 2, '2026-12-02T10:00:02.000Z');
    const resumed = gate.watch(stored);
    expect(gate.verdict('c1', 2)).toBe('send');
    // A job of the earlier launch is stale whatever the state.
    expect(gate.verdict('c1', 1)).toBe('stop');
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
    expect(gate.verdict('c1', 1)).toBe('cancelled');
    done();
    const after = reads;
    await new Promise((r) => setTimeout(r, 70));
    expect(reads).toBe(after);
    expect(after).toBeGreaterThan(0);
  });
});
