import { Pacer } from '../../functions/services/pacer';

describe('Pacer', () => {
  function fakeTime() {
    let now = 0;
    const waits: number[] = [];
    return {
      now: () => now,
      wait: async (ms: number) => {
        waits.push(ms);
        now += ms;
      },
      waits,
      advance: (ms: number) => (now += ms),
    };
  }

  it('spaces callers by the interval, in arrival order', async () => {
    const waits: number[] = [];
    const pacer = new Pacer(
      100,
      () => 0,
      async (ms) => void waits.push(ms),
    );
    await Promise.all([pacer.acquire(), pacer.acquire(), pacer.acquire()]);
    expect(waits).toEqual([100, 200]);
  });

  it('does not let idle time accumulate into a burst', async () => {
    const t = fakeTime();
    const pacer = new Pacer(100, t.now, t.wait);
    await pacer.acquire();
    t.advance(10_000);
    await pacer.acquire();
    await pacer.acquire();
    expect(t.waits).toEqual([100]);
  });

  it('divides the rate between workers', () => {
    expect(Pacer.forRate(80, 4).interval).toBe(50);
    expect(Pacer.forRate(1000, 1).interval).toBe(1);
  });

  it('holds everyone back after a throughput error', async () => {
    const t = fakeTime();
    const pacer = new Pacer(10, t.now, t.wait);
    pacer.pause(1000);
    await pacer.acquire();
    expect(t.waits).toEqual([1000]);
  });
});
