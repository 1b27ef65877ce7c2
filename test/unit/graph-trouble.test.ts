import type { SendFailure } from '../../functions/domain/whatsapp-errors';
import type { Logger } from '../../functions/logger';
import { GraphTroubleLog, troubleKind } from '../../functions/services/sending/graph-trouble';

const failure = (over: Partial<SendFailure>): SendFailure => ({
  code: null,
  title: 'HTTP 503',
  message: 'upstream',
  action: 'retry',
  ...over,
});

function recorder() {
  const lines: { message: string; fields: Record<string, unknown> }[] = [];
  const logger = {
    warn: (message: string, fields: Record<string, unknown>) => lines.push({ message, fields }),
  } as unknown as Logger;
  return { logger, lines };
}

describe('Graph trouble in the log', () => {
  it('names 5xx answers, timeouts and 130429, and nothing else', () => {
    expect(troubleKind(failure({ httpStatus: 503 }))).toBe('server_error');
    expect(troubleKind(failure({ code: 131000, httpStatus: 500 }))).toBe('server_error');
    expect(troubleKind(failure({ uncertain: true, title: 'Request timed out' }))).toBe('timeout');
    expect(troubleKind(failure({ code: 130429, httpStatus: 400 }))).toBe('throughput');
    expect(troubleKind(failure({ code: 131026, httpStatus: 400, action: 'fail' }))).toBeUndefined();
    expect(troubleKind(failure({ code: null, title: 'Network error' }))).toBeUndefined();
  });

  it('tells the first of each kind per campaign and minute, then how many more came', () => {
    let now = 0;
    const { logger, lines } = recorder();
    const log = new GraphTroubleLog(logger, () => now);
    for (let i = 0; i < 5; i++) log.note('server_error', failure({ httpStatus: 500 }), 'c1');
    log.note('timeout', failure({ uncertain: true }), 'c1');
    log.note('server_error', failure({ httpStatus: 502 }), 'c2');
    expect(lines.map((l) => [l.fields.kind, l.fields.campaignId, l.fields.moreInLastMinute])).toEqual([
      ['server_error', 'c1', 0],
      ['timeout', 'c1', 0],
      ['server_error', 'c2', 0],
    ]);
    expect(lines[0]!.fields).toMatchObject({ metric: 'graph_trouble', httpStatus: 500 });

    now = 61_000;
    log.note('server_error', failure({ httpStatus: 500 }), 'c1');
    expect(lines.at(-1)!.fields).toMatchObject({
      kind: 'server_error',
      campaignId: 'c1',
      moreInLastMinute: 4,
    });
  });

  it('tells the count of a storm that ended when flushed', () => {
    let now = 0;
    const { logger, lines } = recorder();
    const log = new GraphTroubleLog(logger, () => now);
    for (let i = 0; i < 3; i++) log.note('throughput', failure({ code: 130429 }), 'c1');
    log.flush();
    expect(lines).toHaveLength(1);
    now = 60_000;
    log.flush();
    expect(lines.at(-1)).toMatchObject({
      fields: { kind: 'throughput', campaignId: 'c1', moreInLastMinute: 2 },
    });
    log.flush();
    expect(lines).toHaveLength(2);
  });
});
