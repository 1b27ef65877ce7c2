import { render } from 'preact';
import { cumulativeLines, TimelineChart } from '../../web/src/components/timeline-chart';

const point = (minute: string, sent: number, delivered = 0, read = 0, failed = 0) => ({
  minute,
  sent,
  delivered,
  read,
  failed,
});

describe('the campaign timeline chart', () => {
  it('turns per-minute buckets into running totals over every minute, quiet ones included', () => {
    const { minutes, lines } = cumulativeLines([
      point('2026-12-02T10:03', 2, 1),
      point('2026-12-02T10:00', 5),
    ]);
    expect(minutes).toEqual([
      '2026-12-02T10:00:00.000Z',
      '2026-12-02T10:01:00.000Z',
      '2026-12-02T10:02:00.000Z',
      '2026-12-02T10:03:00.000Z',
    ]);
    expect(lines.find((l) => l.series === 'sent')?.totals).toEqual([5, 5, 5, 7]);
    expect(lines.find((l) => l.series === 'delivered')?.totals).toEqual([0, 0, 0, 1]);
  });

  it('draws a line per series with the totals in its label, or says nothing was sent', () => {
    const host = document.createElement('div');
    render(<TimelineChart points={[point('2026-12-02T10:00', 3, 2, 1, 1)]} />, host);
    expect(host.querySelectorAll('polyline')).toHaveLength(4);
    expect(host.querySelector('svg')?.getAttribute('aria-label')).toBe(
      'Over 1 minutes: 3 sent, 2 delivered, 1 read, 1 failed',
    );
    render(<TimelineChart points={[]} />, host);
    expect(host.textContent).toMatch(/Nothing sent yet/);
  });
});
