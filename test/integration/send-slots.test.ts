/**
 * The sending number's throughput slots on dynalite: the counter every send-worker container takes its
 * slots from in AWS (adapters/dynamodb/send-slots.ts), with the pacer on top of it.
 */
import { DynamoSendSlots } from '../../functions/adapters/dynamodb/send-slots';
import { SharedSlotPacer } from '../../functions/services/shared-slot-pacer';
import { documentClient, isolatedConfig } from '../support/aws';

describe('throughput slots on dynalite', () => {
  let table: string;
  beforeAll(async () => {
    table = (await isolatedConfig()).tables.messages;
  });

  it('hands out every slot once to concurrent takers, blocks side by side', async () => {
    const slots = new DynamoSendSlots(documentClient(), table, 80);
    const firsts = await Promise.all(Array.from({ length: 20 }, () => slots.take(5, 1000)));
    const taken = firsts.flatMap((first) => Array.from({ length: 5 }, (_, i) => first + i));
    expect(new Set(taken).size).toBe(100);
    expect(Math.min(...taken)).toBe(1000);
    expect(Math.max(...taken)).toBe(1099);
  });

  it('moves a counter that lags behind the clock up to now, and never back', async () => {
    const slots = new DynamoSendSlots(documentClient(), table, 90);
    expect(await slots.take(3, 500)).toBe(500);
    expect(await slots.take(2, 400)).toBe(503);
    // After a quiet spell: the slots in between went by unused.
    expect(await slots.take(1, 10_000)).toBe(10_000);
    // Another rate is another counter.
    expect(await new DynamoSendSlots(documentClient(), table, 91).take(1, 7)).toBe(7);
  });

  it("keeps two containers' pacers under the rate together", async () => {
    const rate = 50;
    const a = new SharedSlotPacer(new DynamoSendSlots(documentClient(), table, rate), rate);
    const b = new SharedSlotPacer(new DynamoSendSlots(documentClient(), table, rate), rate);
    const at: number[] = [];
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).acquire().then(() => at.push(Date.now()))),
    );
    // 30 slots at 50/s are 20 ms apart: the last one is at least 29 slots (less the 100 ms slack) after
    // the first could have gone.
    expect(Math.max(...at) - started).toBeGreaterThanOrEqual(29 * 20 - 100);
  });
});
